/**
 * Worktree preparation on a repository of 10,000 files (BENCH_FILES), timed around Drover's own
 * activity code (src/host/worktree/worktree.ts, worktree-pool.ts), no Temporal in between:
 *  - first task on a repository: base clone + worktree (a fresh workspace each run);
 *  - a later task on the same repository: fetch into the existing base clone + `git worktree add`;
 *  - a later task when the host's pool has a free spare: the spare is claimed (moved and switched);
 *  - filling the pool: one spare made by `drover pool add` (off the task's critical path).
 * Prints a table and writes bench/results/worktree-prepare.json. Not a test: no assertions.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { prepareWorktree } from '../src/host/worktree/worktree.js';
import { addSpares } from '../src/host/worktree/worktree-pool.js';
import { projectRoot } from '../src/config/config.js';

const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { n: values.length, p50: pick(0.5), p95: pick(0.95), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN };
}

/** A source tree 4 directories deep (src/pkgN/modN/partN/fileN.ts), ~300 bytes a file, committed once. */
async function buildRepo(dir: string, files: number): Promise<{ dirs: number; bytes: number }> {
  const dirs = new Set<string>();
  let bytes = 0;
  for (let i = 0; i < files; i += 1) {
    const rel = path.join(
      'src',
      `pkg${i % 10}`,
      `mod${Math.floor(i / 10) % 10}`,
      `part${Math.floor(i / 100) % 10}`,
      `file${i}.ts`,
    );
    const content = `// file ${i}\nexport const value${i} = ${i};\nexport function f${i}(x: number): number {\n  return x * ${i} + ${i % 7};\n}\n${'// padding line to make a realistic size\n'.repeat(5)}`;
    const dirName = path.dirname(path.join(dir, rel));
    if (!dirs.has(dirName)) {
      await mkdir(dirName, { recursive: true });
      dirs.add(dirName);
    }
    await writeFile(path.join(dir, rel), content);
    bytes += content.length;
  }
  await writeFile(path.join(dir, 'README.md'), '# bench repository\n');
  await execa('git', ['init', '--quiet', '--initial-branch=main'], { cwd: dir });
  await execa('git', ['add', '-A'], { cwd: dir });
  await execa('git', ['-c', 'user.email=b@b', '-c', 'user.name=b', 'commit', '--quiet', '-m', 'init'], { cwd: dir });
  return { dirs: dirs.size, bytes };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return Math.round(performance.now() - t0);
}

const tmp = await mkdtemp(path.join(os.tmpdir(), 'drover-bench-wt-'));
const results: Record<string, number[]> = { firstTask: [], sameRepo: [], fromSpare: [], addOneSpare: [] };
try {
  const repo = path.join(tmp, 'big');
  const built = Date.now();
  const shape = await buildRepo(repo, FILES);
  const buildMs = Date.now() - built;
  console.error(
    `built ${FILES} files in ${shape.dirs} directories (${Math.round(shape.bytes / 1024)} KiB) in ${buildMs} ms`,
  );

  for (let run = 0; run < RUNS; run += 1) {
    const droverHome = path.join(tmp, `home-${run}`);
    const workspace = path.join(droverHome, 'workspace');
    const prep = (taskId: string) =>
      prepareWorktree({ workspace, repo, taskId, branch: `drover/${taskId}`, baseRef: 'HEAD', droverHome });
    results.firstTask!.push(await timed(() => prep('first')));
    results.sameRepo!.push(await timed(() => prep('second')));
    results.addOneSpare!.push(await timed(() => addSpares(workspace, repo, 1)));
    results.fromSpare!.push(await timed(() => prep('third')));
    await rm(droverHome, { recursive: true, force: true });
    console.error(
      `run ${run}: first ${results.firstTask!.at(-1)} ms, same repo ${results.sameRepo!.at(-1)} ms, spare made ${results.addOneSpare!.at(-1)} ms, from spare ${results.fromSpare!.at(-1)} ms`,
    );
  }
  const gitVersion = (await execa('git', ['--version'])).stdout;
  const result = {
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      node: process.version,
      git: gitVersion,
      loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
      tmpdir: os.tmpdir(),
      at: new Date().toISOString(),
    },
    conditions: `${FILES} files in ${shape.dirs} directories 4 levels deep (${Math.round(shape.bytes / 1024)} KiB, one commit), local clone from a path, ${RUNS} runs, each in a fresh Drover home; activity code called directly (no Temporal round trip)`,
    repo: { files: FILES, directories: shape.dirs, bytes: shape.bytes, buildMs },
    firstTaskMs: stats(results.firstTask!),
    sameRepoMs: stats(results.sameRepo!),
    fromSpareMs: stats(results.fromSpare!),
    addOneSpareMs: stats(results.addOneSpare!),
  };
  console.log(
    `\n${result.conditions}\nmachine: ${result.machine.cpus} CPUs, load ${result.machine.loadavg.join(' ')}, ${gitVersion}\n`,
  );
  console.log('step                                          n    p50      p95      max');
  for (const [name, s] of [
    ['first task: base clone + worktree', result.firstTaskMs],
    ['next task, same repo: fetch + worktree add', result.sameRepoMs],
    ['next task, free spare in the pool: claim', result.fromSpareMs],
    ['(off the critical path) pool add, 1 spare', result.addOneSpareMs],
  ] as const) {
    console.log(
      `${name.padEnd(44)} ${String(s.n).padStart(2)} ${String(s.p50).padStart(6)}ms ${String(s.p95).padStart(6)}ms ${String(s.max).padStart(6)}ms`,
    );
  }
  await writeFile(
    path.join(projectRoot(), 'bench', 'results', 'worktree-prepare.json'),
    JSON.stringify(result, null, 2) + '\n',
  );
} finally {
  await rm(tmp, { recursive: true, force: true });
}
