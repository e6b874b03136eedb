import { closeSync, openSync } from 'node:fs';
import { execa } from 'execa';

/** A long-running part of the cluster, started detached in its own process group with its output in a log file. */
export interface Started {
  name: string;
  pid: number;
  log: string;
}

export function startDetached(
  name: string,
  file: string,
  args: string[],
  options: { log: string; env?: NodeJS.ProcessEnv; cwd?: string },
): Started {
  const fd = openSync(options.log, 'a') as 3; // execa's typings list only the literal fds 3-9
  const child = execa(file, args, {
    stdin: 'ignore',
    stdout: fd,
    stderr: fd,
    detached: true,
    cleanup: false,
    reject: false,
    env: options.env,
    extendEnv: options.env === undefined,
    cwd: options.cwd,
  });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${name} (${file})`);
  return { name, pid: child.pid, log: options.log };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Ends a process group started by `startDetached` (SIGTERM, then SIGKILL after `graceMs`); true when it is gone. */
export async function endGroup(pid: number, graceMs = 10_000): Promise<boolean> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  signal('SIGKILL');
  await new Promise((r) => setTimeout(r, 200));
  return !isAlive(pid);
}

/** Polls `check` until it returns true (or throws the last reason after `ms`). */
export async function waitUntil(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: not ready after ${Math.round(ms / 1000)} s`);
}
