import { readFileSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import type { DevLog } from '../temporal/progress-log.js';

/** True when `pid` exists and is not a zombie (EPERM counts as alive: it exists but is not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return processState(pid) !== 'Z';
}

function processState(pid: number): string | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." — comm may contain spaces, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).charAt(0) || undefined;
  } catch {
    return undefined;
  }
}

/** Command line of a process: /proc on Linux, `ps` elsewhere. Undefined when it cannot be read. */
export async function processArgs(pid: number): Promise<string[] | undefined> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    const args = raw.split('\0').filter((arg) => arg.length > 0);
    if (args.length > 0) return args;
  } catch {
    // not Linux, or gone
  }
  try {
    const { stdout } = await execa('ps', ['-p', String(pid), '-o', 'command='], { timeout: 5000 });
    const args = stdout
      .trim()
      .split(/\s+/)
      .filter((arg) => arg.length > 0);
    return args.length > 0 ? args : undefined;
  } catch {
    return undefined;
  }
}

/** A `temporal server start-dev` process, judged from its command line. */
export function isTemporalDevServerCommand(args: readonly string[]): boolean {
  const [exe, ...rest] = args;
  return (
    exe !== undefined && basename(exe).startsWith('temporal') && rest.includes('server') && rest.includes('start-dev')
  );
}

/** Value that follows `flag` in a command line. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index >= 0 ? args[index + 1] : undefined;
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL. Returns true once the process is gone. */
export async function terminatePid(pid: number, graceMs = 10_000): Promise<boolean> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  for (const [limit, next] of [
    [graceMs, 'SIGKILL'],
    [5000, undefined],
  ] as const) {
    const deadline = Date.now() + limit;
    while (Date.now() < deadline) {
      if (!isProcessAlive(pid)) return true;
      await sleep(100);
    }
    if (next) signal(next);
  }
  return !isProcessAlive(pid);
}

export async function tailFile(path: string, lines: number): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export async function readPidFile(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Runs `fn` holding an exclusive lock file (holder pid inside; stale locks of dead holders are taken over). */
export async function withFileLock<T>(
  lockFile: string,
  log: DevLog,
  what: string,
  waitMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  let announced = false;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readPidFile(lockFile);
    if (holder === undefined || !isProcessAlive(holder)) {
      await unlink(lockFile).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for process ${holder} ${what} (lock file ${lockFile})`);
    if (!announced) log(`Waiting for process ${holder} ${what}…`);
    announced = true;
    await sleep(500);
  }
  try {
    return await fn();
  } finally {
    await unlink(lockFile).catch(() => undefined);
  }
}
