// Drover's TypeScript sources as plain JavaScript, for bin/drover.mjs: each src/**/*.ts file has
// its types stripped by esbuild (the same transform tsx applies when it loads a file), once per
// version of the sources, into node_modules/.cache/drover/js-<hash>/ (same tree as src/). Running
// from there spares every drover process tsx's loader thread and its esbuild service process:
// ~100 MB less RSS for a worker (docs/scale.md). Returns undefined when the tree cannot be made
// (no esbuild, read-only node_modules): the caller then runs the sources through tsx.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = path.join(root, 'src');
const cacheDir = path.join(root, 'node_modules', '.cache', 'drover');
// the oldest Node.js in package.json's engines: esbuild may emit any syntax it runs
const NODE_TARGET = 'node22';
// bump the suffix when the transform below changes: old trees are then rebuilt
const FORMAT = `esm-${NODE_TARGET}-v1`;
const KEEP = 4;

function tsFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) tsFiles(full, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

async function build(files, sources, target) {
  const { transform, stop } = await import('esbuild');
  const tmp = `${target}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  // esbuild's async API keeps a service process alive (~50 MB seen beside a worker): end it after
  await Promise.all(
    files.map(async (file, i) => {
      const rel = path.relative(srcDir, file);
      const out = path.join(tmp, rel.replace(/\.ts$/, '.js'));
      const result = await transform(sources[i], {
        loader: 'ts',
        format: 'esm',
        target: NODE_TARGET,
        sourcefile: file,
        sourcemap: 'external',
      });
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(`${out}.map`, result.map);
      writeFileSync(out, `${result.code}//# sourceMappingURL=${path.basename(out)}.map\n`);
    }),
  ).finally(() => stop());
  writeFileSync(path.join(tmp, '.complete'), '');
  try {
    renameSync(tmp, target);
  } catch (error) {
    // another drover process finished the same tree first: use it
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(path.join(target, '.complete'))) throw error;
  }
}

/** Keeps the newest few trees (other checkouts or running workers may still use them). */
function prune(keep) {
  const old = readdirSync(cacheDir)
    .filter((n) => /^js-[0-9a-f]+$/.test(n) && n !== keep)
    .map((n) => ({ dir: path.join(cacheDir, n), at: statSync(path.join(cacheDir, n)).mtimeMs }))
    .sort((a, b) => b.at - a.at)
    .slice(KEEP - 1);
  for (const o of old) rmSync(o.dir, { recursive: true, force: true });
}

/** file: URL of the compiled module for `src/<rel>` (e.g. 'cli/main.ts'), or undefined. */
export async function compiledModule(rel) {
  try {
    const files = tsFiles(srcDir).sort();
    const sources = files.map((f) => readFileSync(f, 'utf8'));
    const hash = createHash('sha256').update(FORMAT);
    for (const [i, f] of files.entries()) hash.update(`\0${path.relative(srcDir, f)}\0`).update(sources[i]);
    const name = `js-${hash.digest('hex').slice(0, 20)}`;
    const target = path.join(cacheDir, name);
    if (!existsSync(path.join(target, '.complete'))) {
      mkdirSync(cacheDir, { recursive: true });
      await build(files, sources, target);
      prune(name);
    }
    return pathToFileURL(path.join(target, rel.replace(/\.ts$/, '.js'))).href;
  } catch (error) {
    if (process.env.DROVER_DEBUG)
      console.error(`drover: running through tsx (compiling the sources failed: ${error?.message ?? error})`);
    return undefined;
  }
}
