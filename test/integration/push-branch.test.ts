import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushBranch } from '../../src/host/worktree/worktree.js';
import { git, makeRepo } from '../support/repo.js';

// Real git: a bare origin and a clone standing in for a task's worktree.
let tmp: string;
let origin: string;
let worktree: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'drover-push-'));
  const src = await makeRepo(path.join(tmp, 'src'));
  origin = path.join(tmp, 'origin.git');
  await git(tmp, ['clone', '--quiet', '--bare', src, origin]);
  worktree = path.join(tmp, 'wt');
  await git(tmp, ['clone', '--quiet', origin, worktree]);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('pushBranch', () => {
  it('two pushes of one new branch at once (checkpoint and verification): one pushes, the other finds it pushed, neither fails', async () => {
    for (let round = 1; round <= 5; round++) {
      const branch = `drover/race-${round}`;
      await git(worktree, ['checkout', '--quiet', '-B', branch]);
      await writeFile(path.join(worktree, 'a.txt'), `round ${round}\n`);
      await git(worktree, ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '--quiet', '-am', `round ${round}`]);
      const head = await git(worktree, ['rev-parse', 'HEAD']);
      const results = await Promise.all([pushBranch({ worktree, branch }), pushBranch({ worktree, branch })]);
      expect(
        results.map((r) => r.error),
        `round ${round}`,
      ).toEqual([undefined, undefined]);
      expect(results.map((r) => r.pushed).sort()).toEqual([false, true]);
      expect(results.every((r) => r.remoteHead === head)).toBe(true);
      expect(await git(origin, ['rev-parse', `refs/heads/${branch}`])).toBe(head);
    }
  });
});
