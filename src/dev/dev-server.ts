import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import type { DevLog } from '../temporal/progress-log.js';
import {
  flagValue,
  isProcessAlive,
  isTemporalDevServerCommand,
  processArgs,
  readPidFile,
  tailFile,
  terminatePid,
  withFileLock,
} from './process-utils.js';
import { connectLocal, ensureNamespace, isPortInUse, probeTemporal } from '../temporal/temporal-frontend.js';

export interface EnsureDevServerOptions {
  cli: string;
  /** Persistent SQLite store, e.g. `.drover/temporal.sqlite`. */
  dbFile: string;
  port: number;
  uiPort: number;
  namespace: string;
  log: DevLog;
  /** Survive this process (own process group, unref'd) so the Web UI stays up after a CLI command. */
  detached: boolean;
  /** Holds `temporal-server.log` and `temporal-server.pid` (default: the directory of `dbFile`). */
  stateDir?: string;
  readyTimeoutMs?: number;
}

export interface DevServerHandle {
  address: string;
  webUiUrl: string;
  reused: boolean;
  pid?: number;
  /** Stops the server this call started (by pid); a no-op for a reused one. */
  stop(): Promise<void>;
}

export const devServerFiles = (stateDir: string) => ({
  log: join(stateDir, 'temporal-server.log'),
  pid: join(stateDir, 'temporal-server.pid'),
  lock: join(stateDir, 'temporal-server.lock'),
});

export function devServerArgs(
  options: Pick<EnsureDevServerOptions, 'dbFile' | 'port' | 'uiPort' | 'namespace'>,
): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
  ];
  args.push('--db-filename', options.dbFile, '--log-level', 'warn');
  // WAL with synchronous=NORMAL: a commit is one append instead of a rollback journal plus fsyncs.
  // It survives any process crash (the server's or Drover's); only a power loss may drop the last
  // commits, which Temporal then redoes from the state before them (docs/scale.md).
  args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  if (options.namespace !== 'default') args.push('--namespace', options.namespace);
  return args;
}

async function reuse(address: string, webUiUrl: string, options: EnsureDevServerOptions): Promise<DevServerHandle> {
  const connection = await connectLocal(address, 5000);
  try {
    await ensureNamespace(connection, options.namespace, options.log);
  } finally {
    await connection.close();
  }
  options.log(`Reusing the Temporal server already answering at ${address} (Web UI ${webUiUrl})`);
  return { address, webUiUrl, reused: true, stop: async () => undefined };
}

/** A live dev server recorded in our pid file, if any, with the port it was started on. */
async function recordedServer(pidFile: string): Promise<{ pid: number; port?: string } | undefined> {
  const pid = await readPidFile(pidFile);
  if (pid === undefined || !isProcessAlive(pid)) return undefined;
  const args = await processArgs(pid);
  if (!args || !isTemporalDevServerCommand(args)) return undefined;
  return { pid, port: flagValue(args, '--port') };
}

async function waitUntilReady(
  address: string,
  timeoutMs: number,
  exited: () => string | undefined,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const exit = exited();
    if (exit !== undefined) {
      throw new Error(`The Temporal dev server exited during startup (${exit}).\n${await logTail(logFile)}`);
    }
    if (await probeTemporal(address, 1000)) return;
    await sleep(250);
  }
  throw new Error(
    `The Temporal dev server did not answer at ${address} within ${Math.round(timeoutMs / 1000)} s.\n${await logTail(logFile)}\n` +
      'Check the log above; a busy machine may need DROVER_DEV_PORT/DROVER_UI_PORT changed or the database file moved.',
  );
}

async function logTail(logFile: string): Promise<string> {
  const tail = await tailFile(logFile, 30);
  return tail ? `Last lines of ${logFile}:\n${tail}` : `(${logFile} is empty)`;
}

async function start(
  address: string,
  webUiUrl: string,
  options: EnsureDevServerOptions,
  files: ReturnType<typeof devServerFiles>,
): Promise<DevServerHandle> {
  const { cli, port, uiPort, log, detached } = options;
  for (const [p, name] of [
    [port, 'DROVER_DEV_PORT'],
    [uiPort, 'DROVER_UI_PORT'],
  ] as const) {
    if (await isPortInUse(p)) {
      throw new Error(
        `Port ${p} on 127.0.0.1 is in use by a process that is not a Temporal server; choose another port with ${name}.`,
      );
    }
  }
  await mkdir(dirname(options.dbFile), { recursive: true });
  const args = devServerArgs(options);
  // execa hands a plain fd straight to child_process.spawn (no pipe through this process, so a
  // detached server keeps logging after we exit); its typings only list the literals 3-9.
  const fd = openSync(files.log, 'a') as 3;
  writeSync(fd, `\n=== ${new Date().toISOString()} ${cli} ${args.join(' ')}\n`);
  log(`Starting the Temporal dev server on 127.0.0.1:${port} (data ${options.dbFile}, log ${files.log}) …`);
  const subprocess = execa(cli, args, {
    stdin: 'ignore',
    stdout: fd,
    stderr: fd,
    detached,
    cleanup: !detached,
    reject: false,
  });
  closeSync(fd);
  let exit: string | undefined;
  const finished = subprocess.then((result) => {
    exit = result.signal ? `signal ${result.signal}` : `exit code ${String(result.exitCode)}`;
  });
  const pid = subprocess.pid;
  if (pid === undefined) {
    await finished;
    throw new Error(`Could not start ${cli}: ${exit ?? 'no pid'}.\n${await logTail(files.log)}`);
  }
  if (detached) subprocess.unref();
  await writeFile(files.pid, `${pid}\n`);

  const stop = async () => {
    if (exit === undefined) {
      subprocess.kill('SIGTERM');
      const timedOut = await Promise.race([finished.then(() => false), sleep(10_000).then(() => true)]);
      if (timedOut) {
        subprocess.kill('SIGKILL');
        await finished;
      }
    }
    if ((await readPidFile(files.pid)) === pid) await unlink(files.pid).catch(() => undefined);
  };
  try {
    await waitUntilReady(address, options.readyTimeoutMs ?? 60_000, () => exit, files.log);
  } catch (error) {
    await stop();
    throw error;
  }
  log(`Temporal dev server ready at ${address} (pid ${pid}); Web UI: ${webUiUrl}`);
  return { address, webUiUrl, reused: false, pid, stop };
}

/**
 * Reuses the Temporal frontend answering on 127.0.0.1:port, or starts `temporal server start-dev`
 * with a persistent SQLite file and waits until it answers.
 */
export async function ensureDevServer(options: EnsureDevServerOptions): Promise<DevServerHandle> {
  const address = `127.0.0.1:${options.port}`;
  const webUiUrl = `http://127.0.0.1:${options.uiPort}`;
  if (await probeTemporal(address)) return reuse(address, webUiUrl, options);

  const stateDir = options.stateDir ?? dirname(options.dbFile);
  await mkdir(stateDir, { recursive: true });
  const files = devServerFiles(stateDir);
  return withFileLock(files.lock, options.log, 'to finish starting the Temporal dev server', 90_000, async () => {
    if (await probeTemporal(address)) return reuse(address, webUiUrl, options);
    const recorded = await recordedServer(files.pid);
    if (recorded && recorded.port !== String(options.port)) {
      throw new Error(
        `A Drover Temporal dev server (pid ${recorded.pid}) from ${stateDir} is running on port ${recorded.port ?? '?'}, ` +
          `not ${options.port}. Stop it first (stopDevServer / \`drover dev stop\`) or set DROVER_DEV_PORT=${recorded.port ?? ''}.`,
      );
    }
    if (recorded) {
      await waitUntilReady(address, options.readyTimeoutMs ?? 60_000, () => undefined, files.log);
      return reuse(address, webUiUrl, options);
    }
    const handle = await start(address, webUiUrl, options, files);
    const connection = await connectLocal(address, 5000);
    try {
      await ensureNamespace(connection, options.namespace, options.log);
    } finally {
      await connection.close();
    }
    return handle;
  });
}

export interface StopDevServerResult {
  stopped: boolean;
  pid?: number;
  message: string;
}

/** Stops the dev server recorded in `<droverHome>/temporal-server.pid`, after checking the pid really is one. */
export async function stopDevServer(droverHome: string): Promise<StopDevServerResult> {
  const { pid: pidFile } = devServerFiles(droverHome);
  const pid = await readPidFile(pidFile);
  if (pid === undefined) return { stopped: false, message: `No Temporal dev server recorded in ${pidFile}` };
  const args = isProcessAlive(pid) ? await processArgs(pid) : undefined;
  if (!args || !isTemporalDevServerCommand(args)) {
    await unlink(pidFile).catch(() => undefined);
    return {
      stopped: false,
      pid,
      message: `Process ${pid} from ${pidFile} is not a running Temporal dev server; removed the stale pid file`,
    };
  }
  const gone = await terminatePid(pid);
  if (!gone)
    return { stopped: false, pid, message: `Temporal dev server pid ${pid} did not exit after SIGTERM and SIGKILL` };
  await unlink(pidFile).catch(() => undefined);
  return { stopped: true, pid, message: `Stopped the Temporal dev server (pid ${pid})` };
}
