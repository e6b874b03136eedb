import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../src/host/git/git.js';
import { processCounts, runProcess, useSpawner } from '../../src/process/run-process.js';
import { Spawner } from '../../src/process/spawner.js';

const env = { PATH: process.env.PATH ?? '' };
let dir: string;
let spawner: Spawner;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'drover-spawner-'));
  spawner = new Spawner();
  useSpawner(spawner);
});

afterAll(async () => {
  useSpawner(undefined);
  spawner.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the process launcher (real child processes)', () => {
  it('runs argv with its cwd, environment and stdin; output and exit codes come back', async () => {
    const before = processCounts.launcher;
    const echoed = await runProcess({
      file: 'sh',
      args: ['-c', 'cat; printf "%s|%s" "$PWD" "$ONLY"; echo oops >&2; exit 3'],
      cwd: dir,
      env: { ...env, ONLY: 'this' },
      input: 'in $(not run)\n',
    });
    expect(echoed).toMatchObject({ exitCode: 3, stdout: `in $(not run)\n${dir}|this`, stderr: 'oops\n' });
    expect(processCounts.launcher).toBe(before + 1);
    expect(spawner.pid).toBeGreaterThan(0);
    expect(spawner.pid).not.toBe(process.pid);
  });

  it('reports a program that does not exist without throwing', async () => {
    const missing = await runProcess({ file: 'no-such-program-drover', args: [], env });
    expect(missing.error).toMatch(/ENOENT/);
    expect(missing.exitCode).not.toBe(0);
  });

  it('answers many concurrent commands, each with its own output', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        runProcess({ file: 'sh', args: ['-c', `sleep 0.0$((${i} % 5)); echo ${i}`], env }),
      ),
    );
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 60 }, (_, i) => String(i)));
  });

  it('kills a command past its timeout', async () => {
    const slow = await runProcess({ file: 'sleep', args: ['30'], env, timeoutMs: 200 });
    expect(slow.signal).toBe('SIGKILL');
  });

  it('git goes through it, and a dead launcher is replaced on the next call', async () => {
    const init = await git(dir, ['init', '-q']);
    expect(init.ok).toBe(true);
    const first = spawner.pid!;
    process.kill(first, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const status = await git(dir, ['rev-parse', '--is-inside-work-tree']);
    expect(status).toMatchObject({ ok: true, stdout: 'true' });
    expect(spawner.pid).not.toBe(first);
  });
});
