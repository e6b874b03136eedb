import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { testSlotWorkflowId } from '../domain/identifiers.js';
import type { SlotOwner } from '../domain/test-slot.js';
import { sharedActivities } from './activity-proxies.js';
import { slotGrantedSignal, slotReleaseSignal, slotRevokedSignal, type SlotGrant } from './test-slot-messages.js';

export interface SlotOptions {
  slot: string;
  leaseSeconds: number;
  /** How long to wait for the grant before giving up. */
  waitSeconds: number;
  /** Where the work runs, so the slot can stop it when it revokes the lease. */
  owner?: SlotOwner;
  /** Checked while waiting and working: true stops both (e.g. the task was aborted). */
  stop?: () => boolean;
}

export type SlotUse<T> = { requestId: string; requestedAt: string } & (
  | { outcome: 'ran'; grant: SlotGrant; value: T }
  | { outcome: 'revoked'; grant: SlotGrant; reason: string }
  | { outcome: 'no-slot'; reason: string }
  | { outcome: 'stopped'; grant?: SlotGrant }
);

/**
 * The workflow side of a test slot: request (through an activity, which can signalWithStart),
 * wait for the grant signal, run the work in a cancellation scope that a revocation cancels, and
 * always release (also when the wait timed out: that withdraws the queued request). Create one per
 * workflow run: it owns the grant/revoke signal handlers.
 */
export class TestSlotClient {
  private readonly grants = new Map<string, SlotGrant>();
  private readonly revoked = new Map<string, string>();

  constructor() {
    setHandler(slotGrantedSignal, (grant) => void this.grants.set(grant.requestId, grant));
    setHandler(slotRevokedSignal, (revocation) => void this.revoked.set(revocation.requestId, revocation.reason));
  }

  async withSlot<T>(options: SlotOptions, work: (grant: SlotGrant) => Promise<T>): Promise<SlotUse<T>> {
    const requestId = uuid4();
    const requestedAt = new Date().toISOString();
    const stopped = () => options.stop?.() === true;
    const base = { requestId, requestedAt };
    await sharedActivities.requestTestSlot({
      slot: options.slot,
      request: {
        holderWorkflowId: workflowInfo().workflowId,
        requestId,
        leaseSeconds: options.leaseSeconds,
        requestedAt,
        owner: options.owner,
      },
    });
    try {
      await condition(() => this.grants.has(requestId) || stopped(), `${options.waitSeconds}s`);
      const grant = this.grants.get(requestId);
      if (!grant)
        return stopped()
          ? { ...base, outcome: 'stopped' }
          : {
              ...base,
              outcome: 'no-slot',
              reason: `test slot ${options.slot} was not granted within ${options.waitSeconds}s`,
            };
      const scope = new CancellationScope();
      scope
        .run(() => condition(() => this.revoked.has(requestId) || stopped()))
        .then(
          () => scope.cancel(),
          () => undefined,
        );
      try {
        const value = await scope.run(() => work(grant));
        return { ...base, outcome: 'ran', grant, value };
      } catch (error) {
        if (!isCancellation(error) || CancellationScope.current().consideredCancelled) throw error;
        const reason = this.revoked.get(requestId);
        if (reason !== undefined) return { ...base, outcome: 'revoked', grant, reason };
        return { ...base, outcome: 'stopped', grant };
      } finally {
        scope.cancel();
      }
    } finally {
      await CancellationScope.nonCancellable(() =>
        getExternalWorkflowHandle(testSlotWorkflowId(options.slot))
          .signal(slotReleaseSignal, { requestId, reason: 'released by the holder' })
          .catch(() => undefined),
      );
    }
  }
}
