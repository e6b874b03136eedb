import { describe, expect, it } from 'vitest';
import { decideWorktree, type WorktreeFacts } from '../../src/domain/cleanup.js';
import { validateTaskBranch } from '../../src/domain/identifiers.js';

const facts = (over: Partial<WorktreeFacts> = {}): WorktreeFacts => ({
  taskId: 't',
  worktree: '/ws/repos/r/worktrees/t',
  branch: 'drover/t',
  exists: true,
  insideWorkspace: true,
  dirtyFiles: 0,
  unpushed: 0,
  onRemote: false,
  ...over,
});

describe('decideWorktree: remove what has nothing to lose, keep and name unpushed work (issue 21 item 4)', () => {
  it('no commits of its own, or everything pushed: removed', () => {
    expect(decideWorktree(facts())).toEqual({ action: 'remove', why: 'no commits of its own (nothing to lose)' });
    expect(decideWorktree(facts({ onRemote: true }))).toEqual({
      action: 'remove',
      why: 'everything on drover/t is pushed',
    });
  });

  it('unpushed commits, uncommitted files, an unreachable remote, a foreign path: kept, with where and why', () => {
    expect(decideWorktree(facts({ unpushed: 2, onRemote: true }))).toEqual({
      action: 'keep',
      why: '2 commit(s) on drover/t not on the remote: kept at /ws/repos/r/worktrees/t (push them, or delete it yourself)',
    });
    expect(decideWorktree(facts({ dirtyFiles: 1 })).action).toBe('keep');
    expect(decideWorktree(facts({ unpushed: undefined, unknownWhy: 'no route' })).why).toContain('no route');
    expect(decideWorktree(facts({ insideWorkspace: false })).action).toBe('keep');
    expect(decideWorktree(facts({ exists: false })).action).toBe('skip');
  });
});

describe('validateTaskBranch (issue 21 item 3)', () => {
  it('refuses protected branches, accepts feature branches', () => {
    for (const b of ['main', 'master', 'develop', 'trunk', 'release/1.0', 'spare/x']) {
      const c = validateTaskBranch(b);
      expect(c.ok, b).toBe(false);
      if (!c.ok) expect(c.error).toContain(`${b} is a protected branch`);
    }
    expect(validateTaskBranch('drover/fix-1').ok).toBe(true);
    expect(validateTaskBranch('feature/main').ok).toBe(true);
    expect(validateTaskBranch('bad name').ok).toBe(false);
  });
});
