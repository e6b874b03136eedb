/**
 * `npm run chaos:cluster`: the chaos suite's 10-task manifest (scripted claude agents) on the local
 * cluster (bench/cluster: 2 Temporal nodes on PostgreSQL behind HAProxy, 3 Drover hosts), while a
 * server node is SIGKILLed (and started again), a whole host is SIGKILLed (worker, tmux server
 * and its agents; it stays down, so its tasks must move), PostgreSQL is SIGKILLed and restarted,
 * and the load balancer is killed and restarted. Then: every task complete, started once, never
 * two live windows of one task at a time on any host, every commit an origin branch pointed at
 * still in its final head, every history under 10 k events. Writes bench/results/chaos-cluster.json
 * with the fault timeline; exits non-zero when an invariant does not hold.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { execa } from 'execa';
import { projectRoot } from '../src/config/config.js';
import type { ManifestRunInput, ManifestRunState } from '../src/domain/manifest-run.js';
import { tmuxWindowName } from '../src/domain/identifiers.js';
import { TmuxClient } from '../src/host/tmux/tmux-client.js';
import { manifestStateQuery } from '../src/workflows/manifest.js';
import { CHAOS_REPO_FILES, chaosManifest, chaosScenario } from '../test/support/chaos/manifest.js';
import { loadWanted, startLoad } from '../test/support/load-mode.js';
import { git, makeRepo } from '../test/support/repo.js';
import { clusterDown, clusterUp, readState, restartPart } from './cluster/cluster.js';
import { clusterDir, clusterLayout } from './cluster/layout.js';
import { endGroup } from './cluster/processes.js';

const line = (s: string) => process.stdout.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const layout = clusterLayout({ dir: clusterDir() });
const t0 = Date.now();
const at = () => Math.round((Date.now() - t0) / 100) / 10;
const faults: { at: number; what: string }[] = [];
const fault = (what: string) => {
  faults.push({ at: at(), what });
  line(`[${at()} s] FAULT ${what}`);
};

async function kill(name: string): Promise<void> {
  const p = (await readState(layout))?.processes.find((x) => x.name === name);
  if (!p) throw new Error(`${name} is not running`);
  await endGroup(p.pid, 0); // SIGTERM then SIGKILL at once
}

// CHAOS_LOAD=1: the run beside CPU hogs (test/support/load-mode.ts)
const load = loadWanted(process.env, 'CHAOS_LOAD') ? await startLoad() : undefined;
await clusterUp(layout, (l) => line(`[cluster] ${l}`));
const tmp = await mkdtemp(path.join(os.tmpdir(), 'drover-chaos-cluster-'));
const name = `cc${Date.now().toString(36).slice(-4)}`;
const manifest = chaosManifest(name);
const ids = manifest.phases.flatMap((p) => p.tasks.map((t) => t.id));
const report: Record<string, unknown> = { at: new Date().toISOString(), name, tasks: ids.length };
let exit = 1;
try {
  const origin = await makeRepo(path.join(tmp, 'origin'), CHAOS_REPO_FILES);
  const connection = await Connection.connect({ address: layout.address });
  const client = new Client({ connection, namespace: layout.namespace });
  const input: ManifestRunInput = {
    name,
    manifest,
    repo: origin,
    gates: 'deps',
    slots: 4,
    scenarios: Object.fromEntries(ids.map((id) => [id, chaosScenario(id)])),
    policy: { idleSeconds: 5, humanWaitSeconds: 120 },
  };
  const handle = await client.workflow.start('manifestWorkflow', {
    taskQueue: layout.taskQueue,
    workflowId: `manifest/${name}`,
    args: [input],
  });

  // the outside view, twice a second: live windows per task over every host, and every commit on origin
  const tmuxes = layout.hosts.map(
    (h) => new TmuxClient({ socket: h.tmuxSocket, session: 'drover', width: 200, height: 50, serverEnv: {} }),
  );
  const maxLive = new Map<string, number>();
  const seen = new Map<string, Set<string>>();
  let last: ManifestRunState | undefined;
  let done = false;
  const observe = (async () => {
    while (!done) {
      const live = new Map<string, number>();
      for (const tmux of tmuxes)
        for (const p of await tmux.listPanes().catch(() => []))
          if (!p.paneDead) live.set(p.windowName, (live.get(p.windowName) ?? 0) + 1);
      for (const [w, n] of live) maxLive.set(w, Math.max(n, maxLive.get(w) ?? 0));
      const refs = await execa(
        'git',
        ['-C', origin, 'for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads/drover/'],
        {
          reject: false,
        },
      );
      for (const row of refs.stdout.split('\n').filter(Boolean)) {
        const [ref, sha] = row.split(' ') as [string, string];
        seen.set(ref, (seen.get(ref) ?? new Set()).add(sha));
      }
      last = (await handle.query(manifestStateQuery).catch(() => undefined)) ?? last;
      await sleep(500);
    }
  })();
  const starts = () => last?.log.filter((l) => l.event === 'start').length ?? 0;
  const completed = () => last?.tasks.filter((t) => t.status === 'complete').length ?? 0;
  const when = async (what: string, ready: () => boolean) => {
    while (!ready()) {
      if (Date.now() - t0 > 25 * 60_000) throw new Error(`timed out waiting for ${what}`);
      await sleep(250);
    }
  };

  await when('2 starts', () => starts() >= 2);
  fault('SIGKILL server node1');
  await kill('node1');
  await sleep(15_000);
  await restartPart(layout, 'node1', line);
  fault('node1 started again after 15 s');

  await when('4 starts', () => starts() >= 4);
  const lostHost = layout.hosts[1]!;
  fault(`SIGKILL host ${lostHost.hostId}: its worker, its tmux server and its agents (it stays down)`);
  await kill(lostHost.hostId);
  await execa('tmux', ['-L', lostHost.tmuxSocket, 'kill-server'], { reject: false });

  await when('3 complete', () => completed() >= 3);
  fault('SIGKILL PostgreSQL');
  await kill('postgres');
  await sleep(5000);
  await restartPart(layout, 'postgres', line);
  fault('PostgreSQL started again after 5 s');

  await when('6 complete', () => completed() >= 6);
  fault('SIGKILL the load balancer');
  await kill('haproxy');
  await sleep(5000);
  await restartPart(layout, 'haproxy', line);
  fault('load balancer started again after 5 s');

  let state: ManifestRunState | undefined;
  while (!state) {
    if (Date.now() - t0 > 25 * 60_000) throw new Error('timed out waiting for the manifest');
    state = (await handle.result().catch(async () => {
      await sleep(1000);
      return undefined;
    })) as ManifestRunState | undefined;
  }
  done = true;
  await observe;

  const tasks = [];
  for (const t of state.tasks) {
    const head = await git(origin, ['rev-parse', '--verify', '--quiet', `refs/heads/${t.branch}`]).catch(
      () => undefined,
    );
    const lost: string[] = [];
    for (const sha of seen.get(t.branch) ?? []) {
      const r = await execa('git', ['-C', origin, 'merge-base', '--is-ancestor', sha, head ?? 'HEAD'], {
        reject: false,
      });
      if (!head || r.exitCode !== 0) lost.push(sha);
    }
    const described = await client.workflow.getHandle(t.workflowId).describe();
    const events =
      (described.memo?.droverState as { events?: { at: string; what: string }[] } | undefined)?.events ?? [];
    const placements = events.filter((e) => /^(placed on host |moved from host )/.test(e.what));
    tasks.push({
      hosts: placements.map((e) => /host (\S+?):?$|to host (\S+?):/.exec(e.what)?.slice(1).find(Boolean) ?? e.what),
      placedAt: placements.map((e) => e.at),
      id: t.id,
      status: t.status,
      starts: state.log.filter((l) => l.task === t.id && l.event === 'start').length,
      maxLiveWindows: maxLive.get(tmuxWindowName(`${name}-${t.id}`)) ?? 0,
      commitPushed: t.commit !== undefined && head === t.commit,
      lostCommits: lost,
      historyEvents: described.historyLength,
      reason: t.reason.slice(0, 120),
    });
  }
  const manifestEvents = (await handle.describe()).historyLength;
  // the lost host's tasks: when each was placed elsewhere, counted from the SIGKILL
  const killedAt = t0 + (faults.find((f) => f.what.startsWith('SIGKILL host'))?.at ?? 0) * 1000;
  const moved = tasks
    .filter((t) => t.hosts.length > 1 && t.hosts.slice(0, -1).includes(lostHost.hostId))
    .map((t) => ({
      id: t.id,
      from: lostHost.hostId,
      to: t.hosts.at(-1),
      afterSeconds: (Date.parse(t.placedAt.at(-1)!) - killedAt) / 1000,
    }));
  report.movedFromLostHost = moved;
  const checks = {
    'every task complete': tasks.every((t) => t.status === 'complete'),
    'every task started once': tasks.every((t) => t.starts === 1),
    'never two live windows of one task': tasks.every((t) => t.maxLiveWindows <= 1),
    'every commit pushed, none lost': tasks.every((t) => t.commitPushed && t.lostCommits.length === 0),
    'every history under 10 k events': manifestEvents < 10_000 && tasks.every((t) => t.historyEvents < 10_000),
  };
  for (const t of tasks)
    line(
      `${t.id.padEnd(4)} ${t.status.padEnd(9)} hosts ${t.hosts.join('→')} starts ${t.starts} windows ${t.maxLiveWindows} pushed ${t.commitPushed ? 'yes' : 'NO'} lost ${t.lostCommits.length} events ${t.historyEvents}`,
    );
  Object.assign(report, { wallSeconds: at(), faults, manifestEvents, tasks, checks });
  exit = Object.values(checks).every(Boolean) ? 0 : 1;
  await connection.close();
} catch (error) {
  Object.assign(report, { wallSeconds: at(), faults, error: error instanceof Error ? error.message : String(error) });
} finally {
  await clusterDown(layout, (l) => line(`[cluster] ${l}`));
  await rm(tmp, { recursive: true, force: true });
  if (load) report.load = await load.stop();
}
line(JSON.stringify({ ...report, tasks: undefined }, null, 2));
await mkdir(path.join(projectRoot(), 'bench', 'results'), { recursive: true });
await writeFile(
  path.join(projectRoot(), 'bench', 'results', 'chaos-cluster.json'),
  `${JSON.stringify(report, null, 2)}\n`,
);
process.exitCode = exit;
