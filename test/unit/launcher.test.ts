import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/config.js';

const launcher = path.join(projectRoot(), 'bin', 'drover');
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'drover-launcher-'));
  // a stand-in `node` first on PATH that prints what it was started with, instead of running Drover
  await writeFile(
    path.join(tmp, 'node'),
    '#!/bin/sh\necho "arena=${MALLOC_ARENA_MAX:-unset}"\nfor a in "$@"; do echo "arg=$a"; done\n',
  );
  await chmod(path.join(tmp, 'node'), 0o755);
  // as npm installs it: node_modules/.bin/drover -> ../../bin/drover (relative link)
  await symlink(path.relative(tmp, launcher), path.join(tmp, 'drover'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const run = (file: string, args: string[], env: Record<string, string> = {}) => {
  const base: Record<string, string | undefined> = { ...process.env, PATH: `${tmp}:${process.env.PATH ?? ''}` };
  delete base.MALLOC_ARENA_MAX;
  return execa(file, args, { env: { ...base, ...env }, extendEnv: false, reject: false });
};

describe('bin/drover (the launcher)', () => {
  it('runs bin/drover.mjs with the arguments as given, a small young generation and MALLOC_ARENA_MAX=2 by default', async () => {
    const res = await run(launcher, ['task', '--objective', 'two words', '']);
    expect(res.exitCode).toBe(0);
    expect(res.stdout.split('\n')).toEqual([
      'arena=2',
      'arg=--max-semi-space-size=4',
      `arg=${path.join(projectRoot(), 'bin', 'drover.mjs')}`,
      'arg=task',
      'arg=--objective',
      'arg=two words',
      'arg=',
    ]);
  });

  it('keeps a MALLOC_ARENA_MAX the user set', async () => {
    const res = await run(launcher, ['worker'], { MALLOC_ARENA_MAX: '8' });
    expect(res.stdout.split('\n')[0]).toBe('arena=8');
  });

  it('finds bin/drover.mjs when started through a relative symlink (node_modules/.bin)', async () => {
    const res = await run(path.join(tmp, 'drover'), ['--version']);
    expect(res.exitCode).toBe(0);
    const [, script, ...args] = res.stdout
      .split('\n')
      .slice(1)
      .map((l) => l.replace(/^arg=/, ''));
    expect(path.resolve(script!)).toBe(path.join(projectRoot(), 'bin', 'drover.mjs'));
    expect(args).toEqual(['--version']);
  });

  it('runs the real CLI', async () => {
    const res = await execa(launcher, ['--version'], { reject: false });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/\d+\.\d+\.\d+/);
  });
});
