import { describe, expect, it } from 'vitest';
import { judgePullRequest, referencesCommit, type PrGateInput } from '../../src/domain/pr-gate.js';
import type { PrFacts, ReviewThread } from '../../src/domain/pull-request.js';

const HEAD = 'c0ffee1234567890c0ffee1234567890c0ffee12';
const OLD = 'abad1dea00000000abad1dea00000000abad1dea';

function facts(over: Partial<PrFacts> = {}): PrFacts {
  return {
    pr: { owner: 'acme', repo: 'widgets', number: 7 },
    title: 'Fix it',
    url: 'http://127.0.0.1/acme/widgets/pull/7',
    state: 'OPEN',
    headRefName: 'fix-it',
    headSha: HEAD,
    baseRefName: 'main',
    mergeable: 'MERGEABLE',
    headCommittedAt: '2026-01-01T10:00:00Z',
    checks: [
      { name: 'ci', headSha: HEAD, status: 'completed', conclusion: 'success', summary: null, text: null, url: null },
    ],
    olderGreenSha: null,
    threads: [],
    reviews: [],
    ...over,
  };
}

const thread = (over: Partial<ReviewThread>): ReviewThread => ({
  id: 'PRRT_1',
  isResolved: false,
  isOutdated: false,
  path: 'src/a.ts',
  line: 3,
  first: { author: 'rev', body: 'rename this', createdAt: '2026-01-01T09:00:00Z' },
  last: { author: 'rev', body: 'rename this', createdAt: '2026-01-01T09:00:00Z' },
  commentCount: 1,
  ...over,
});

const gate = (over: Partial<PrGateInput> = {}) =>
  judgePullRequest({
    facts: facts(),
    pushedSha: HEAD,
    steps: ['pr-address', 'pr-test'],
    checkpoints: ['pr-address', 'pr-test'],
    branchCommits: [OLD, HEAD],
    ...over,
  });

describe('PR gate', () => {
  it('passes with green CI on the pushed head, no threads, no reviews, all checkpoints', () => {
    expect(gate()).toEqual({ verdict: 'pass' });
  });

  it('CI green only on an older SHA: waits, naming the older commit', () => {
    const out = gate({ facts: facts({ checks: [], olderGreenSha: OLD }) });
    expect(out.verdict).toBe('wait');
    expect(out.verdict === 'wait' && out.pending).toMatch(
      /no check has reported on the pushed head c0ffee1234.*older commit abad1dea00/,
    );
  });

  it('checks from an older SHA never count for the head', () => {
    const out = gate({
      facts: facts({
        checks: [
          {
            name: 'ci',
            headSha: OLD,
            status: 'completed',
            conclusion: 'success',
            summary: null,
            text: null,
            url: null,
          },
        ],
      }),
    });
    expect(out.verdict).toBe('wait');
  });

  it('a failing check fails with its name, summary and log excerpt', () => {
    const out = gate({
      facts: facts({
        checks: [
          {
            name: 'unit',
            headSha: HEAD,
            status: 'completed',
            conclusion: 'failure',
            summary: '2 tests failed',
            text: 'expected 4, got 5',
            url: null,
          },
        ],
      }),
    });
    expect(out.verdict).toBe('fail');
    expect(out.verdict === 'fail' && out.reasons.join('\n')).toMatch(
      /check "unit" concluded failure on c0ffee1234: "2 tests failed" "expected 4, got 5"/,
    );
  });

  it('a running check makes it wait; with another failure it fails and mentions both', () => {
    const running = {
      name: 'lint',
      headSha: HEAD,
      status: 'in_progress',
      conclusion: null,
      summary: null,
      text: null,
      url: null,
    };
    expect(gate({ facts: facts({ checks: [running] }) }).verdict).toBe('wait');
    const out = gate({ facts: facts({ checks: [running] }), checkpoints: ['pr-address'] });
    expect(out.verdict === 'fail' && out.reasons).toEqual([
      expect.stringMatching(/missing checkpoint: pr-test/),
      expect.stringMatching(/1 check still running.*lint/),
    ]);
  });

  it('the head must be the pushed commit', () => {
    const out = gate({ pushedSha: OLD });
    expect(out.verdict === 'fail' && out.reasons[0]).toMatch(/head is c0ffee1234, not abad1dea00/);
  });

  it('an unresolved thread fails with file:line, author and id, on any page', () => {
    const out = gate({
      facts: facts({
        threads: [
          thread({
            isResolved: true,
            last: { author: 'bot', body: `Addressed in ${HEAD.slice(0, 12)}`, createdAt: 'x' },
          }),
          thread({ id: 'PRRT_51', path: 'b.ts', line: 9 }),
        ],
      }),
    });
    expect(out.verdict === 'fail' && out.reasons).toEqual([
      expect.stringMatching(/unresolved review thread PRRT_51 on b\.ts:9 by rev: "rename this"/),
    ]);
  });

  it('a thread resolved with "Acknowledged" is a fake resolution', () => {
    const out = gate({
      facts: facts({
        threads: [thread({ isResolved: true, last: { author: 'dev', body: 'Acknowledged', createdAt: 'x' } })],
      }),
    });
    expect(out.verdict === 'fail' && out.reasons[0]).toMatch(
      /PRRT_1 on src\/a\.ts:3 was resolved without a commit reference \(last comment "Acknowledged"\)/,
    );
  });

  it('a commit reference must name a commit of the branch when commits are known', () => {
    expect(referencesCommit('fixed in deadbeef1', [HEAD])).toBe(false);
    expect(referencesCommit('fixed in C0FFEE1', [HEAD])).toBe(true);
    expect(referencesCommit('fixed in deadbeef1', [])).toBe(true);
    expect(referencesCommit('fixed it', [])).toBe(false);
  });

  it('CHANGES_REQUESTED newer than the last commit fails; older, or superseded by an approval, passes', () => {
    const newer = gate({
      facts: facts({
        reviews: [{ author: 'lead', state: 'CHANGES_REQUESTED', submittedAt: '2026-01-01T11:00:00Z', commitSha: HEAD }],
      }),
    });
    expect(newer.verdict === 'fail' && newer.reasons[0]).toMatch(
      /lead requested changes at 2026-01-01T11:00:00Z, after the last commit/,
    );
    expect(
      gate({
        facts: facts({
          reviews: [
            { author: 'lead', state: 'CHANGES_REQUESTED', submittedAt: '2026-01-01T09:00:00Z', commitSha: OLD },
          ],
        }),
      }).verdict,
    ).toBe('pass');
    const superseded = facts({
      reviews: [
        { author: 'lead', state: 'CHANGES_REQUESTED', submittedAt: '2026-01-01T11:00:00Z', commitSha: HEAD },
        { author: 'lead', state: 'APPROVED', submittedAt: '2026-01-01T12:00:00Z', commitSha: HEAD },
        { author: 'lead', state: 'COMMENTED', submittedAt: '2026-01-01T13:00:00Z', commitSha: HEAD },
      ],
    });
    expect(gate({ facts: superseded }).verdict).toBe('pass');
  });

  it('conflicts and a closed PR fail', () => {
    expect(gate({ facts: facts({ mergeable: 'CONFLICTING' }) })).toEqual({
      verdict: 'fail',
      reasons: [expect.stringMatching(/conflicts with main: merge origin\/main into fix-it/)],
    });
    expect(gate({ facts: facts({ state: 'CLOSED' }) })).toEqual({
      verdict: 'fail',
      reasons: [expect.stringMatching(/pull request is closed/)],
    });
  });

  it('a missing checkpoint fails on its own', () => {
    expect(gate({ checkpoints: ['pr-address'] })).toEqual({
      verdict: 'fail',
      reasons: [expect.stringMatching(/^missing checkpoint: pr-test/)],
    });
  });
});
