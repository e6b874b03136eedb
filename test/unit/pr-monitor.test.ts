import { describe, expect, it } from 'vitest';
import { pickPullRequests, workNeeded, type MonitoredPr } from '../../src/domain/pr-monitor.js';
import { parseEvery } from '../../src/cli/monitor-command.js';

const pr = (over: Partial<MonitoredPr>): MonitoredPr => ({
  owner: 'acme',
  repo: 'widgets',
  number: 1,
  title: 't',
  isDraft: false,
  author: 'dev',
  labels: [],
  mergeable: 'MERGEABLE',
  reviewDecision: null,
  checks: 'SUCCESS',
  unresolvedThreads: 0,
  ...over,
});

describe('monitor rules', () => {
  it('names each kind of work; healthy and pending PRs need none', () => {
    expect(workNeeded(pr({}))).toEqual([]);
    expect(workNeeded(pr({ checks: 'PENDING' }))).toEqual([]);
    expect(workNeeded(pr({ checks: null }))).toEqual([]);
    expect(
      workNeeded(
        pr({ checks: 'FAILURE', mergeable: 'CONFLICTING', unresolvedThreads: 2, reviewDecision: 'CHANGES_REQUESTED' }),
      ),
    ).toEqual(['failing checks', 'conflicts', '2 unresolved threads', 'changes requested']);
  });

  it('skips drafts, applies label and author filters, caps at max', () => {
    const prs = [
      pr({ number: 1, checks: 'FAILURE' }),
      pr({ number: 2, checks: 'FAILURE', isDraft: true }),
      pr({ number: 3, unresolvedThreads: 1, labels: ['drover'] }),
      pr({ number: 4, mergeable: 'CONFLICTING', author: 'Bot' }),
      pr({ number: 5 }),
    ];
    expect(pickPullRequests(prs, { max: 10 }).picked.map((p) => p.pr.number)).toEqual([1, 3, 4]);
    expect(pickPullRequests(prs, { max: 10, label: 'drover' }).picked.map((p) => p.pr.number)).toEqual([3]);
    expect(pickPullRequests(prs, { max: 10, author: 'bot' }).picked.map((p) => p.pr.number)).toEqual([4]);
    expect(pickPullRequests(prs, { max: 2 })).toMatchObject({
      skipped: 1,
      picked: [{ pr: { number: 1 } }, { pr: { number: 3 } }],
    });
  });

  it('parses --every', () => {
    expect(parseEvery('5m')).toEqual({ ok: true, seconds: 300 });
    expect(parseEvery('1h')).toEqual({ ok: true, seconds: 3600 });
    expect(parseEvery('9s').ok).toBe(false);
    expect(parseEvery('5 minutes').ok).toBe(false);
  });
});
