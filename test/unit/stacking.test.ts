import { describe, expect, it } from 'vitest';
import { branchStart, mayForcePush, renderMergeConflictBrief, restackPlan } from '../../src/domain/stacking.js';

const A = { taskId: 'a', branch: 'drover/a', prNumber: 1 };
const B = { taskId: 'b', branch: 'drover/b', prNumber: 2 };

describe('where a task branch starts', () => {
  it('no dependencies, or only merged ones: from the base', () => {
    expect(branchStart('main', [])).toEqual({ kind: 'base', startFrom: 'main', prBase: 'main', mergeIn: [] });
    expect(branchStart('main', [{ ...A, merged: true }])).toMatchObject({ kind: 'base', startFrom: 'main' });
  });

  it('one dependency: from its branch, the PR stacked on it', () => {
    expect(branchStart('main', [A, { ...B, merged: true }])).toEqual({
      kind: 'stacked',
      startFrom: 'drover/a',
      prBase: 'drover/a',
      mergeIn: [],
      stackedOn: { ...A, merged: false },
    });
  });

  it('several: from the base, their branches merged in first, in order', () => {
    const s = branchStart('main', [B, A]);
    expect(s.kind).toBe('combined');
    expect(s.startFrom).toBe('main');
    expect(s.prBase).toBe('main');
    expect(s.mergeIn.map((d) => d.branch)).toEqual(['drover/b', 'drover/a']);
  });
});

describe('the conflict brief', () => {
  it('names the dependency, every conflicting file, and what to merge after', () => {
    const text = renderMergeConflictBrief({
      branch: 'drover/c',
      conflict: { dependency: { ...B, merged: false }, files: ['src/a.ts', 'README.md'] },
      mergedCleanly: [{ ...A, merged: false }],
      remaining: [{ taskId: 'd', branch: 'drover/d', merged: false }],
    });
    expect(text).toContain('Merged cleanly: `drover/a` (task `a`, PR #1).');
    expect(text).toContain('Merging `drover/b` (task `b`, PR #2) stopped on conflicts in 2 files:');
    expect(text).toContain('- `src/a.ts`\n- `README.md`');
    expect(text).toContain('- `git merge origin/drover/d`');
  });

  it('says nothing about remaining merges when there are none', () => {
    const text = renderMergeConflictBrief({
      branch: 'drover/c',
      conflict: { dependency: { ...A, merged: false }, files: ['x'] },
      mergedCleanly: [],
      remaining: [],
    });
    expect(text).toContain('conflicts in 1 file:');
    expect(text).not.toContain('Merged cleanly');
    expect(text).not.toContain('git merge origin');
  });
});

describe('mayForcePush', () => {
  it('is true only for drover/<task id>', () => {
    expect(mayForcePush('drover/fix-login')).toBe(true);
    expect(mayForcePush('drover/t1.2')).toBe(true);
    for (const b of [
      'main',
      'master',
      'develop',
      'release/1.0',
      'spare/3',
      'fix/issue-1',
      'drover/',
      'drover/a/b',
      'drover/..',
      'drover/-x',
      'drover/x.lock',
      'feature/drover/a',
      'droverx/a',
    ]) {
      expect(mayForcePush(b), b).toBe(false);
    }
  });
});

describe('restack plans (merge strategy)', () => {
  const dependent = { taskId: 'b', branch: 'drover/b', prNumber: 2, prBase: 'drover/a' };

  it('a review fix on the dependency a stacked PR is based on: GitHub update-branch, then sync and re-verify', () => {
    const plan = restackPlan({
      defaultBranch: 'main',
      dependent,
      dependency: A,
      event: { kind: 'updated', newHead: 'abcdef0123456' },
    });
    expect(plan.steps).toEqual([
      { kind: 'update-branch', base: 'drover/a' },
      { kind: 'sync-worktree' },
      { kind: 'reverify' },
    ]);
    expect(plan.onConflict).toBe('brief-agent');
  });

  it('a review fix on one of several dependencies: merged in the worktree, plain push', () => {
    const plan = restackPlan({
      defaultBranch: 'main',
      dependent: { ...dependent, prBase: 'main' },
      dependency: A,
      event: { kind: 'updated', newHead: 'abcdef0123456' },
    });
    expect(plan.steps).toEqual([
      { kind: 'merge-in', from: 'origin/drover/a' },
      { kind: 'push', forceWithLease: false },
      { kind: 'reverify' },
    ]);
  });

  it('the dependency merged: retarget to the default branch, update-branch, re-verify', () => {
    const plan = restackPlan({
      defaultBranch: 'main',
      dependent,
      dependency: A,
      event: { kind: 'merged', mergeCommit: '1234567890abc' },
    });
    expect(plan.steps).toEqual([
      { kind: 'retarget', to: 'main' },
      { kind: 'update-branch', base: 'main' },
      { kind: 'sync-worktree' },
      { kind: 'reverify' },
    ]);
    expect(plan.why).toContain('retargeted from drover/a to main');
  });

  it('one of several dependencies merged: no retarget, the default branch merged in', () => {
    const plan = restackPlan({
      defaultBranch: 'main',
      dependent: { ...dependent, prBase: 'main' },
      dependency: A,
      event: { kind: 'merged', mergeCommit: '1234567890abc' },
    });
    expect(plan.steps.map((s) => s.kind)).toEqual(['update-branch', 'sync-worktree', 'reverify']);
  });

  it('never plans a force push', () => {
    for (const event of [
      { kind: 'updated' as const, newHead: 'abcdef0' },
      { kind: 'merged' as const, mergeCommit: 'abcdef0' },
    ]) {
      for (const prBase of ['drover/a', 'main']) {
        const plan = restackPlan({ defaultBranch: 'main', dependent: { ...dependent, prBase }, dependency: A, event });
        expect(plan.steps.some((s) => s.kind === 'push' && s.forceWithLease)).toBe(false);
      }
    }
  });

  it('refuses bad input', () => {
    expect(() =>
      restackPlan({ defaultBranch: 'main', dependent, dependency: A, event: { kind: 'rebased' } as never }),
    ).toThrow();
  });
});
