import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withDirLock } from '../../src/host/worktree/pool-lock.js';
import { prepareWorktree } from '../../src/host/worktree/worktree.js';
import { addSpares, claimSpare, poolDirs, recycleWorktree } from '../../src/host/worktree/worktree-pool.js';
import { git, makeRepo } from '../support/repo.js';

let tmp: string;
let repo: string;
let workspace: string;
let droverHome: string;

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'drover-pool-'));
  repo = await makeRepo(path.join(tmp, 'src'));
  droverHome = path.join(tmp, 'home');
  workspace = path.join(droverHome, 'workspace');
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const prepare = (taskId: string) =>
  prepareWorktree({ workspace, repo, taskId, branch: `drover/${taskId}`, baseRef: 'HEAD', droverHome });
const gitdirOf = async (worktree: string) => (await readFile(path.join(worktree, '.git'), 'utf8')).trim();
const head = () => git(repo, ['rev-parse', 'HEAD']);

describe('worktree pool', () => {
  it('creates spares idempotently, each on its spare/N branch', async () => {
    const first = await addSpares(workspace, repo, 2);
    expect(first.created.map((d) => path.basename(d))).toEqual(['spare-1', 'spare-2']);
    const again = await addSpares(workspace, repo, 2);
    expect(again).toEqual({ created: [], present: first.created, vacant: [] });
    expect(await git(first.created[1]!, ['branch', '--show-current'])).toBe('spare/2');
    const more = await addSpares(workspace, repo, 3);
    expect(more.created.map((d) => path.basename(d))).toEqual(['spare-3']);
    await expect(addSpares(workspace, repo, 101)).rejects.toThrow(/0 to 100/);
  });

  it('prepareWorktree claims a free spare, reuses the task worktree after, and falls back to a fresh worktree when none is free', async () => {
    await addSpares(workspace, repo, 1);
    const dirs = poolDirs(workspace, repo);
    const prepared = await prepare('t1');
    expect(prepared).toMatchObject({
      worktree: path.join(dirs.worktrees, 't1'),
      branch: 'drover/t1',
      reused: false,
      baseCommit: await head(),
    });
    expect(await gitdirOf(prepared.worktree)).toBe(`gitdir: ${path.join(dirs.base, '.git', 'worktrees', 'spare-1')}`);
    expect(existsSync(path.join(dirs.spares, 'spare-1'))).toBe(false);
    expect(await git(prepared.worktree, ['branch', '--show-current'])).toBe('drover/t1');
    expect(await git(prepared.worktree, ['rev-parse', 'HEAD'])).toBe(await head());
    expect((await prepare('t1')).reused).toBe(true);

    const fresh = await prepare('t2');
    expect(await gitdirOf(fresh.worktree)).toBe(`gitdir: ${path.join(dirs.base, '.git', 'worktrees', 't2')}`);
    expect(await git(fresh.worktree, ['branch', '--show-current'])).toBe('drover/t2');
  });

  it('never hands the same spare to two concurrent claims', async () => {
    await addSpares(workspace, repo, 3);
    const base = poolDirs(workspace, repo).base;
    const commit = await git(base, ['rev-parse', 'HEAD']);
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => claimSpare(workspace, repo, `c${i}`, `drover/c${i}`, commit, { droverHome })),
    );
    const got = claims.filter((c): c is string => c !== undefined);
    expect(got).toHaveLength(3);
    const gitdirs = await Promise.all(got.map(gitdirOf));
    expect(new Set(gitdirs).size).toBe(3);
    expect(
      existsSync(poolDirs(workspace, repo).spares) && (await git(base, ['worktree', 'list'])).includes('/spares/'),
    ).toBe(false);
  });

  it('the pool lock is exclusive and a dead owner does not block it', async () => {
    const lock = path.join(tmp, 'x.lock');
    const order: string[] = [];
    const hold = (name: string) =>
      withDirLock(lock, async () => {
        order.push(`${name}+`);
        await new Promise((r) => setTimeout(r, 30));
        order.push(`${name}-`);
      });
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    expect(order.join(' ')).toMatch(/^(\w)\+ \1- (\w)\+ \2- (\w)\+ \3-$/);
    const dead = execa('node', ['-e', 'process.exit(0)']);
    await dead;
    await execa('mkdir', [lock]);
    await writeFile(path.join(lock, 'owner'), JSON.stringify({ pid: dead.pid, host: os.hostname() }));
    await expect(withDirLock(lock, async () => 'taken', 2000)).resolves.toBe('taken');
  });

  it('recycle refuses uncommitted and unpushed work, then restores the spare branch at the default head', async () => {
    await addSpares(workspace, repo, 1);
    const dirs = poolDirs(workspace, repo);
    const { worktree } = await prepare('t1');
    await writeFile(path.join(worktree, 'new.txt'), 'x\n');
    await expect(recycleWorktree(workspace, repo, worktree, { droverHome })).rejects.toThrow(
      /uncommitted changes in new\.txt/,
    );
    await git(worktree, ['add', 'new.txt']);
    await git(worktree, ['commit', '--quiet', '-m', 'work']);
    await expect(recycleWorktree(workspace, repo, worktree, { droverHome })).rejects.toThrow(
      /1 commit\(s\) on drover\/t1 are not pushed/,
    );
    await git(worktree, ['push', '--quiet', 'origin', 'HEAD:refs/heads/drover/t1']);

    const recycled = await recycleWorktree(workspace, repo, worktree, { droverHome });
    expect(recycled).toEqual({ spare: path.join(dirs.spares, 'spare-1'), branch: 'spare/1' });
    expect(existsSync(worktree)).toBe(false);
    expect(await git(recycled.spare, ['branch', '--show-current'])).toBe('spare/1');
    expect(await git(recycled.spare, ['rev-parse', 'HEAD'])).toBe(await head());
    expect(existsSync(path.join(recycled.spare, 'new.txt'))).toBe(false);
    expect(await git(recycled.spare, ['status', '--porcelain'])).toBe('');
    // Free again: the next task gets it.
    expect(await gitdirOf((await prepare('t2')).worktree)).toContain(`${path.sep}worktrees${path.sep}spare-1`);
    await expect(recycleWorktree(workspace, repo, path.join(tmp, 'elsewhere'))).rejects.toThrow(
      /outside the workspace/,
    );
  });

  it('never claims or recycles a protected worktree', async () => {
    const { created } = await addSpares(workspace, repo, 2);
    await writeFile(path.join(droverHome, 'protected.json'), JSON.stringify([created[0]]));
    const first = await prepare('t1');
    expect(await gitdirOf(first.worktree)).toContain('spare-2');
    const second = await prepare('t2');
    expect(await gitdirOf(second.worktree)).toContain(`${path.sep}worktrees${path.sep}t2`);
    expect(existsSync(created[0]!)).toBe(true);

    await writeFile(path.join(droverHome, 'protected.json'), JSON.stringify([first.worktree]));
    await expect(recycleWorktree(workspace, repo, first.worktree, { droverHome })).rejects.toThrow(
      /is listed in .*protected\.json/,
    );
    await git(second.worktree, ['switch', '--quiet', '-c', 'release/1.0']);
    await expect(recycleWorktree(workspace, repo, second.worktree, { droverHome })).rejects.toThrow(
      /branch release\/1\.0 is protected/,
    );

    await writeFile(path.join(droverHome, 'protected.json'), '{"not": "an array"');
    await expect(recycleWorktree(workspace, repo, first.worktree, { droverHome })).rejects.toThrow(
      /protected list is unusable/,
    );
    expect(await claimSpare(workspace, repo, 't3', 'drover/t3', await head(), { droverHome })).toBeUndefined();
    await expect(claimSpare(workspace, repo, 't4', 'main', await head(), { droverHome })).rejects.toThrow(/protected/);
  });

  it('drover pool add / pool status --json through the real CLI', async () => {
    const env = { ...process.env, DROVER_HOME: droverHome, DROVER_WORKSPACE: workspace };
    const bin = path.resolve('bin/drover.mjs');
    const added = await execa('node', [bin, 'pool', 'add', '--repo', repo, '--spares', '2', '--json'], { env });
    expect(JSON.parse(added.stdout).created).toHaveLength(2);
    const { worktree } = await prepare('t1');
    await writeFile(path.join(worktree, 'a.txt'), 'changed\n');
    await writeFile(
      path.join(droverHome, 'protected.json'),
      JSON.stringify([path.join(poolDirs(workspace, repo).spares, 'spare-2')]),
    );

    const status = JSON.parse((await execa('node', [bin, 'pool', 'status', '--repo', repo, '--json'], { env })).stdout);
    expect(status.repos).toHaveLength(1);
    const [r] = status.repos;
    expect(r.spares).toEqual([expect.objectContaining({ slot: 2, branch: 'spare/2', state: 'protected' })]);
    expect(r.tasks).toEqual([
      expect.objectContaining({ path: worktree, branch: 'drover/t1', state: 'dirty', dirtyFiles: 1 }),
    ]);
    expect(r.vacantSlots).toEqual([1]);
    expect(r.protected.map((p: { slot: number }) => p.slot)).toEqual([2]);

    const text = await execa('node', [bin, 'pool', 'status'], { env });
    expect(text.stdout).toMatch(/task\s+\S+t1\s+drover\/t1\s+dirty/);
    const bad = await execa('node', [bin, 'pool', 'add', '--repo', repo, '--spares', 'lots'], { env, reject: false });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('--spares must be a whole number');
  });
});
