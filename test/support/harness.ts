import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { execa, type ResultPromise } from 'execa';
import { TmuxClient } from '../../src/host/tmux/tmux-client.js';
import { loadConfig, projectRoot, type DroverConfig } from '../../src/config/config.js';
import { ensureDevServer, type DevServerHandle } from '../../src/dev/dev-server.js';
import { registerSearchAttributes } from '../../src/temporal/search-attributes.js';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import { startModelServer, type ModelServer } from '../../src/rehearsal/model-server.js';
import { startHostWorkers, type HostWorkers } from '../../src/workers/host-worker.js';
import type { GithubSettings } from '../../src/github/settings.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * A real Temporal dev server on free ports with a throwaway SQLite file, one per test file. Ports
 * are picked free and then bound by the server, so another file may bind one in between (files run
 * side by side): the start is tried again on new ports, and a server that already answers on the
 * picked port (another file's) is never reused.
 */
export async function startTestTemporal(tmp: string): Promise<DevServerHandle> {
  const cli = await findTemporalCli({ projectRoot: projectRoot(), install: true, log: () => undefined });
  const failures: string[] = [];
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const port = await freePort();
    const uiPort = await freePort();
    if (port === uiPort) continue;
    const server = await ensureDevServer({
      cli,
      dbFile: path.join(tmp, 'temporal.sqlite'),
      port,
      uiPort,
      namespace: 'default',
      log: () => undefined,
      detached: false,
    }).catch((error: unknown) => {
      failures.push(
        `ports ${port}/${uiPort}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
      return undefined;
    });
    if (server?.reused) {
      failures.push(`port ${port}: another file's dev server answered there first`);
      continue;
    }
    if (!server) continue;
    const connection = await Connection.connect({ address: server.address });
    await registerSearchAttributes(connection, 'default', () => undefined);
    await connection.close();
    return server;
  }
  throw new Error(`no Temporal dev server started after ${PORT_ATTEMPTS} tries:\n${failures.join('\n')}`);
}

const PORT_ATTEMPTS = 4;

export interface Rig {
  tmp: string;
  config: DroverConfig;
  server: DevServerHandle;
  model: ModelServer;
  client: Client;
  workers?: HostWorkers;
  startWorkers(extra?: { github?: GithubSettings }): Promise<HostWorkers>;
  /** A worker in its own process (`drover worker --rehearsal`), so a test can SIGKILL it; killed on close. `env` overrides (e.g. another DROVER_HOST_ID). */
  spawnWorker(env?: Record<string, string>): ResultPromise;
  close(): Promise<void>;
}

/** Config for a test: its own Drover home, tmux socket and host id, pointed at the test server. */
export function testConfig(tmp: string, address: string, name: string): DroverConfig {
  return loadConfig({
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: 'default',
      DROVER_HOME: path.join(tmp, 'drover'),
      DROVER_TMUX_SOCKET: `drover-test-${name}-${process.pid}`,
      DROVER_HOST_ID: `test-${name}`,
      DROVER_TASK_QUEUE: `drover-test-${name}`,
    },
  });
}

export async function startRig(name: string): Promise<Rig> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), `drover-${name}-`));
  const server = await startTestTemporal(tmp);
  const config = testConfig(tmp, server.address, name);
  const model = await startModelServer({ port: 0, host: '127.0.0.1', log: keepModelLog });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: 'default' });
  const processes: ResultPromise[] = [];
  const rig: Rig = {
    tmp,
    config,
    server,
    model,
    client,
    async startWorkers(extra = {}) {
      rig.workers = await startHostWorkers({ config, scenarioHost: model, log: () => undefined, ...extra });
      return rig.workers;
    },
    spawnWorker(env?: Record<string, string>) {
      const child = spawnWorkerProcess(rig, processes.length, env);
      processes.push(child);
      return child;
    },
    async close() {
      for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
      await rig.workers?.shutdown().catch(() => undefined);
      // agents this rig started, by pid: gemini ignores the SIGHUP of a closing tmux server
      const tmux = rigTmux(rig);
      for (const pane of await tmux.listPanes().catch(() => [])) {
        try {
          if (pane.panePid > 0) process.kill(pane.panePid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      await tmux.killServer();
      await connection.close();
      await model.close();
      await rig.server.stop(); // the chaos suite may have replaced it (a restarted dev server)
      if (!process.env.KEEP_RIG_TMP) await rm(tmp, { recursive: true, force: true });
    },
  };
  return rig;
}

/** The model server's last requests (route, kind, turn served), printed when a test times out. */
const modelLog: string[] = [];
function keepModelLog(line: string): void {
  modelLog.push(`${new Date().toISOString()} ${line}`);
  if (modelLog.length > 60) modelLog.shift();
  // DROVER_TEST_MODEL_LOG=FILE keeps every line, for a run that passed but looked odd
  if (process.env.DROVER_TEST_MODEL_LOG) appendFileSync(process.env.DROVER_TEST_MODEL_LOG, `${modelLog.at(-1)}\n`);
}

/**
 * The workflow's result, or — when it does not finish in time — an error that carries its
 * recorded decisions and screen tail, so a failing run says what happened.
 */
export async function resultWithin<T>(
  handle: { result(): Promise<unknown>; query: (q: never) => Promise<unknown> },
  ms: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(async () => {
      const { stateQuery } = await import('../../src/workflows/task-messages.js');
      const s = (await (handle.query as (q: unknown) => Promise<unknown>)(stateQuery).catch((e) => ({
        error: String(e),
      }))) as Record<string, unknown>;
      reject(
        new Error(
          `no result after ${ms} ms; state:\n${JSON.stringify({ phase: s.phase, agentState: s.agentState, events: s.events, tail: s.screenTail }, null, 2)}\nthe model server's last requests:\n${modelLog.join('\n')}`,
        ),
      );
    }, ms);
  });
  try {
    return (await Promise.race([handle.result(), timeout])) as T;
  } finally {
    clearTimeout(timer);
  }
}

/** The environment that points the `drover` CLI (or a worker process) at a rig. */
export function rigEnv(rig: Rig): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: rig.config.temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    DROVER_HOME: rig.config.droverHome,
    DROVER_TMUX_SOCKET: rig.config.tmuxSocket,
    DROVER_HOST_ID: rig.config.hostId,
    DROVER_TASK_QUEUE: rig.config.taskQueue,
    DROVER_MODEL_SERVER_URL: rig.model.url,
  };
}

/**
 * A worker in its own process, started as users start it (`bin/drover worker --rehearsal`: the
 * launcher execs node, so the pid is the worker's), so a test can SIGKILL it; logs go to the rig's tmp.
 */
export function spawnWorkerProcess(rig: Rig, index: number, env: Record<string, string> = {}): ResultPromise {
  return execa(path.join(projectRoot(), 'bin', 'drover'), ['worker', '--rehearsal'], {
    env: { ...rigEnv(rig), ...env },
    reject: false,
    stdin: 'ignore',
    stdout: { file: path.join(rig.tmp, `worker-${index}.log`) },
    stderr: { file: path.join(rig.tmp, `worker-${index}.err`) },
  });
}

/** A client of the rig's isolated tmux server (for assertions and cleanup). */
export function rigTmux(rig: Rig): TmuxClient {
  return new TmuxClient({
    socket: rig.config.tmuxSocket,
    session: 'drover',
    width: 220,
    height: 50,
    serverEnv: { PATH: process.env.PATH ?? '' },
  });
}
