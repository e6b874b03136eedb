import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ATTEMPT_CAP,
  LEDGER_LIMIT,
  emptyLedger,
  ledgerFromRuns,
  mayStartFix,
  recordDroverPush,
  recordOutcome,
  recordStart,
} from '../../src/domain/pr-attempts.js';

const pr = { owner: 'acme', repo: 'shop', number: 7 };
const H1 = '1111111111111111111111111111111111111111';
const H2 = '2222222222222222222222222222222222222222';
const H3 = '3333333333333333333333333333333333333333';
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe('PR fix attempt ledger', () => {
  it('a PR never tried starts at attempt 1', () => {
    expect(mayStartFix(emptyLedger(), { pr, headSha: H1 })).toEqual({ start: true, attempt: 1, reset: false });
  });

  it('counts attempts on the same head up to the cap', () => {
    const l = emptyLedger();
    for (let i = 1; i <= DEFAULT_ATTEMPT_CAP; i++) {
      expect(mayStartFix(l, { pr, headSha: H1 })).toMatchObject({ start: true, attempt: i });
      recordStart(l, { pr, headSha: H1 }, at(i));
      recordOutcome(l, pr, 'failed', H1, at(i));
    }
    const d = mayStartFix(l, { pr, headSha: H1 });
    expect(d).toEqual({
      start: false,
      why: `${DEFAULT_ATTEMPT_CAP} fix attempts since the last push by a human (cap ${DEFAULT_ATTEMPT_CAP}); it starts again after a new push by a human`,
    });
    expect(mayStartFix(l, { pr, headSha: H1 }, 5)).toMatchObject({ start: true, attempt: 4 });
  });

  it('an escalated fix is not restarted for the same head', () => {
    const l = emptyLedger();
    recordStart(l, { pr, headSha: H1 }, at(0));
    recordOutcome(l, pr, 'escalated', H1, at(1));
    expect(mayStartFix(l, { pr, headSha: H1 }, 10)).toMatchObject({
      start: false,
      why: expect.stringContaining('escalated on 1111111111'),
    });
  });

  it('a new push by a human resets the count and the escalation', () => {
    const l = emptyLedger();
    recordStart(l, { pr, headSha: H1 }, at(0));
    recordOutcome(l, pr, 'escalated', H1, at(1));
    expect(mayStartFix(l, { pr, headSha: H2 })).toEqual({ start: true, attempt: 1, reset: true });
    const e = recordStart(l, { pr, headSha: H2 }, at(2));
    expect(e).toMatchObject({ attempts: 1, escalated: false, headSha: H2 });
    expect(l.entries).toHaveLength(1);
  });

  it("Drover's own pushes do not reset it: recorded heads, or a head said to be pushed by Drover", () => {
    const l = emptyLedger();
    recordStart(l, { pr, headSha: H1 }, at(0));
    recordDroverPush(l, pr, H2);
    recordOutcome(l, pr, 'escalated', H2, at(1));
    expect(mayStartFix(l, { pr, headSha: H2 })).toMatchObject({ start: false });
    recordOutcome(l, pr, 'failed', H2, at(2));
    expect(mayStartFix(l, { pr, headSha: H2 })).toEqual({ start: true, attempt: 2, reset: false });
    expect(mayStartFix(l, { pr, headSha: H3, pushedByDrover: true })).toEqual({
      start: true,
      attempt: 2,
      reset: false,
    });
    expect(mayStartFix(l, { pr, headSha: H3 })).toEqual({ start: true, attempt: 1, reset: true });
  });

  it('an outcome on a head the attempt moved to pins the escalation there', () => {
    const l = emptyLedger();
    recordStart(l, { pr, headSha: H1 }, at(0));
    recordOutcome(l, pr, 'escalated', H2, at(1));
    expect(l.entries[0]).toMatchObject({ headSha: H2, droverHeads: [H2], escalated: true });
    expect(mayStartFix(l, { pr, headSha: H2 })).toMatchObject({ start: false });
    expect(recordOutcome(l, { ...pr, number: 8 }, 'fixed', H1, at(2))).toBe(false);
  });

  it('PRs are independent and the ledger forgets the least recently touched first', () => {
    const l = emptyLedger();
    for (let n = 1; n <= LEDGER_LIMIT + 3; n++)
      recordStart(l, { pr: { ...pr, number: n }, headSha: H1 }, new Date(Date.UTC(2026, 0, 1) + n * 1000));
    expect(l.entries).toHaveLength(LEDGER_LIMIT);
    expect(l.entries.some((e) => e.number <= 3)).toBe(false);
    expect(mayStartFix(l, { pr: { ...pr, number: 4 }, headSha: H1 })).toMatchObject({ start: true, attempt: 2 });
  });
});

describe('the ledger from the fix workflows themselves', () => {
  const key = { owner: 'acme', repo: 'widgets', number: 7 };
  const h = (c: string) => c.repeat(40);
  it('an escalated fix holds its head; a human push starts afresh; a cap of Drover-only attempts holds', () => {
    const escalated = ledgerFromRuns([
      { pr: key, startHead: h('a'), startedAt: '2026-01-01T00:00:00Z', outcome: 'escalated', endHead: h('b') },
    ]);
    expect(mayStartFix(escalated, { pr: key, headSha: h('b') })).toMatchObject({ start: false });
    expect(mayStartFix(escalated, { pr: key, headSha: h('c') })).toMatchObject({
      start: true,
      attempt: 1,
      reset: true,
    });

    // three attempts, each on the head Drover's previous one pushed: capped
    const capped = ledgerFromRuns([
      { pr: key, startHead: h('d'), startedAt: '2026-01-01T00:00:03Z', outcome: 'failed', endHead: h('f') },
      { pr: key, startHead: h('a'), startedAt: '2026-01-01T00:00:01Z', outcome: 'failed', endHead: h('d') },
      { pr: key, startHead: h('f'), startedAt: '2026-01-01T00:00:05Z' },
    ]);
    expect(capped.entries[0]!.attempts).toBe(3);
    expect(mayStartFix(capped, { pr: key, headSha: h('f') })).toMatchObject({ start: false });
  });
});
