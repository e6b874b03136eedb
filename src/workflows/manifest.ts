import { ParentClosePolicy, condition, continueAsNew, defineQuery, defineSignal, patched, setHandler, startChild, workflowInfo, type ChildWorkflowHandle } from '@temporalio/workflow';
import { branchForTask, taskWorkflowId } from '../domain/identifiers.js';
import { ManifestRunInputSchema, type ManifestRunInput, type ManifestRunState, type TaskRow } from '../domain/manifest-run.js';
import { ManifestSchema, defaultObjective, type Manifest, type TaskStatus } from '../domain/manifest-schema.js';
import { runSummaryMessage } from '../domain/run-summary.js';
import { blockedReason, isFinished, nextTasks } from '../domain/scheduler.js';
import type { TaskInput, TaskResult } from '../domain/task.js';
import { sharedActivities } from './activity-proxies.js';
import type { agentTaskWorkflow } from './agent-task.js';

export const manifestStateQuery = defineQuery<ManifestRunState>('manifestState');
export const manifestPauseSignal = defineSignal('manifestPause');
export const manifestResumeSignal = defineSignal('manifestResume');
export const retryTaskSignal = defineSignal<[taskId: string]>('retryTask');
export const skipTaskSignal = defineSignal<[taskId: string]>('skipTask');

const DONE: TaskStatus[] = ['complete', 'pr_open', 'merged', 'skipped'];

function statusOf(result: TaskResult): TaskStatus {
  if (result.state === 'done') return 'complete';
  if (result.state === 'escalated') return 'escalated';
  if (result.state === 'aborted') return 'skipped';
  return 'error';
}

/**
 * A task DAG (docs/design.md §2): starts each ready task as a child AgentTaskWorkflow, as the pure
 * scheduler allows (dependencies, shared files, phase gates, slots), and keeps a status table.
 */
export async function manifestWorkflow(rawInput: ManifestRunInput, carried?: ManifestRunState): Promise<ManifestRunState> {
  const input = ManifestRunInputSchema.parse(rawInput);
  const manifest: Manifest = ManifestSchema.parse(input.manifest);
  const tasks = manifest.phases.flatMap((p) => p.tasks.map((t) => ({ task: t, phase: p.name })));
  const state: ManifestRunState = carried ?? {
    name: input.name,
    gates: input.gates,
    slots: input.slots,
    paused: false,
    startedAt: new Date().toISOString(),
    tasks: tasks.map(({ task, phase }) => ({
      id: task.id,
      phase,
      title: task.title ?? task.id,
      status: DONE.includes(task.status) ? task.status : 'pending',
      workflowId: taskWorkflowId(task.id, input.name),
      branch: task.branch ?? branchForTask(`${input.name}-${task.id}`),
      revisions: 0,
      attempts: 0,
      reason: DONE.includes(task.status) ? 'done before this run (manifest status)' : 'waiting',
    })),
    log: [],
  };
  const row = (id: string): TaskRow => state.tasks.find((t) => t.id === id)!;
  const statuses = (): Record<string, TaskStatus> => Object.fromEntries(state.tasks.map((t) => [t.id, (t.status === 'blocked' ? 'pending' : t.status) as TaskStatus]));
  let changes = 0;
  const running = new Map<string, ChildWorkflowHandle<typeof agentTaskWorkflow>>();

  setHandler(manifestStateQuery, () => state);
  setHandler(manifestPauseSignal, () => {
    state.paused = true;
    changes += 1;
  });
  setHandler(manifestResumeSignal, () => {
    state.paused = false;
    changes += 1;
  });
  setHandler(retryTaskSignal, (id) => {
    const t = state.tasks.find((r) => r.id === id);
    if (t && ['error', 'escalated', 'stuck', 'skipped'].includes(t.status)) {
      t.status = 'pending';
      t.reason = 'retry requested by a human';
      changes += 1;
    }
  });
  setHandler(skipTaskSignal, (id) => {
    const t = state.tasks.find((r) => r.id === id);
    if (t && (t.status === 'pending' || t.status === 'blocked')) {
      t.status = 'skipped';
      t.reason = 'skipped by a human';
      changes += 1;
    }
  });

  const launch = async (id: string) => {
    const entry = tasks.find((t) => t.task.id === id)!;
    const t = row(id);
    const childInput: TaskInput = {
      taskId: `${input.name}-${id}`,
      repo: input.repo,
      baseRef: input.baseRef,
      branch: t.branch,
      objective: entry.task.objective ?? defaultObjective(entry.task),
      steps: entry.task.steps ?? [],
      agent: entry.task.agent ?? input.agent,
      ...(input.scenarios[id] !== undefined ? { scenario: input.scenarios[id] } : {}),
      ...(input.policy ? { policy: input.policy } : {}),
      ...(entry.task.validate ? { validate: { argv: entry.task.validate } } : {}), // under test slot `default`
    };
    t.status = 'running';
    t.attempts += 1;
    t.startedAt = new Date().toISOString();
    t.finishedAt = undefined;
    t.reason = 'agent working';
    state.log.push({ at: t.startedAt, task: id, event: 'start' });
    const handle = await startChild<typeof agentTaskWorkflow>('agentTaskWorkflow', {
      workflowId: t.workflowId + (t.attempts > 1 ? `#${t.attempts}` : ''),
      args: [childInput],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    running.set(id, handle);
    handle.result().then(
      (result) => {
        t.status = statusOf(result);
        t.commit = result.commit;
        t.revisions = result.revisions;
        t.reason = result.reason;
      },
      (error: Error) => {
        t.status = 'error';
        // "Child Workflow execution failed" says nothing: the causes below it say why
        t.reason = failureChain(error);
      },
    ).finally(() => {
      running.delete(id);
      t.finishedAt = new Date().toISOString();
      state.log.push({ at: t.finishedAt, task: id, event: 'end', status: t.status });
      changes += 1;
    });
  };

  const explainWaiting = () => {
    for (const t of state.tasks) {
      if (t.status !== 'pending' && t.status !== 'blocked') continue;
      const why = state.paused ? 'run paused' : blockedReason(manifest, statuses(), t.id, { slots: input.slots, gates: input.gates });
      t.status = why ? 'blocked' : 'pending';
      t.reason = why ?? 'ready';
    }
  };

  explainWaiting();
  for (;;) {
    if (isFinished(manifest, statuses()) && running.size === 0) break;
    if (!state.paused) {
      for (const id of nextTasks(manifest, statuses(), { slots: input.slots, gates: input.gates })) await launch(id);
    }
    explainWaiting();
    if (running.size === 0 && !state.paused && nextTasks(manifest, statuses(), { slots: input.slots, gates: input.gates }).length === 0) {
      // Nothing runs and nothing can start: the rest waits on failed tasks; a human may retry or skip.
      const seen = changes;
      const answered = await condition(() => changes > seen, '7 days');
      if (!answered) break;
      continue;
    }
    if (workflowInfo().continueAsNewSuggested && running.size === 0) await continueAsNew<typeof manifestWorkflow>(rawInput, state);
    const seen = changes;
    await condition(() => changes > seen);
  }
  state.finishedAt = new Date().toISOString();
  // Runs that ended before this notification existed replay without it (queries on finished runs).
  if (patched('manifest-all-done-notification')) {
    try {
      await sharedActivities.notify({ taskId: input.name, level: 'all-done', message: runSummaryMessage(state, isFinished(manifest, statuses())) });
    } catch {
      // a notifier that stays unreachable must not turn a finished run into a failed one
    }
  }
  return state;
}

/** An error's message and its causes' (child workflow → activity → application failure), joined. */
function failureChain(error: Error): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message);
  return parts.filter((m, i) => m !== '' && parts.indexOf(m) === i).join(': ');
}
