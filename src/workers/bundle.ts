import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../config/config.js';

/**
 * The workflow bundle is built once per version of the code, in a child process, and cached on
 * disk: a worker then loads a file instead of running webpack itself. Bundling in-process left
 * ~250 MB of webpack's heap in every worker's RSS (docs/scale.md), and every test rig paid the
 * few seconds of bundling again.
 */
// From the project root, not this file: the file may run from the compiled tree (bin/compiled-src.mjs).
const projectDir = projectRoot();
const srcDir = path.join(projectDir, 'src');
export const workflowsPath = path.join(srcDir, 'workflows', 'index.ts');
const builder = path.join(srcDir, 'workers', 'bundle-build.ts');

let cached: Promise<{ codePath: string }> | undefined;

/** Bundles the workflow code once per process (and once per code version on this machine). */
export function workflowBundle(): Promise<{ codePath: string }> {
  cached ??= cachedBundle();
  return cached;
}

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await tsFiles(full)));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out.sort();
}

/** A key over every source file and the lockfile: any change to either is a new bundle. */
async function codeKey(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...(await tsFiles(srcDir)), path.join(projectDir, 'package-lock.json')]) {
    hash.update(path.relative(projectDir, file));
    hash.update(await readFile(file).catch(() => Buffer.alloc(0)));
  }
  return hash.digest('hex').slice(0, 20);
}

async function writableCacheDir(): Promise<string> {
  for (const dir of [
    path.join(projectDir, 'node_modules', '.cache', 'drover'),
    path.join(os.tmpdir(), 'drover-cache'),
  ]) {
    try {
      await mkdir(dir, { recursive: true });
      const probe = path.join(dir, `.probe-${process.pid}`);
      await writeFile(probe, '');
      await rename(probe, path.join(dir, '.probe'));
      return dir;
    } catch {
      // read-only (e.g. an image's node_modules): try the next place
    }
  }
  throw new Error('no writable directory for the workflow bundle cache (node_modules/.cache or the temp directory)');
}

/** Keeps the newest few bundles (other checkouts or workers may still use them); removes the rest. */
async function pruneOldBundles(dir: string, keep: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => /^workflow-bundle-[0-9a-f]+\.js$/.test(n));
  const dated = await Promise.all(
    names.map(async (n) => ({
      file: path.join(dir, n),
      at: (await stat(path.join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0,
    })),
  );
  const old = dated
    .filter((d) => d.file !== keep)
    .sort((a, b) => b.at - a.at)
    .slice(4);
  await Promise.all(old.map((d) => rm(d.file, { force: true })));
}

async function cachedBundle(): Promise<{ codePath: string }> {
  const codePath = path.join(await writableCacheDir(), `workflow-bundle-${await codeKey()}.js`);
  const exists = await stat(codePath).then(
    (s) => s.size > 0,
    () => false,
  );
  if (!exists) {
    // the child writes to a temporary name and renames: concurrent workers never read half a file
    const result = await execa(process.execPath, ['--import', 'tsx', builder, workflowsPath, codePath], {
      reject: false,
      cwd: projectDir,
    });
    if (result.exitCode !== 0)
      throw new Error(`bundling the workflow code failed:\n${String(result.stderr || result.stdout)}`);
    await pruneOldBundles(path.dirname(codePath), codePath);
  }
  return { codePath };
}
