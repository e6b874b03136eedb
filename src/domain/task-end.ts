/**
 * How a task workflow ended, as `drover status`, `logs` and `cleanup` show it: a task that
 * finished on its own leaves its final phase and reason in its state (memo); a workflow that
 * failed, was terminated, timed out or was cancelled does not, so its execution status and the
 * reason Temporal recorded say it (issue 21: a task that failed in prepare showed
 * `preparing / creating the worktree` forever).
 */

/** Temporal's execution statuses (`WorkflowExecutionStatusName`), as plain strings. */
const CLOSED_WITHOUT_RESULT: Readonly<Record<string, string>> = {
  FAILED: 'failed',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed-out',
  CANCELLED: 'cancelled',
};

/** What a task's state says about itself (the fields this needs). */
export interface StateForEnd {
  phase: string;
  agentState: string;
  lastDecision: string;
  finishedAt?: string;
}

/** What is shown for a task: its phase, its agent, the last decision (or how it ended). */
export interface ShownTask {
  phase: string;
  agent: string;
  decision: string;
  /** The task has ended (however): nothing runs for it any more. */
  ended: boolean;
}

/**
 * The task as shown: `status` is the workflow's execution status from describe()/list();
 * `closeReason` what Temporal recorded for a workflow that ended without a result (failure
 * message, termination reason). An ended task's agent is `ended`, never `working`/`dialog`.
 */
export function shownTask(status: string, state: StateForEnd | undefined, closeReason?: string): ShownTask {
  const abnormal = CLOSED_WITHOUT_RESULT[status];
  if (abnormal !== undefined)
    return {
      phase: abnormal,
      agent: 'ended',
      decision: `workflow ${abnormal}: ${closeReason ?? 'no reason recorded'}${state ? ` (last: ${state.phase} · ${state.lastDecision})` : ''}`,
      ended: true,
    };
  if (!state)
    return { phase: status.toLowerCase(), agent: '', decision: closeReason ?? '', ended: status !== 'RUNNING' };
  const ended = status === 'COMPLETED' || state.finishedAt !== undefined;
  return { phase: state.phase, agent: ended ? 'ended' : state.agentState, decision: state.lastDecision, ended };
}
