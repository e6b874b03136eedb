import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { projectRoot } from '../../src/config/config.js';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import { ensureTemporalBinaries, type TemporalBinaries } from './binaries.js';
import type { ClusterLayout, HostLayout, ServerNodeLayout } from './layout.js';
import { postgresReady, setupSchema, startPostgres } from './postgres.js';
import { endGroup, isAlive, startDetached, waitUntil, type Started } from './processes.js';
import { haproxyConfig, serverNodeConfig } from './server-config.js';

/** What `up` started, in start order (`down` ends them in reverse). */
interface ClusterState {
  startedAt: string;
  address: string;
  processes: Started[];
}

const stateFile = (layout: ClusterLayout) => path.join(layout.dir, 'state.json');

export async function readState(layout: ClusterLayout): Promise<ClusterState | undefined> {
  const text = await readFile(stateFile(layout), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as ClusterState);
}

/** The environment that points `drover` (CLI or worker) at the cluster. */
export function clusterEnv(layout: ClusterLayout, host?: HostLayout): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TEMPORAL_ADDRESS: layout.address,
    TEMPORAL_NAMESPACE: layout.namespace,
    DROVER_TASK_QUEUE: layout.taskQueue,
    ...(host
      ? {
          DROVER_HOST_ID: host.hostId,
          DROVER_HOME: host.home,
          DROVER_TMUX_SOCKET: host.tmuxSocket,
        }
      : {}),
  };
}

/** One part of the cluster started again (after a fault): its new pid replaces the old in state.json, so `down` ends it. */
export async function restartPart(layout: ClusterLayout, name: string, log: (line: string) => void): Promise<Started> {
  const state = await readState(layout);
  if (!state) throw new Error('no cluster recorded');
  const bin = await ensureTemporalBinaries(layout.temporalVersion, log);
  const node = layout.nodes.find((n) => n.name === name);
  const host = layout.hosts.find((h) => h.hostId === name);
  const started =
    name === 'postgres'
      ? await startPostgres(layout, path.join(layout.dir, 'postgres.log'))
      : name === 'haproxy'
        ? startHaproxy(layout)
        : node
          ? startNode(layout, node, bin)
          : host
            ? startHost(layout, host)
            : undefined;
  if (!started) throw new Error(`no part of the cluster is named ${name}`);
  state.processes = [...state.processes.filter((p) => p.name !== name), started];
  await writeFile(stateFile(layout), `${JSON.stringify(state, null, 2)}\n`);
  log(`${name} started again: pid ${started.pid}`);
  return started;
}

function startNode(layout: ClusterLayout, node: ServerNodeLayout, bin: TemporalBinaries): Started {
  return startDetached(node.name, bin.server, ['--config-file', node.configFile, '--allow-no-auth', 'start'], {
    log: path.join(layout.dir, `${node.name}.log`),
  });
}

function startHaproxy(layout: ClusterLayout): Started {
  return startDetached('haproxy', 'haproxy', ['-db', '-f', path.join(layout.dir, 'haproxy.cfg')], {
    log: path.join(layout.dir, 'haproxy.log'),
  });
}

function startHost(layout: ClusterLayout, host: HostLayout): Started {
  return startDetached(host.hostId, path.join(projectRoot(), 'bin', 'drover'), ['worker', '--rehearsal'], {
    log: path.join(layout.dir, `${host.hostId}.log`),
    env: clusterEnv(layout, host),
  });
}

export async function tcpAnswers(port: number): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * PostgreSQL → schema → 2 server nodes → load balancer → namespace → 3 Drover hosts (workers with
 * their own host ids, homes and tmux servers; `--rehearsal`, so scripted agents run offline).
 */
export async function clusterUp(layout: ClusterLayout, log: (line: string) => void): Promise<ClusterState> {
  if (await readState(layout))
    throw new Error(`a cluster is already recorded in ${layout.dir}: npm run cluster down first`);
  const bin = await ensureTemporalBinaries(layout.temporalVersion, log);
  await mkdir(layout.dir, { recursive: true });
  const state: ClusterState = { startedAt: new Date().toISOString(), address: layout.address, processes: [] };
  const save = () => writeFile(stateFile(layout), `${JSON.stringify(state, null, 2)}\n`);
  const started = async (s: Started) => {
    state.processes.push(s);
    await save();
    log(`${s.name}: pid ${s.pid}, log ${s.log}`);
  };
  try {
    await started(await startPostgres(layout, path.join(layout.dir, 'postgres.log')));
    await waitUntil('PostgreSQL', () => postgresReady(layout), 60_000);
    await setupSchema(layout, bin);
    log('schema ready');
    const dynamicConfig = path.join(projectRoot(), 'deploy', 'dynamicconfig', 'development-sql.yaml');
    for (const node of layout.nodes) {
      await mkdir(path.dirname(node.configFile), { recursive: true });
      await writeFile(node.configFile, stringify(serverNodeConfig(layout, node, dynamicConfig)));
      await started(startNode(layout, node, bin));
    }
    for (const node of layout.nodes)
      await waitUntil(`${node.name}'s frontend`, () => tcpAnswers(node.frontend.grpc), 120_000);
    const haproxyCfg = path.join(layout.dir, 'haproxy.cfg');
    await writeFile(haproxyCfg, haproxyConfig(layout, path.join(layout.dir, 'haproxy.pid')));
    await started(startHaproxy(layout));
    const temporal = await findTemporalCli({ projectRoot: projectRoot(), install: true, log });
    await waitUntil(
      'the cluster through the load balancer',
      async () =>
        (await execa(temporal, ['operator', 'cluster', 'health', '--address', layout.address], { reject: false }))
          .exitCode === 0,
      120_000,
    );
    const ns = ['--namespace', layout.namespace, '--address', layout.address];
    if ((await execa(temporal, ['operator', 'namespace', 'describe', ...ns], { reject: false })).exitCode !== 0)
      await execa(temporal, ['operator', 'namespace', 'create', '--retention', '72h', ...ns]);
    // a new namespace reaches every node's cache within seconds
    await waitUntil(
      `namespace ${layout.namespace}`,
      async () =>
        (await execa(temporal, ['workflow', 'list', '--limit', '1', ...ns], { reject: false })).exitCode === 0,
      60_000,
    );
    log(`namespace ${layout.namespace} ready at ${layout.address}`);
    for (const host of layout.hosts) {
      await mkdir(host.home, { recursive: true });
      await started(startHost(layout, host));
    }
    return state;
  } catch (error) {
    log(`up failed: ${error instanceof Error ? error.message : String(error)}; ending what it started`);
    await clusterDown(layout, log, { keepDir: true });
    throw error;
  }
}

/** Ends every recorded process (hosts first), the hosts' tmux servers, then removes the runtime dir unless `keepDir`. */
export async function clusterDown(
  layout: ClusterLayout,
  log: (line: string) => void,
  options: { keepDir?: boolean } = {},
): Promise<{ left: Started[] }> {
  const state = await readState(layout);
  const left: Started[] = [];
  const end = async (p: Started) => {
    const gone = await endGroup(p.pid);
    log(`${p.name} (pid ${p.pid}): ${gone ? 'ended' : 'STILL RUNNING'}`);
    if (!gone) left.push(p);
  };
  const hostIds = new Set(layout.hosts.map((h) => h.hostId));
  const processes = [...(state?.processes ?? [])].reverse();
  // the hosts first, so none starts an agent meanwhile; then their tmux servers (the agents live
  // there, and tmux outlives the worker's process group), then the cluster under them
  for (const p of processes.filter((p) => hostIds.has(p.name))) await end(p);
  for (const host of layout.hosts) await endTmuxServer(host.tmuxSocket);
  for (const p of processes.filter((p) => !hostIds.has(p.name))) await end(p);
  if (left.length === 0 && !options.keepDir) await rm(layout.dir, { recursive: true, force: true });
  else await rm(stateFile(layout), { force: true });
  return { left };
}

/** `tmux -L socket kill-server`, and the socket file it leaves when the server was already gone. */
async function endTmuxServer(socket: string): Promise<void> {
  await execa('tmux', ['-L', socket, 'kill-server'], { reject: false });
  const dir = process.env.TMUX_TMPDIR ?? '/tmp';
  await rm(path.join(dir, `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
}

export async function clusterStatus(layout: ClusterLayout): Promise<{ name: string; pid: number; alive: boolean }[]> {
  const state = await readState(layout);
  return (state?.processes ?? []).map((p) => ({ name: p.name, pid: p.pid, alive: isAlive(p.pid) }));
}
