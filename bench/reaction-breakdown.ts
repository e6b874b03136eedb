/**
 * Where a reaction's time goes: from an agent's screen event (sim log clock) through the watch
 * activity's completion, the workflow task that decides, to the acting activity's start and the
 * keys arriving at the agent. Read from the task's Temporal history; same machine, same clock.
 */
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { stats } from './proc-stats.js';

const T = proto.temporal.api.enums.v1.EventType;

interface Ev {
  id: number;
  type: number;
  at: number;
  activity?: string;
  scheduledId?: number;
}

export async function historyEvents(handle: WorkflowHandle): Promise<Ev[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).map((e) => {
    const seconds = Number(e.eventTime?.seconds ?? 0);
    const at = seconds * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
    const scheduled = e.activityTaskScheduledEventAttributes;
    const scheduledId =
      e.activityTaskStartedEventAttributes?.scheduledEventId ??
      e.activityTaskCompletedEventAttributes?.scheduledEventId ??
      e.activityTaskFailedEventAttributes?.scheduledEventId ??
      e.activityTaskCanceledEventAttributes?.scheduledEventId;
    return {
      id: Number(e.eventId),
      type: Number(e.eventType),
      at,
      activity: scheduled?.activityType?.name ?? undefined,
      scheduledId: scheduledId == null ? undefined : Number(scheduledId),
    };
  });
}

/** Segments of the first reaction with activity `acting` (sendKeys, deliverText) after `from` (ms). */
export interface Segments {
  /** screen event → the watch activity's completion recorded */
  detect: number;
  /** watch completed → the deciding workflow task started */
  toWorkflowTask: number;
  /** that workflow task started → completed */
  workflowTask: number;
  /** acting activity scheduled → started on the host queue */
  toActivity: number;
  /** acting activity started → the agent saw the keys */
  act: number;
}

export function reactionSegments(
  events: Ev[],
  from: number,
  acting: string,
  arrivedAt: number | undefined,
): Segments | undefined {
  const byId = new Map(events.map((e) => [e.id, e]));
  const scheduled = events.find(
    (e) => e.type === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && e.activity === acting && e.at >= from,
  );
  if (!scheduled || arrivedAt === undefined) return undefined;
  const started = events.find((e) => e.type === T.EVENT_TYPE_ACTIVITY_TASK_STARTED && e.scheduledId === scheduled.id);
  // the workflow task that scheduled it, and the watch completion that woke it
  const wftCompleted = [...events]
    .reverse()
    .find((e) => e.id < scheduled.id && e.type === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  const wftStarted = [...events]
    .reverse()
    .find((e) => e.id < scheduled.id && e.type === T.EVENT_TYPE_WORKFLOW_TASK_STARTED);
  const watchDone = [...events]
    .reverse()
    .find(
      (e) =>
        e.id < scheduled.id &&
        (e.type === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED || e.type === T.EVENT_TYPE_ACTIVITY_TASK_CANCELED) &&
        byId.get(e.scheduledId ?? -1)?.activity === 'watchAgent',
    );
  if (!started || !wftCompleted || !wftStarted || !watchDone) return undefined;
  return {
    detect: watchDone.at - from,
    toWorkflowTask: wftStarted.at - watchDone.at,
    workflowTask: wftCompleted.at - wftStarted.at,
    toActivity: started.at - scheduled.at,
    act: arrivedAt - started.at,
  };
}

/**
 * A reaction the watch performed itself (watch-actions.ts): no acting activity follows the watch.
 * Returns how long after the keys reached the agent the workflow had recorded the action (the
 * watch's completion, then the workflow task that handles it), or undefined when the reaction
 * went through an acting activity instead.
 */
export function recordedAfterWatchAct(
  events: Ev[],
  from: number,
  acting: string,
  arrivedAt: number | undefined,
): number | undefined {
  if (arrivedAt === undefined) return undefined;
  const byId = new Map(events.map((e) => [e.id, e]));
  const watchDone = events.find(
    (e) =>
      e.at >= arrivedAt &&
      e.type === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED &&
      byId.get(e.scheduledId ?? -1)?.activity === 'watchAgent',
  );
  if (!watchDone) return undefined;
  const viaActivity = events.some(
    (e) =>
      e.type === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && e.activity === acting && e.at >= from && e.id < watchDone.id,
  );
  if (viaActivity) return undefined;
  const recorded = events.find((e) => e.id > watchDone.id && e.type === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  return recorded ? recorded.at - arrivedAt : undefined;
}

export function summarize(list: Segments[]): Record<keyof Segments, ReturnType<typeof stats>> {
  const keys: (keyof Segments)[] = ['detect', 'toWorkflowTask', 'workflowTask', 'toActivity', 'act'];
  return Object.fromEntries(keys.map((k) => [k, stats(list.map((s) => s[k]))])) as Record<
    keyof Segments,
    ReturnType<typeof stats>
  >;
}
