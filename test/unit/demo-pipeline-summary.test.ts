import { describe, expect, it } from 'vitest';
import { summarizePipeline, type PipelineFacts } from '../../src/cli/demo-pipeline-summary.js';
import type { TaskPullRequest } from '../../src/domain/pr-pipeline.js';

const pr = (number: number, baseAtOpen: string, extra: Partial<TaskPullRequest> = {}): TaskPullRequest => ({
  owner: 'o',
  repo: 'r',
  number,
  url: `http://gh/o/r/pull/${number}`,
  base: 'main',
  baseAtOpen,
  head: 'abc1234',
  openedAt: '2026-12-02T10:00:00.000Z',
  state: 'open',
  ...extra,
});

/** The end the demo wants: three PRs merged in dependency order, issues closed, nothing twice. */
function mergedFacts(): PipelineFacts {
  return {
    merge: true,
    webUi: 'http://ui/run',
    where: { run: 'd', repo: 'o/r', bare: '/gh/o/r.git' },
    rows: [
      { id: 'i1', status: 'merged', reason: 'merged', branch: 'drover/d-i1', revisions: 0, pullRequest: pr(4, 'main') },
      {
        id: 'i2',
        status: 'merged',
        reason: 'merged',
        branch: 'drover/d-i2',
        revisions: 0,
        pullRequest: pr(6, 'drover/d-i1'),
      },
      { id: 'i3', status: 'merged', reason: 'merged', branch: 'drover/d-i3', revisions: 1, pullRequest: pr(5, 'main') },
    ],
    dependsOn: { i1: [], i2: ['i1'], i3: [] },
    issues: [
      { number: 1, task: 'i1', state: 'closed' },
      { number: 2, task: 'i2', state: 'closed' },
      { number: 3, task: 'i3', state: 'closed' },
    ],
    pulls: [
      {
        number: 4,
        state: 'closed',
        merged: true,
        mergedAt: '2026-12-02T10:01:00.000Z',
        mergeCommit: 'm4',
        base: 'main',
      },
      {
        number: 6,
        state: 'closed',
        merged: true,
        mergedAt: '2026-12-02T10:02:00.000Z',
        mergeCommit: 'm6',
        base: 'main',
      },
      {
        number: 5,
        state: 'closed',
        merged: true,
        mergedAt: '2026-12-02T10:03:00.000Z',
        mergeCommit: 'm5',
        base: 'main',
      },
    ],
    ciHeads: { 4: ['a'], 5: ['c1', 'c2', 'c3'], 6: ['b1', 'b2'] },
    counters: {
      pullsCreatedByHead: { 'drover/d-i1': 1, 'drover/d-i2': 1, 'drover/d-i3': 1 },
      duplicatePullsRefused: 0,
      commentsByMarker: { 5: { '<!-- drover:ci -->': 1 } },
    },
  };
}

describe('summarizePipeline', () => {
  it('is done when every PR merged in dependency order, every issue closed and nothing happened twice', () => {
    const s = summarizePipeline(mergedFacts());
    expect(s.missing).toEqual([]);
    expect(s.state).toBe('done');
    expect(s).toMatchObject({ run: 'd', repo: 'o/r', bare: '/gh/o/r.git' });
    expect(s.mergeOrder).toEqual(['i1', 'i2', 'i3']);
    expect(s.duplicates).toEqual({ pulls: 0, comments: 0 });
    expect(s.prs.find((p) => p.task === 'i2')).toMatchObject({
      number: 6,
      base: 'main',
      baseAtOpen: 'drover/d-i1',
      state: 'merged',
      mergeCommit: 'm6',
      revisions: 2,
      reBriefs: 0,
    });
    expect(s.prs.find((p) => p.task === 'i3')).toMatchObject({ revisions: 3, reBriefs: 1 });
  });

  it('names an open issue, an unmerged PR and a dependent merged first', () => {
    const facts = mergedFacts();
    facts.issues = [{ number: 1, task: 'i1', state: 'open' }, ...facts.issues.slice(1)];
    facts.pulls = [
      {
        number: 4,
        state: 'closed',
        merged: true,
        mergedAt: '2026-12-02T10:05:00.000Z',
        mergeCommit: 'm4',
        base: 'main',
      },
      facts.pulls[1]!,
      { number: 5, state: 'open', merged: false, mergedAt: null, mergeCommit: null, base: 'main' },
    ];
    const s = summarizePipeline(facts);
    expect(s.state).toBe('failed');
    expect(s.missing).toEqual(
      expect.arrayContaining([
        'issue #1 (i1) is still open',
        'PR #5 (i3) is open, not merged',
        "i2's PR #6 merged before its dependency's PR #4",
      ]),
    );
    expect(s.mergeOrder).toEqual(['i2', 'i1']);
  });

  it('counts duplicate PRs and comments and names a dependent not stacked on its dependency', () => {
    const facts = mergedFacts();
    facts.rows = facts.rows!.map((r) => (r.id === 'i2' ? { ...r, pullRequest: pr(6, 'main') } : r));
    facts.counters = {
      pullsCreatedByHead: { 'drover/d-i1': 2, 'drover/d-i2': 1 },
      duplicatePullsRefused: 1,
      commentsByMarker: { 5: { '<!-- a -->': 3 }, 6: { '<!-- b -->': 1 } },
    };
    const s = summarizePipeline(facts);
    expect(s.duplicates).toEqual({ pulls: 2, comments: 2 });
    expect(s.missing).toEqual(
      expect.arrayContaining([
        "i2's PR #6 was opened on main, not stacked on drover/d-i1",
        '2 duplicate pull request(s) were attempted',
        '2 comment(s) were posted twice',
      ]),
    );
  });

  it('without --merge wants every PR open and every row pr_open; a task without a PR or a run that did not finish is missing', () => {
    const facts = mergedFacts();
    facts.merge = false;
    facts.rows = [
      { id: 'i1', status: 'pr_open', reason: 'ok', branch: 'drover/d-i1', revisions: 0, pullRequest: pr(4, 'main') },
      { id: 'i3', status: 'error', reason: 'agent crashed', branch: 'drover/d-i3', revisions: 0 },
    ];
    facts.pulls = [{ number: 4, state: 'open', merged: false, mergedAt: null, mergeCommit: null, base: 'main' }];
    facts.issues = facts.issues.map((i) => ({ ...i, state: 'open' as const }));
    const s = summarizePipeline(facts);
    expect(s.missing).toEqual(['task i3 has no pull request (error: agent crashed)']);
    expect(summarizePipeline({ ...facts, rows: undefined }).missing).toEqual(['the manifest run did not finish']);
  });
});
