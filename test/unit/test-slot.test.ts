import { describe, expect, it } from 'vitest';
import { testSlotWorkflowId, validateSlotName } from '../../src/domain/identifiers.js';
import {
  RECENT_LIMIT,
  emptySlot,
  enqueue,
  expireLease,
  grantNext,
  leaseLeftMs,
  release,
  type SlotRequest,
} from '../../src/domain/test-slot.js';

const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const req = (id: string, leaseSeconds = 60): SlotRequest => ({
  holderWorkflowId: `task/adhoc/${id}`,
  requestId: `r-${id}`,
  leaseSeconds,
  requestedAt: t0.toISOString(),
});

describe('test slot state', () => {
  it('grants in FIFO order, one holder at a time', () => {
    const s = emptySlot('default');
    for (const id of ['a', 'b', 'c']) expect(enqueue(s, req(id)).queued).toBe(true);
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { granted } = grantNext(s, at(i));
      expect(granted).toBeDefined();
      expect(grantNext(s, at(i)).granted).toBeUndefined(); // held: nobody else
      order.push(granted!.requestId);
      expect(release(s, granted!.requestId, 'done', at(i + 0.5)).released).toBe('holder');
    }
    expect(order).toEqual(['r-a', 'r-b', 'r-c']);
    expect(s.grants).toBe(3);
    expect(s.queue).toEqual([]);
    expect(s.recent.map((r) => r.requestId)).toEqual(['r-a', 'r-b', 'r-c']);
    expect(grantNext(s, at(9)).granted).toBeUndefined();
  });

  it('the grant carries a lease deadline from the grant time', () => {
    const s = emptySlot('x');
    enqueue(s, req('a', 90));
    const { granted } = grantNext(s, at(10));
    expect(granted?.grantedAt).toBe(at(10).toISOString());
    expect(granted?.leaseDeadline).toBe(at(100).toISOString());
    expect(leaseLeftMs(s, at(40))).toBe(60_000);
  });

  it('a duplicate request (same requestId) is queued once, also while holding and after release', () => {
    const s = emptySlot('x');
    expect(enqueue(s, req('a')).queued).toBe(true);
    expect(enqueue(s, req('a')).queued).toBe(false);
    expect(s.queue).toHaveLength(1);
    grantNext(s, at(0));
    expect(enqueue(s, req('a')).queued).toBe(false);
    expect(s.queue).toHaveLength(0);
    release(s, 'r-a', 'done', at(1));
    expect(enqueue(s, req('a')).queued).toBe(false); // a late retry of the request activity
    expect(grantNext(s, at(2)).granted).toBeUndefined();
  });

  it('releases are idempotent; releasing a queued request withdraws it', () => {
    const s = emptySlot('x');
    enqueue(s, req('a'));
    enqueue(s, req('b'));
    enqueue(s, req('c'));
    grantNext(s, at(0));
    expect(release(s, 'r-b', 'gave up waiting', at(1)).released).toBe('queued');
    expect(release(s, 'r-b', 'again', at(1)).released).toBe('none');
    expect(release(s, 'r-zzz', 'unknown', at(1)).released).toBe('none');
    expect(s.holder?.requestId).toBe('r-a');
    expect(release(s, 'r-a', 'done', at(2)).released).toBe('holder');
    expect(release(s, 'r-a', 'done', at(2)).released).toBe('none');
    expect(grantNext(s, at(3)).granted?.requestId).toBe('r-c');
    expect(s.grants).toBe(2);
  });

  it('the lease expires at its deadline, not before, and the next request is granted', () => {
    const s = emptySlot('x');
    enqueue(s, req('a', 30));
    enqueue(s, req('b', 30));
    grantNext(s, at(0));
    expect(expireLease(s, at(29.999)).expired).toBeUndefined();
    expect(s.holder?.requestId).toBe('r-a');
    const { expired } = expireLease(s, at(30));
    expect(expired?.requestId).toBe('r-a');
    expect(s.holder).toBeUndefined();
    expect(s.recent.at(-1)?.reason).toBe('lease of 30s exceeded');
    expect(leaseLeftMs(s, at(30))).toBeUndefined();
    expect(grantNext(s, at(30)).granted?.requestId).toBe('r-b');
  });

  it('remembers a bounded number of finished requests', () => {
    const s = emptySlot('x');
    for (let i = 0; i < RECENT_LIMIT + 10; i++) {
      enqueue(s, req(`n${i}`));
      grantNext(s, at(i));
      release(s, `r-n${i}`, 'done', at(i));
    }
    expect(s.recent).toHaveLength(RECENT_LIMIT);
    expect(s.recent[0]?.requestId).toBe('r-n10');
  });

  it('refuses a malformed request', () => {
    expect(() => enqueue(emptySlot('x'), { ...req('a'), leaseSeconds: 0 })).toThrow();
    expect(() => enqueue(emptySlot('x'), { ...req('a'), requestId: '' })).toThrow();
  });

  it('slot workflow ids use validated names', () => {
    expect(testSlotWorkflowId('default')).toBe('test-slot/default');
    expect(validateSlotName('a/b').ok).toBe(false);
    expect(() => testSlotWorkflowId('../x')).toThrow(/slot name/);
  });
});
