import {
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  SlotReleaseSchema,
  SlotRequestSchema,
  emptySlot,
  enqueue,
  grantNext,
  leaseLeftMs,
  release,
  type SlotHolder,
  type SlotState,
} from '../domain/test-slot.js';
import { reaperActivities, sharedActivities } from './activity-proxies.js';
import {
  slotGrantedSignal,
  slotReleaseSignal,
  slotRequestSignal,
  slotRevokedSignal,
  slotStateQuery,
} from './test-slot-messages.js';

export interface TestSlotInput {
  name: string;
  /** Grants per run before continue-as-new (history stays short). */
  maxGrantsPerRun?: number;
  /** How often the holder's workflow is checked for being gone. */
  holderPollSeconds?: number;
}

/**
 * The mutex over one shared test resource (docs/design.md §2 TestSlot), id `test-slot/<name>`: FIFO grants
 * by signal to the requesting workflow, one holder at a time with a lease. The grant ends when the
 * holder releases it, when the holder's workflow is gone, or when the lease passes (revoked: the
 * holder is told and its validation process stopped on its host before the next grant).
 */
export async function testSlotWorkflow(input: TestSlotInput, carried?: SlotState): Promise<void> {
  const maxGrants = input.maxGrantsPerRun ?? 100;
  const pollSeconds = input.holderPollSeconds ?? 2;
  const state: SlotState = carried ?? emptySlot(input.name);
  let grantsThisRun = 0;
  const now = () => new Date();

  setHandler(slotStateQuery, () => state);
  setHandler(slotRequestSignal, (raw) => {
    const parsed = SlotRequestSchema.safeParse(raw);
    if (parsed.success) enqueue(state, parsed.data);
  });
  setHandler(slotReleaseSignal, (raw) => {
    const parsed = SlotReleaseSchema.safeParse(raw);
    if (parsed.success) release(state, parsed.data.requestId, parsed.data.reason ?? 'released by the holder', now());
  });

  /**
   * Ends a grant the holder did not release: record why, tell the holder (if it still runs), and
   * stop its process on its host before the main loop grants the next request.
   */
  const endGrant = async (holder: SlotHolder, reason: string, tellHolder: boolean) => {
    release(state, holder.requestId, reason, now());
    if (tellHolder) {
      await getExternalWorkflowHandle(holder.holderWorkflowId)
        .signal(slotRevokedSignal, { slot: state.name, requestId: holder.requestId, reason })
        .catch(() => undefined);
    }
    if (holder.owner) {
      await reaperActivities(holder.owner.hostQueue)
        .stopValidation({ taskId: holder.owner.taskId })
        .catch(() => undefined); // the host is gone too: its watchdog ends the process at its timeout, before the lease
    }
  };

  /** Waits until the holder releases, its workflow ends, or its lease passes. */
  const superviseHolder = async (holder: SlotHolder) => {
    const scope = new CancellationScope();
    let gone: string | undefined;
    scope
      .run(() => sharedActivities.waitForWorkflowEnd({ workflowId: holder.holderWorkflowId, pollSeconds }))
      .then(
        (r) => void (gone = r.status),
        () => undefined,
      );
    const stillHolding = () => state.holder?.requestId === holder.requestId;
    await condition(() => !stillHolding() || gone !== undefined, Math.max(1, leaseLeftMs(state, now()) ?? 1));
    scope.cancel();
    if (!stillHolding()) return;
    if (gone !== undefined) await endGrant(holder, `holder workflow ${gone.toLowerCase().replace(/_/g, ' ')}`, false);
    else await endGrant(holder, `lease of ${holder.leaseSeconds}s exceeded`, true);
  };

  for (;;) {
    if (!state.holder && (grantsThisRun >= maxGrants || workflowInfo().continueAsNewSuggested)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof testSlotWorkflow>(input, state);
    }
    const { granted } = grantNext(state, now());
    if (granted) {
      grantsThisRun += 1;
      try {
        await getExternalWorkflowHandle(granted.holderWorkflowId).signal(slotGrantedSignal, {
          slot: state.name,
          requestId: granted.requestId,
          grantedAt: granted.grantedAt,
          leaseDeadline: granted.leaseDeadline,
        });
      } catch {
        release(state, granted.requestId, 'holder workflow is gone', now());
      }
      continue; // the holder may have released while the grant was on its way
    }
    if (state.holder) {
      await superviseHolder(state.holder);
      continue;
    }
    await condition(() => state.holder !== undefined || state.queue.length > 0, '24h');
  }
}
