import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SharedActivities } from '../activities/index.js';
import {
  emptyRegistry,
  HOST_LIVE_SECONDS,
  HostHeartbeatSchema,
  PlacementRequestSchema,
  promoteWaiting,
  recordHeartbeat,
  registryView,
  release,
  requestPlacement,
  type RegistryState,
} from '../domain/hosts.js';
import {
  hostHeartbeatSignal,
  hostReadySignal,
  hostReleaseSignal,
  hostsQuery,
  placeTaskUpdate,
} from './host-registry-messages.js';

export interface HostRegistryInput {
  state?: RegistryState;
  liveSeconds?: number;
  /** How often slots of ended task workflows are reclaimed. */
  reconcileSeconds?: number;
  /** Continue-as-new after this many history events (or when the server suggests it). */
  maxHistoryEvents?: number;
}

/** Workflow time (deterministic: the time of the current workflow task). */
const now = () => new Date().getTime();

const reconciling = proxyActivities<SharedActivities>({ startToCloseTimeout: '60s', retry: { maximumAttempts: 3 } });

/**
 * The host registry (docs/design.md §3), one per shared task queue (id `hosts/<queue>`): workers
 * heartbeat their capacity into it, task workflows take a slot by update and give it back by
 * signal. Handlers never await, so a placement is atomic: two tasks never get the same last slot.
 */
export async function hostRegistryWorkflow(input: HostRegistryInput = {}): Promise<void> {
  const state = input.state ?? emptyRegistry();
  const liveSeconds = input.liveSeconds ?? HOST_LIVE_SECONDS;
  const reconcileMs = (input.reconcileSeconds ?? 60) * 1000;
  const maxEvents = input.maxHistoryEvents ?? 2000;
  const toNotify: string[] = [];
  const serveQueue = () => toNotify.push(...promoteWaiting(state, now(), liveSeconds));

  setHandler(hostHeartbeatSignal, (beat) => {
    recordHeartbeat(state, HostHeartbeatSchema.parse(beat), now());
    serveQueue();
  });
  setHandler(hostReleaseSignal, ({ workflowId }) => {
    if (release(state, workflowId)) serveQueue();
  });
  setHandler(
    placeTaskUpdate,
    (req) => {
      const { placement, promoted } = requestPlacement(state, req, now(), liveSeconds);
      toNotify.push(...promoted);
      return placement;
    },
    { validator: (req) => void PlacementRequestSchema.parse(req) },
  );
  setHandler(hostsQuery, () => registryView(state, liveSeconds));

  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > maxEvents;
  let lastReconcile = now();
  for (;;) {
    await condition(() => toNotify.length > 0 || historyFull(), reconcileMs);
    while (toNotify.length > 0) {
      const workflowId = toNotify.shift()!;
      // a waiting task that ended meanwhile: its slot is reclaimed by the next reconcile
      await getExternalWorkflowHandle(workflowId)
        .signal(hostReadySignal)
        .catch(() => undefined);
    }
    if (historyFull()) {
      await condition(allHandlersFinished);
      if (toNotify.length === 0) await continueAsNew<typeof hostRegistryWorkflow>({ ...input, state });
      continue;
    }
    if (now() - lastReconcile < reconcileMs) continue;
    lastReconcile = now();
    const ids = [
      ...new Set([...state.assignments.map((a) => a.workflowId), ...state.waiting.map((w) => w.workflowId)]),
    ];
    if (ids.length === 0) continue;
    const { ended } = await reconciling.endedWorkflows({ workflowIds: ids });
    for (const id of ended) release(state, id);
    if (ended.length > 0) serveQueue();
  }
}
