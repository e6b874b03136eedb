import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

interface LockOwner {
  pid: number;
  host: string;
}

const STALE_WITHOUT_OWNER_MS = 30_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock left by a dead process on this host, or one whose owner never wrote its name. */
async function isStale(lock: string): Promise<boolean> {
  try {
    const owner = JSON.parse(await readFile(path.join(lock, 'owner'), 'utf8')) as LockOwner;
    return owner.host === hostname() && !alive(owner.pid);
  } catch {
    const info = await stat(lock).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs > STALE_WITHOUT_OWNER_MS;
  }
}

/**
 * Runs `fn` holding an exclusive lock: a directory created with `mkdir` (atomic on one host's
 * filesystem), removed afterwards. A lock whose owner process is gone is broken, by renaming it
 * away first so that two waiters cannot both take it.
 */
export async function withDirLock<T>(lock: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  await mkdir(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(lock)) {
      const aside = `${lock}.stale-${process.pid}-${Date.now()}`;
      if (
        await rename(lock, aside).then(
          () => true,
          () => false,
        )
      )
        await rm(aside, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for the lock ${lock}`);
    await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
  }
  try {
    await writeFile(
      path.join(lock, 'owner'),
      JSON.stringify({ pid: process.pid, host: hostname() } satisfies LockOwner),
    );
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
