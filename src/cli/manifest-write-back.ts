import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { TaskUpdateSchema, type TaskUpdate } from '../domain/manifest-updates.js';
import { applyToJson, applyToYaml } from './manifest-document.js';

/**
 * `drover run --write-back`: writes task fields back into the user's manifest file. Each write
 * re-reads the file first (the user may have edited it since), changes only the write-back
 * fields of the named tasks, and replaces the file atomically (temp file in the same directory,
 * fsync, rename, fsync of the directory), so a reader never sees half a file and a crash leaves
 * either the old or the new one. Writes to one file from this process are serialised.
 */

export interface WriteBackResult {
  applied: string[];
  /** Task ids the file does not have (removed by the user, or a typo): reported, not invented. */
  missing: string[];
  /** False when the file already said all of it. */
  written: boolean;
  how: 'in-place' | 're-rendered';
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `job` after every earlier job on the same path (also when those failed). */
function serialised<T>(path: string, job: () => Promise<T>): Promise<T> {
  const previous = queues.get(path) ?? Promise.resolve();
  const next = previous.then(job, job);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(path, settled);
  void settled.then(() => {
    if (queues.get(path) === settled) queues.delete(path);
  });
  return next;
}

const isJson = (path: string, text: string): boolean => {
  const ext = extname(path).toLowerCase();
  return ext === '.json' || (ext !== '.yaml' && ext !== '.yml' && /^\s*[{[]/.test(text));
};

async function replaceAtomically(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = (await stat(path)).mode & 0o7777;
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  // The rename itself is durable only once the directory is synced.
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

/** Applies the updates to the manifest file at `path`. Throws (writing nothing) when the file no longer parses. */
export async function writeBack(path: string, updates: readonly TaskUpdate[]): Promise<WriteBackResult> {
  const parsed = updates.map((u) => {
    const checked = TaskUpdateSchema.safeParse(u);
    if (!checked.success)
      throw new Error(
        `write-back of task ${String((u as { taskId?: unknown }).taskId)}: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    return checked.data;
  });
  return serialised(path, async () => {
    const raw = await readFile(path, 'utf8');
    const bom = raw.startsWith('\uFEFF') ? '\uFEFF' : '';
    const text = raw.slice(bom.length);
    let result;
    try {
      result = isJson(path, text) ? applyToJson(text, parsed) : applyToYaml(text, parsed);
    } catch (err) {
      throw new Error(
        `${path}: not written back, the file does not parse now (${(err as Error).message}); fix it and the next update writes again`,
      );
    }
    const written = result.text !== text;
    if (written) await replaceAtomically(path, bom + result.text);
    return { applied: result.applied, missing: result.missing, written, how: result.how };
  });
}
