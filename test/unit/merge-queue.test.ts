import { describe, expect, it } from 'vitest';
import type { MergeVerdict } from '../../src/domain/merge-guard.js';
import { refusalNeedsAgent } from '../../src/domain/pr-pipeline.js';
import {
  MAX_UPDATES,
  RECENT_OUTCOMES,
  blockedBy,
  branchUpdated,
  carryOver,
  checked,
  ciSettled,
  emptyQueue,
  enqueue,
  merged,
  mergedElsewhere,
  mergeQueueWorkflowId,
  refuse,
  retry,
  startNext,
  withdraw,
  type MergeQueueState,
} from '../../src/domain/merge-queue.js';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const sha = (n: number, v = 0) => `${String(n).padStart(4, '0')}${String(v).padStart(4, '0')}`.padEnd(40, 'a');
const OK: MergeVerdict = { ok: true };
const refusedFor = (...reasons: string[]): MergeVerdict => ({
  ok: false,
  reasons,
  problems: reasons.map((reason) => ({ code: 'ci-failed', reason })),
  waiting: false,
});

/** Drives the PR in progress through every step to a merge. */
function mergeCurrent(q: MergeQueueState, s: number): number {
  const n = q.current!.number;
  const head = sha(n, 9);
  expect(branchUpdated(q, n, head).changed).toBe(true);
  expect(ciSettled(q, n, head).changed).toBe(true);
  expect(checked(q, n, OK, at(s)).next).toBe('merging');
  expect(merged(q, n, `merge-${n}`, at(s)).changed).toBe(true);
  return n;
}

function drain(q: MergeQueueState): number[] {
  const order: number[] = [];
  for (let i = 0; i < 200 && startNext(q, at(100 + i)).started; i++) order.push(mergeCurrent(q, 100 + i));
  return order;
}

describe('merge queue state', () => {
  it('names its workflow per repository and base', () => {
    expect(mergeQueueWorkflowId('acme', 'shop', 'main')).toBe('merge-queue/acme/shop/main');
  });

  it('merges FIFO, one at a time, through every step', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    for (const n of [3, 1, 2]) expect(enqueue(q, { number: n, headSha: sha(n) }, at(n)).result).toBe('queued');
    const s = startNext(q, at(10));
    expect(s.started).toMatchObject({ number: 3, step: 'updating-branch', currentHead: sha(3), updates: 0 });
    expect(startNext(q, at(11)).started).toBeUndefined(); // one in progress at a time
    expect(q.current?.step).toBe('updating-branch');
    branchUpdated(q, 3, sha(3, 1));
    expect(q.current).toMatchObject({ step: 'waiting-ci', currentHead: sha(3, 1), updates: 1 });
    expect(ciSettled(q, 3, sha(3)).changed).toBe(false); // CI on the old head says nothing
    ciSettled(q, 3, sha(3, 1));
    expect(q.current?.step).toBe('checking');
    checked(q, 3, OK, at(12));
    expect(q.current?.step).toBe('merging');
    merged(q, 3, 'c0ffee', at(13));
    expect(q.current).toBeUndefined();
    expect(q.recent).toEqual([
      {
        number: 3,
        headSha: sha(3, 1),
        outcome: 'merged',
        codes: [],
        at: at(13).toISOString(),
        mergeCommit: 'c0ffee',
        reasons: [],
      },
    ]);
    expect(drain(q)).toEqual([1, 2]);
    expect(q.mergedCount).toBe(3);
    expect(q.merged).toEqual([3, 1, 2]);
  });

  it('transitions out of step or for another PR change nothing (retried activities)', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    enqueue(q, { number: 1, headSha: sha(1) }, at(0));
    startNext(q, at(1));
    expect(ciSettled(q, 1, sha(1)).changed).toBe(false);
    expect(checked(q, 1, OK, at(2)).next).toBe('unchanged');
    expect(merged(q, 1, 'x', at(2)).changed).toBe(false);
    expect(branchUpdated(q, 2, sha(2)).changed).toBe(false);
    expect(branchUpdated(q, 1, sha(1)).changed).toBe(true);
    expect(branchUpdated(q, 1, sha(1, 5)).changed).toBe(false); // a second report of the same update
    expect(q.current?.currentHead).toBe(sha(1));
    expect(refuse(q, 2, ['no'], at(3)).changed).toBe(false);
  });

  it('a duplicate enqueue (same PR, same head) is queued once: waiting, in progress, and at the head the queue produced', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    expect(enqueue(q, { number: 1, headSha: sha(1) }, at(0)).result).toBe('queued');
    expect(enqueue(q, { number: 1, headSha: sha(1) }, at(1)).result).toBe('duplicate');
    expect(q.waiting).toHaveLength(1);
    startNext(q, at(2));
    expect(enqueue(q, { number: 1, headSha: sha(1) }, at(3)).result).toBe('duplicate');
    branchUpdated(q, 1, sha(1, 1));
    expect(enqueue(q, { number: 1, headSha: sha(1, 1) }, at(3)).result).toBe('duplicate');
    expect(q.waiting).toHaveLength(0);
    mergeCurrentFromCi(q);
    expect(enqueue(q, { number: 1, headSha: sha(1, 7) }, at(9)).result).toBe('already-merged');
    expect(q.waiting).toHaveLength(0);
  });

  it('a new head re-queues at the back', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    enqueue(q, { number: 1, headSha: sha(1) }, at(0));
    enqueue(q, { number: 2, headSha: sha(2) }, at(1));
    expect(enqueue(q, { number: 1, headSha: sha(1, 2) }, at(2)).result).toBe('requeued');
    expect(q.waiting.map((e) => [e.number, e.headSha])).toEqual([
      [2, sha(2)],
      [1, sha(1, 2)],
    ]);
  });

  it('a new head while the PR is in progress: dropped if the current attempt merges, tried if it is refused', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    enqueue(q, { number: 1, headSha: sha(1) }, at(0));
    startNext(q, at(1));
    expect(enqueue(q, { number: 1, headSha: sha(1, 4) }, at(2)).result).toBe('queued');
    mergeCurrent(q, 3);
    expect(q.waiting).toEqual([]);

    const r = emptyQueue('acme', 'shop', 'main');
    enqueue(r, { number: 1, headSha: sha(1) }, at(0));
    startNext(r, at(1));
    enqueue(r, { number: 1, headSha: sha(1, 4) }, at(2));
    refuse(r, 1, ['the head moved'], at(3));
    expect(startNext(r, at(4)).started).toMatchObject({ number: 1, headSha: sha(1, 4) });
  });

  it('a refused PR leaves the queue with every reason and is not queued again at the same head', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    enqueue(q, { number: 1, headSha: sha(1), taskId: 't1' }, at(0));
    enqueue(q, { number: 2, headSha: sha(2) }, at(0));
    startNext(q, at(1));
    branchUpdated(q, 1, sha(1));
    ciSettled(q, 1, sha(1));
    expect(checked(q, 1, refusedFor('check "test" failed', 'ann requested changes'), at(2)).next).toBe('refused');
    expect(q.current).toBeUndefined();
    expect(q.recent.at(-1)).toMatchObject({
      number: 1,
      outcome: 'refused',
      reasons: ['check "test" failed', 'ann requested changes'],
      taskId: 't1',
    });
    const again = enqueue(q, { number: 1, headSha: sha(1) }, at(3));
    expect(again).toMatchObject({
      result: 'refused-before',
      reasons: ['check "test" failed', 'ann requested changes'],
    });
    expect(drain(q)).toEqual([2]); // the refused PR never comes back by itself
  });

  it('re-enqueue after a refusal: with a new head, or an explicit retry of the same head', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    enqueue(q, { number: 1, headSha: sha(1), dependsOn: [9] }, at(0));
    mergedElsewhere(q, 9, at(0));
    startNext(q, at(1));
    refuse(q, 1, ['conflict'], at(2));
    expect(enqueue(q, { number: 1, headSha: sha(1, 1) }, at(3)).result).toBe('requeued');
    expect(q.refused).toEqual([]);
    startNext(q, at(4));
    refuse(q, 1, ['red CI'], at(5));
    expect(retry(q, 1, at(6)).retried).toBe(true);
    expect(retry(q, 1, at(6)).retried).toBe(false); // already waiting
    expect(q.waiting).toEqual([{ number: 1, headSha: sha(1, 1), dependsOn: [], enqueuedAt: at(6).toISOString() }]);
    expect(retry(q, 42, at(6)).retried).toBe(false);
    expect(drain(q)).toEqual([1]);
  });

  it('a dependent waits behind its dependency and does not block independent PRs', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    enqueue(q, { number: 11, headSha: sha(11), dependsOn: [10] }, at(0)); // B, queued before A
    enqueue(q, { number: 12, headSha: sha(12) }, at(1)); // C, independent
    enqueue(q, { number: 10, headSha: sha(10) }, at(2)); // A
    expect(blockedBy(q, q.waiting[0]!)).toEqual(['#10 (queued)']);
    expect(drain(q)).toEqual([12, 10, 11]);
  });

  it('a dependency not in the queue blocks its dependent until it is merged later, elsewhere', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    enqueue(q, { number: 11, headSha: sha(11), dependsOn: [10] }, at(0));
    expect(startNext(q, at(1)).started).toBeUndefined();
    expect(blockedBy(q, q.waiting[0]!)).toEqual(['#10 (not in the queue)']);
    expect(mergedElsewhere(q, 10, at(2)).changed).toBe(true);
    expect(mergedElsewhere(q, 10, at(2)).changed).toBe(false);
    expect(q.recent).toEqual([]); // never queued here: nothing to report
    expect(startNext(q, at(2)).started?.number).toBe(11);
  });

  it('a refused dependency keeps its dependents waiting, and says so', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    enqueue(q, { number: 10, headSha: sha(10) }, at(0));
    enqueue(q, { number: 11, headSha: sha(11), dependsOn: [10] }, at(1));
    startNext(q, at(2));
    expect(blockedBy(q, q.waiting[0]!)).toEqual(['#10 (merging now)']);
    refuse(q, 10, ['draft'], at(3));
    expect(startNext(q, at(4)).started).toBeUndefined();
    expect(blockedBy(q, q.waiting[0]!)).toEqual(['#10 (refused)']);
    enqueue(q, { number: 10, headSha: sha(10, 1) }, at(5));
    expect(drain(q)).toEqual([10, 11]);
  });

  it('a base that moved during CI brings the branch up to date again, then refuses after MAX_UPDATES', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    enqueue(q, { number: 1, headSha: sha(1) }, at(0));
    startNext(q, at(1));
    const behind: MergeVerdict = {
      ok: false,
      reasons: ['behind main'],
      problems: [{ code: 'behind', reason: 'behind main' }],
      waiting: false,
    };
    for (let i = 1; i <= MAX_UPDATES; i++) {
      branchUpdated(q, 1, sha(1, i));
      ciSettled(q, 1, sha(1, i));
      expect(checked(q, 1, behind, at(i)).next).toBe(i < MAX_UPDATES ? 'updating-branch' : 'refused');
    }
    expect(q.recent.at(-1)?.reasons).toEqual(['behind main', `the base moved ${MAX_UPDATES} times while CI ran`]);
  });

  it('a waiting verdict (CI still running) goes back to waiting-ci', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    enqueue(q, { number: 1, headSha: sha(1) }, at(0));
    startNext(q, at(1));
    branchUpdated(q, 1, sha(1, 1));
    ciSettled(q, 1, sha(1, 1));
    expect(
      checked(
        q,
        1,
        { ok: false, reasons: ['running'], problems: [{ code: 'ci-pending', reason: 'running' }], waiting: true },
        at(2),
      ).next,
    ).toBe('waiting-ci');
    expect(q.current?.step).toBe('waiting-ci');
  });

  it('a PR merged by a human while in progress or waiting leaves the queue as merged', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    enqueue(q, { number: 1, headSha: sha(1), taskId: 't1' }, at(0));
    enqueue(q, { number: 2, headSha: sha(2) }, at(0));
    startNext(q, at(1));
    mergedElsewhere(q, 1, at(2));
    mergedElsewhere(q, 2, at(3));
    expect(q.current).toBeUndefined();
    expect(q.waiting).toEqual([]);
    expect(q.recent).toEqual([
      {
        number: 1,
        headSha: sha(1),
        outcome: 'merged',
        codes: [],
        at: at(2).toISOString(),
        reasons: ['merged outside the queue'],
        taskId: 't1',
      },
      {
        number: 2,
        headSha: sha(2),
        outcome: 'merged',
        at: at(3).toISOString(),
        reasons: ['merged outside the queue'],
        codes: [],
      },
    ]);
    expect(q.mergedCount).toBe(0); // counts the queue's own merges only
    expect(enqueue(q, { number: 1, headSha: sha(1, 1) }, at(4)).result).toBe('already-merged');
  });

  it('withdraws a waiting or in-progress PR; unknown PRs change nothing', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    enqueue(q, { number: 1, headSha: sha(1) }, at(0));
    enqueue(q, { number: 2, headSha: sha(2) }, at(0));
    startNext(q, at(1));
    expect(withdraw(q, 2, 'closed', at(2)).withdrawn).toBe(true);
    expect(withdraw(q, 1, 'task cancelled', at(3)).withdrawn).toBe(true);
    expect(withdraw(q, 1, 'again', at(4)).withdrawn).toBe(false);
    expect(q.current).toBeUndefined();
    expect(q.recent.map((o) => [o.number, o.outcome])).toEqual([
      [2, 'withdrawn'],
      [1, 'withdrawn'],
    ]);
  });

  it('keeps a compact history, and continue-as-new carries a valid copy of the whole state', () => {
    const q = emptyQueue('acme', 'shop', 'main');
    for (let n = 1; n <= RECENT_OUTCOMES + 5; n++) enqueue(q, { number: n, headSha: sha(n) }, at(n));
    enqueue(q, { number: 500, headSha: sha(500), dependsOn: [999] }, at(0));
    drain(q);
    expect(q.recent).toHaveLength(RECENT_OUTCOMES);
    expect(q.recent[0]?.number).toBe(6);
    const carried = carryOver(q);
    expect(carried).toEqual(q);
    expect(carried).not.toBe(q);
    expect(carried.waiting.map((e) => e.number)).toEqual([500]);
    expect(() => carryOver({ ...q, waiting: [{ number: -1 }] } as never)).toThrow();
  });
});

function mergeCurrentFromCi(q: MergeQueueState): void {
  const cur = q.current!;
  ciSettled(q, cur.number, cur.currentHead);
  checked(q, cur.number, OK, at(50));
  merged(q, cur.number, 'm', at(50));
}

describe('refusal codes: what a task can act on', () => {
  it("a guard refusal carries the guard's codes; the task re-briefs its agent only for what the agent can fix", () => {
    const q = emptyQueue('o', 'r', 'main');
    enqueue(q, { number: 1, headSha: sha(1), replyTo: 'task/adhoc/t1', settings: { method: 'rebase' } }, at(0));
    startNext(q, at(1));
    branchUpdated(q, 1, sha(1));
    ciSettled(q, 1, sha(1));
    const verdict: MergeVerdict = {
      ok: false,
      reasons: ['rita requested changes', 'the pull request is a draft'],
      problems: [
        { code: 'changes-requested', reason: 'rita requested changes' },
        { code: 'draft', reason: 'the pull request is a draft' },
      ],
      waiting: false,
    };
    expect(checked(q, 1, verdict, at(2)).next).toBe('refused');
    const outcome = q.recent.at(-1)!;
    expect(outcome.codes).toEqual(['changes-requested', 'draft']);
    expect(refusalNeedsAgent({ outcome: 'refused', codes: outcome.codes })).toBe(true);
    expect(refusalNeedsAgent({ outcome: 'refused', codes: ['draft', 'approval-missing'] })).toBe(false);
    expect(refusalNeedsAgent({ outcome: 'merged', codes: ['ci-failed'] })).toBe(false);
    // an explicit retry queues the same request again: where to reply and how to merge survive
    retry(q, 1, at(3));
    expect(q.waiting[0]).toMatchObject({ number: 1, replyTo: 'task/adhoc/t1', settings: { method: 'rebase' } });
  });
});
