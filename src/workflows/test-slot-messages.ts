import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SlotRelease, SlotRequest, SlotState } from '../domain/test-slot.js';

/** To the slot: queue a request (idempotent by requestId). Sent with signalWithStart by requestTestSlot. */
export const slotRequestSignal = defineSignal<[SlotRequest]>('slotRequest');
/** To the slot: end a grant or withdraw a queued request (idempotent). */
export const slotReleaseSignal = defineSignal<[SlotRelease]>('slotRelease');
/** The slot's holder, lease, queue in order, grant count and recent ends. */
export const slotStateQuery = defineQuery<SlotState>('slotState');

export interface SlotGrant {
  slot: string;
  requestId: string;
  grantedAt: string;
  leaseDeadline: string;
}
export interface SlotRevocation {
  slot: string;
  requestId: string;
  reason: string;
}
/** To the holder workflow: its request is granted until leaseDeadline. */
export const slotGrantedSignal = defineSignal<[SlotGrant]>('slotGranted');
/** To the holder workflow: its grant was revoked (lease exceeded); stop using the resource. */
export const slotRevokedSignal = defineSignal<[SlotRevocation]>('slotRevoked');
