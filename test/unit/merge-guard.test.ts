import { describe, expect, it } from 'vitest';
import {
  holdWord,
  judgeMerge,
  type GuardCode,
  type MergeFactsInput,
  type MergeGuardInput,
} from '../../src/domain/merge-guard.js';

const HEAD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const OLD = '0000000000111111111122222222223333333333';

function facts(over: Partial<MergeFactsInput> = {}): MergeFactsInput {
  return {
    pr: { owner: 'acme', repo: 'shop', number: 7 },
    title: 'Validate root manager commands',
    url: 'http://gh.local/acme/shop/pull/7',
    state: 'OPEN',
    headRefName: 'drover/t1',
    headSha: HEAD,
    baseRefName: 'main',
    mergeable: 'MERGEABLE',
    headCommittedAt: '2026-01-01T10:00:00Z',
    checks: [
      { name: 'test', headSha: HEAD, status: 'completed', conclusion: 'success', summary: null, text: null, url: null },
    ],
    olderGreenSha: null,
    threads: [],
    reviews: [],
    isDraft: false,
    labels: [],
    mergeStateStatus: 'CLEAN',
    ...over,
  };
}

const input = (f: Partial<MergeFactsInput> = {}, over: Partial<MergeGuardInput> = {}): MergeGuardInput => ({
  facts: facts(f),
  defaultBranch: 'main',
  ...over,
});

function codes(i: MergeGuardInput): GuardCode[] {
  const v = judgeMerge(i);
  return v.ok ? [] : v.problems.map((p) => p.code);
}

const review = (author: string, state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED', at: string) => ({
  author,
  state,
  submittedAt: at,
  commitSha: HEAD,
});
const thread = (id: string, isResolved: boolean) => ({
  id,
  isResolved,
  isOutdated: false,
  path: 'src/a.ts',
  line: 3,
  first: { author: 'rev', body: 'rename this', createdAt: 'x' },
  last: null,
  commentCount: 1,
});

describe('merge guard: each guard alone', () => {
  it('a clean, green, open PR on the default branch may merge', () => {
    expect(judgeMerge(input())).toEqual({ ok: true });
  });

  it('red CI on the updated head', () => {
    const v = judgeMerge(
      input({
        checks: [
          {
            name: 'test',
            headSha: HEAD,
            status: 'completed',
            conclusion: 'failure',
            summary: '2 tests failed',
            text: null,
            url: null,
          },
        ],
      }),
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.problems.map((p) => p.code)).toEqual(['ci-failed']);
    expect(v.reasons[0]).toContain('check "test" concluded failure on a1b2c3d4e5');
    expect(v.reasons[0]).toContain('2 tests failed');
    expect(v.waiting).toBe(false);
  });

  it('green checks on an older head do not count: CI is pending on the new head, and the verdict waits', () => {
    const v = judgeMerge(
      input({
        checks: [
          {
            name: 'test',
            headSha: OLD,
            status: 'completed',
            conclusion: 'success',
            summary: null,
            text: null,
            url: null,
          },
        ],
        olderGreenSha: OLD,
      }),
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.problems.map((p) => p.code)).toEqual(['ci-pending']);
    expect(v.waiting).toBe(true);
  });

  it('a repository without CI merges only when ciRequired is false', () => {
    expect(codes(input({ checks: [] }))).toEqual(['ci-pending']);
    expect(codes(input({ checks: [] }, { ciRequired: false }))).toEqual([]);
    expect(codes(input({ checks: [] }, { ciRequired: false, requiredChecks: ['build'] }))).toEqual([
      'required-check-missing',
    ]);
  });

  it('a required check that never reported', () => {
    const v = judgeMerge(input({}, { requiredChecks: ['test', 'lint'] }));
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reasons).toEqual(['the required check "lint" has not reported on a1b2c3d4e5']);
  });

  it('CHANGES_REQUESTED stands after later commits until the reviewer approves', () => {
    expect(codes(input({ reviews: [review('ann', 'CHANGES_REQUESTED', '2026-01-01T09:00:00Z')] }))).toEqual([
      'changes-requested',
    ]);
    expect(
      codes(
        input({
          reviews: [
            review('ann', 'CHANGES_REQUESTED', '2026-01-01T09:00:00Z'),
            review('ann', 'COMMENTED', '2026-01-01T11:00:00Z'),
          ],
        }),
      ),
    ).toEqual(['changes-requested']);
    expect(
      codes(
        input({
          reviews: [
            review('ann', 'CHANGES_REQUESTED', '2026-01-01T09:00:00Z'),
            review('ann', 'APPROVED', '2026-01-01T11:00:00Z'),
          ],
        }),
      ),
    ).toEqual([]);
    expect(
      codes(
        input({
          reviews: [
            review('ann', 'CHANGES_REQUESTED', '2026-01-01T09:00:00Z'),
            review('ann', 'DISMISSED', '2026-01-01T11:00:00Z'),
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('an unresolved review thread; a resolved one is fine', () => {
    const v = judgeMerge(input({ threads: [thread('T1', false), thread('T2', true)] }));
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reasons).toEqual(['review thread T1 on src/a.ts:3 by rev is unresolved']);
  });

  it('draft, by the flag or by mergeStateStatus, named once', () => {
    expect(codes(input({ isDraft: true }))).toEqual(['draft']);
    expect(codes(input({ isDraft: true, mergeStateStatus: 'DRAFT' }))).toEqual(['draft']);
  });

  it('"WIP" in the title, any case and form', () => {
    for (const title of [
      'WIP: login',
      '[WIP] login',
      'wip: login',
      'Login (wip)',
      'Work in progress: login',
      'DO NOT MERGE login',
      "don't merge: login",
    ]) {
      expect(codes(input({ title })), title).toEqual(['wip']);
    }
    for (const title of ['Wipe the cache', 'Swipe gestures', 'Merge the donot module'])
      expect(codes(input({ title })), title).toEqual([]);
  });

  it('a hold label names the label', () => {
    const v = judgeMerge(input({ labels: ['bug', 'do-not-merge', 'WIP'] }));
    expect(v.ok).toBe(false);
    if (!v.ok)
      expect(v.reasons).toEqual(['the label "do-not-merge" says "do-not-merge"', 'the label "WIP" says "WIP"']);
    expect(holdWord('Do_Not_Merge')).toBe('Do_Not_Merge');
  });

  it('missing required approval: from branch protection or the requireApproval setting', () => {
    expect(codes(input({}, { requireApproval: true }))).toEqual(['approval-missing']);
    expect(
      codes(input({ reviews: [review('ann', 'APPROVED', '2026-01-01T11:00:00Z')] }, { requireApproval: true })),
    ).toEqual([]);
    const two = judgeMerge(
      input(
        {
          reviews: [
            review('ann', 'APPROVED', '2026-01-01T11:00:00Z'),
            review('ann', 'APPROVED', '2026-01-01T12:00:00Z'),
          ],
        },
        { requiredApprovals: 2 },
      ),
    );
    expect(two.ok).toBe(false); // one reviewer approving twice is one approval
    if (!two.ok) expect(two.reasons).toEqual(['2 approving reviews are required, 1 given']);
  });

  it('conflict, by mergeable or by DIRTY, named once', () => {
    expect(codes(input({ mergeable: 'CONFLICTING' }))).toEqual(['conflict']);
    expect(codes(input({ mergeable: 'CONFLICTING', mergeStateStatus: 'DIRTY' }))).toEqual(['conflict']);
  });

  it('behind the base, and mergeability not computed yet (waits)', () => {
    expect(codes(input({ mergeStateStatus: 'BEHIND' }))).toEqual(['behind']);
    const v = judgeMerge(input({ mergeable: 'UNKNOWN', mergeStateStatus: 'UNKNOWN' }));
    expect(v.ok === false && v.waiting).toBe(true);
  });

  it('base not allowed: default allowlist is the default branch', () => {
    const v = judgeMerge(input({ baseRefName: 'drover/t1' }));
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reasons).toEqual(['the base drover/t1 is not one Drover may merge into (allowed: main)']);
    expect(codes(input({ baseRefName: 'release/2' }, { allowedBases: ['main', 'release/2'] }))).toEqual([]);
  });

  it('a dependency not merged yet', () => {
    const v = judgeMerge(
      input(
        {},
        {
          dependencies: [
            { label: '#5 (task t0)', merged: false },
            { label: '#4', merged: true },
          ],
        },
      ),
    );
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reasons).toEqual(['the dependency #5 (task t0) is not merged yet']);
  });

  it('closed or merged PRs, and a head that moved after the queue checked it', () => {
    expect(codes(input({ state: 'CLOSED' }))).toEqual(['not-open']);
    expect(codes(input({}, { expectedHeadSha: OLD }))).toEqual(['head-moved']);
  });

  it('BLOCKED with no reason Drover can name says so; with one, only that one', () => {
    expect(codes(input({ mergeStateStatus: 'BLOCKED' }))).toEqual(['blocked']);
    expect(codes(input({ mergeStateStatus: 'BLOCKED' }, { requireApproval: true }))).toEqual(['approval-missing']);
  });
});

describe('merge guard: combinations', () => {
  it('names every reason at once, in a stable order', () => {
    const v = judgeMerge(
      input(
        {
          title: '[WIP] login',
          isDraft: true,
          labels: ['do not merge'],
          baseRefName: 'develop',
          mergeable: 'CONFLICTING',
          checks: [
            {
              name: 'test',
              headSha: HEAD,
              status: 'completed',
              conclusion: 'failure',
              summary: null,
              text: null,
              url: null,
            },
          ],
          threads: [thread('T1', false)],
          reviews: [review('ann', 'CHANGES_REQUESTED', '2026-01-01T09:00:00Z')],
        },
        { requireApproval: true, dependencies: [{ label: '#5', merged: false }] },
      ),
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.problems.map((p) => p.code)).toEqual([
      'draft',
      'wip',
      'wip',
      'base-not-allowed',
      'conflict',
      'ci-failed',
      'unresolved-thread',
      'changes-requested',
      'approval-missing',
      'dependency-unmerged',
    ]);
    expect(v.reasons).toHaveLength(10);
    expect(v.waiting).toBe(false);
  });

  it('pending CI together with a real problem is a refusal, not a wait', () => {
    const v = judgeMerge(input({ checks: [], isDraft: true }));
    expect(v.ok === false && v.waiting).toBe(false);
    expect(codes(input({ checks: [], isDraft: true }))).toEqual(['draft', 'ci-pending']);
  });

  it('refuses bad input with a clear error', () => {
    expect(() => judgeMerge({ facts: { ...facts(), state: 'WEIRD' } as never, defaultBranch: 'main' })).toThrow(
      /state/,
    );
  });
});
