/**
 * `npm run cluster:check`: the local cluster end to end, with what it saw written to
 * bench/results/cluster.json — `up`; `drover hosts` against it (3 live hosts); one rehearsal task
 * (the real claude CLI on the scripted model server) placed by the registry and verified; both
 * server nodes in the membership table; `down`; then no process it started is left, no tmux
 * socket of a host, no network namespace or bridge. Exits non-zero when any of that fails.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../src/config/config.js';
import { clusterDown, clusterEnv, clusterUp } from './cluster/cluster.js';
import { clusterDir, clusterLayout } from './cluster/layout.js';
import { isAlive, waitUntil } from './cluster/processes.js';

const line = (s: string) => process.stdout.write(`${s}\n`);
const layout = clusterLayout({ dir: clusterDir() });
const drover = (args: string[]) =>
  execa(path.join(projectRoot(), 'bin', 'drover'), args, { env: clusterEnv(layout), reject: false });

const upStarted = Date.now();
const state = await clusterUp(layout, (l) => line(`[cluster] ${l}`));
const upSeconds = (Date.now() - upStarted) / 1000;
const checks: Record<string, boolean> = {};
let hostsView: { hosts: { hostId: string; live: boolean }[] } = { hosts: [] };
let task: { state?: string; reason?: string } = {};
let members: string[] = [];
try {
  await waitUntil(
    '3 live hosts',
    async () => {
      const out = await drover(['hosts', '--json']);
      hostsView = JSON.parse(out.stdout) as typeof hostsView;
      return hostsView.hosts.filter((h) => h.live).length === layout.hosts.length;
    },
    60_000,
  );
  checks['drover hosts lists 3 live hosts'] = true;
  const { stdout } = await execa('psql', [
    '-h',
    '127.0.0.1',
    '-p',
    String(layout.postgres.port),
    '-U',
    layout.postgres.user,
    '-d',
    'temporal',
    '-Atc',
    'select distinct rpc_port from cluster_membership where record_expiry > now() and role = 1 order by 1',
  ]);
  members = stdout.split('\n').filter(Boolean);
  checks['both server nodes are frontend members'] = layout.nodes.every((n) =>
    members.includes(String(n.frontend.membership)),
  );
  const repo = await mkdtemp(path.join(os.tmpdir(), 'drover-cluster-repo-'));
  await execa('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  await writeFile(path.join(repo, 'calc.js'), 'export function add(a, b) {\n  return a - b;\n}\n');
  await execa('git', ['add', '-A'], { cwd: repo });
  await execa('git', ['-c', 'user.email=c@example.com', '-c', 'user.name=c', 'commit', '-qm', 'init'], { cwd: repo });
  const run = await drover([
    'task',
    '--repo',
    repo,
    '--objective',
    'Fix add',
    '--steps',
    'fix',
    '--scenario',
    path.join(projectRoot(), 'scenarios', 'fix-defect.json'),
    '--wait',
    '--json',
  ]);
  const last = run.stdout.trim().split('\n').at(-1) ?? '{}';
  task = JSON.parse(last.startsWith('{') ? last : '{}') as typeof task;
  checks['a rehearsal task is done through the cluster'] = run.exitCode === 0;
  await rm(repo, { recursive: true, force: true });
} finally {
  const { left } = await clusterDown(layout, (l) => line(`[cluster] ${l}`));
  checks['down: every process ended'] = left.length === 0 && state.processes.every((p) => !isAlive(p.pid));
  const sockets = await readdir(path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`)).catch(
    () => [],
  );
  checks['down: no host tmux socket left'] = !sockets.some((s) => s.startsWith('drover-cluster-'));
  const netns = await execa('ip', ['netns', 'list'], { reject: false });
  const bridges = await execa('ip', ['-o', 'link', 'show', 'type', 'bridge'], { reject: false });
  checks['down: no network namespace or bridge'] = netns.stdout.trim() === '' && bridges.stdout.trim() === '';
}

const report = {
  at: new Date().toISOString(),
  temporalVersion: layout.temporalVersion,
  upSeconds: Math.round(upSeconds * 10) / 10,
  processes: state.processes.map((p) => p.name),
  frontendMembers: members,
  hosts: hostsView.hosts.map((h) => `${h.hostId} ${h.live ? 'live' : 'gone'}`),
  task: { state: task.state, reason: task.reason },
  checks,
};
line(JSON.stringify(report, null, 2));
await mkdir(path.join(projectRoot(), 'bench', 'results'), { recursive: true });
await writeFile(path.join(projectRoot(), 'bench', 'results', 'cluster.json'), `${JSON.stringify(report, null, 2)}\n`);
if (Object.values(checks).some((ok) => !ok) || Object.keys(checks).length < 6) process.exitCode = 1;
