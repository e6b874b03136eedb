import { z } from 'zod';

/**
 * The state of one test slot (a mutex over a shared resource, docs/design.md §2 TestSlot), as pure
 * transitions on plain data: the slot workflow only sequences them. FIFO grants, one holder with
 * a lease, idempotent requests and releases (keyed by requestId).
 */

/** Where the holder's validation process runs, so the slot can stop it when it revokes the lease. */
export const SlotOwnerSchema = z.object({ hostQueue: z.string().min(1), taskId: z.string().min(1) });
export type SlotOwner = z.infer<typeof SlotOwnerSchema>;

export const SlotRequestSchema = z.object({
  holderWorkflowId: z.string().min(1),
  requestId: z.string().min(1),
  leaseSeconds: z.number().positive(),
  /** ISO time the request was made (by the requester). */
  requestedAt: z.string(),
  owner: SlotOwnerSchema.optional(),
});
export type SlotRequest = z.infer<typeof SlotRequestSchema>;

export const SlotHolderSchema = SlotRequestSchema.extend({
  grantedAt: z.string(),
  leaseDeadline: z.string(),
});
export type SlotHolder = z.infer<typeof SlotHolderSchema>;

export const SlotReleaseSchema = z.object({ requestId: z.string().min(1), reason: z.string().optional() });
export type SlotRelease = z.infer<typeof SlotReleaseSchema>;

export const FinishedGrantSchema = z.object({
  requestId: z.string(),
  holderWorkflowId: z.string(),
  grantedAt: z.string().optional(),
  endedAt: z.string(),
  reason: z.string(),
});
export type FinishedGrant = z.infer<typeof FinishedGrantSchema>;

export const SlotStateSchema = z.object({
  name: z.string(),
  holder: SlotHolderSchema.optional(),
  queue: z.array(SlotRequestSchema),
  /** Grants ever made on this slot (across continue-as-new). */
  grants: z.number().int().nonnegative(),
  /** The most recent ends (grant released/revoked, or request withdrawn), newest last. */
  recent: z.array(FinishedGrantSchema),
});
export type SlotState = z.infer<typeof SlotStateSchema>;

/** Finished requests remembered: a late duplicate of one of them is ignored, not queued again. */
export const RECENT_LIMIT = 200;

export function emptySlot(name: string): SlotState {
  return { name, queue: [], grants: 0, recent: [] };
}

function known(state: SlotState, requestId: string): boolean {
  return (
    state.holder?.requestId === requestId ||
    state.queue.some((r) => r.requestId === requestId) ||
    state.recent.some((r) => r.requestId === requestId)
  );
}

function remember(state: SlotState, entry: FinishedGrant): void {
  state.recent.push(entry);
  if (state.recent.length > RECENT_LIMIT) state.recent.splice(0, state.recent.length - RECENT_LIMIT);
}

/** Queues a request at the back. A requestId seen before (queued, holding or finished) changes nothing. */
export function enqueue(state: SlotState, request: SlotRequest): { state: SlotState; queued: boolean } {
  const parsed = SlotRequestSchema.parse(request);
  if (known(state, parsed.requestId)) return { state, queued: false };
  state.queue.push(parsed);
  return { state, queued: true };
}

/**
 * Ends a request: the holder's grant is released, a queued request is withdrawn. Unknown or
 * already finished ids change nothing (a retried release is harmless).
 */
export function release(
  state: SlotState,
  requestId: string,
  reason: string,
  now: Date,
): { state: SlotState; released: 'holder' | 'queued' | 'none' } {
  if (state.holder?.requestId === requestId) {
    const h = state.holder;
    remember(state, {
      requestId,
      holderWorkflowId: h.holderWorkflowId,
      grantedAt: h.grantedAt,
      endedAt: now.toISOString(),
      reason,
    });
    state.holder = undefined;
    return { state, released: 'holder' };
  }
  const index = state.queue.findIndex((r) => r.requestId === requestId);
  if (index >= 0) {
    const [r] = state.queue.splice(index, 1);
    remember(state, { requestId, holderWorkflowId: r!.holderWorkflowId, endedAt: now.toISOString(), reason });
    return { state, released: 'queued' };
  }
  return { state, released: 'none' };
}

/** When the slot is free, the oldest queued request becomes the holder with its lease. */
export function grantNext(state: SlotState, now: Date): { state: SlotState; granted?: SlotHolder } {
  if (state.holder || state.queue.length === 0) return { state };
  const next = state.queue.shift()!;
  const holder: SlotHolder = {
    ...next,
    grantedAt: now.toISOString(),
    leaseDeadline: new Date(now.getTime() + next.leaseSeconds * 1000).toISOString(),
  };
  state.holder = holder;
  state.grants += 1;
  return { state, granted: holder };
}

/** Milliseconds until the holder's lease ends (0 when it has ended); undefined when free. */
export function leaseLeftMs(state: SlotState, now: Date): number | undefined {
  if (!state.holder) return undefined;
  return Math.max(0, Date.parse(state.holder.leaseDeadline) - now.getTime());
}

/** Revokes the holder's grant when its lease has passed. */
export function expireLease(state: SlotState, now: Date): { state: SlotState; expired?: SlotHolder } {
  const left = leaseLeftMs(state, now);
  if (left === undefined || left > 0) return { state };
  const holder = state.holder!;
  release(state, holder.requestId, `lease of ${holder.leaseSeconds}s exceeded`, now);
  return { state, expired: holder };
}
