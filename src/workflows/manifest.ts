import {
  ParentClosePolicy,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  patched,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import {
  ManifestRunInputSchema,
  type ManifestRunInput,
  type ManifestRunState,
  type TaskRow,
} from '../domain/manifest-run.js';
import {
  attemptWorkflowId,
  childTaskId,
  childTaskInput,
  failurePatch,
  pullRequestPatch,
  initialRunState,
  manifestEntries,
  resultPatch,
  retryPatch,
  schedulingStatuses,
  skipPatch,
  startPatch,
  waitingPatches,
  type ResolvedManifestRunInput,
  type RowPatch,
} from '../domain/manifest-rows.js';
import { ManifestSchema, type Manifest } from '../domain/manifest-schema.js';
import { runSummaryMessage } from '../domain/run-summary.js';
import { isFinished, nextTasks, type ScheduleOptions } from '../domain/scheduler.js';
import type { TaskPullRequest } from '../domain/pr-pipeline.js';
import { sharedActivities } from './activity-proxies.js';
import { taskPullRequestSignal, taskStartedSignal } from './manifest-messages.js';
import { dependencyMovedSignal } from './task-messages.js';
import type { agentTaskWorkflow } from './agent-task.js';

export const manifestStateQuery = defineQuery<ManifestRunState>('manifestState');
export const manifestPauseSignal = defineSignal('manifestPause');
export const manifestResumeSignal = defineSignal('manifestResume');
export const retryTaskSignal = defineSignal<[taskId: string]>('retryTask');
export const skipTaskSignal = defineSignal<[taskId: string]>('skipTask');

/**
 * A task DAG (docs/design.md §2): starts each ready task as a child AgentTaskWorkflow, as the pure
 * scheduler allows (dependencies, shared files, phase gates, slots), and keeps a status table.
 * Reads as its phases: open the table, schedule until nothing is left to do, announce the end.
 */
export async function manifestWorkflow(
  rawInput: ManifestRunInput,
  carried?: ManifestRunState,
): Promise<ManifestRunState> {
  const run = new ManifestRun(rawInput, carried);
  run.answerHumans();
  await run.schedule();
  return run.finish();
}

/** One run's status table, its running children, and the count of changes the loop waits on. */
class ManifestRun {
  private readonly input: ResolvedManifestRunInput;
  private readonly manifest: Manifest;
  private readonly opts: ScheduleOptions;
  private readonly state: ManifestRunState;
  private readonly running = new Map<string, ChildWorkflowHandle<typeof agentTaskWorkflow>>();
  /** Bumped by every change the loop may act on (a child ended, a human signalled). */
  private changes = 0;

  constructor(
    private readonly rawInput: ManifestRunInput,
    carried: ManifestRunState | undefined,
  ) {
    this.input = ManifestRunInputSchema.parse(rawInput);
    this.manifest = ManifestSchema.parse(this.input.manifest);
    this.opts = { slots: this.input.slots, gates: this.input.gates };
    this.state = carried ?? initialRunState(this.input, this.manifest, new Date().toISOString());
  }

  /** The status query, pause/resume, and a human's retry or skip of one task. */
  answerHumans(): void {
    setHandler(manifestStateQuery, () => this.state);
    setHandler(manifestPauseSignal, () => this.setPaused(true));
    setHandler(manifestResumeSignal, () => this.setPaused(false));
    setHandler(retryTaskSignal, (id) => this.patchIfAllowed(id, retryPatch));
    setHandler(skipTaskSignal, (id) => this.patchIfAllowed(id, skipPatch));
    setHandler(taskPullRequestSignal, ({ taskId, pullRequest }) => this.prChanged(taskId, pullRequest));
    setHandler(taskStartedSignal, ({ taskId, worktree, tmuxSession }) => this.started(taskId, worktree, tmuxSession));
  }

  /** A running child's PR opened (and passed its gate), moved or merged: its row shows it; dependents may start. */
  private prChanged(childId: string, pr: TaskPullRequest): void {
    const row = this.state.tasks.find((r) => childTaskId(this.input, r.id) === childId);
    if (!row || !this.running.has(row.id)) return;
    const before = row.pullRequest;
    Object.assign(row, pullRequestPatch(pr));
    this.changes += 1;
    if (before && before.head !== pr.head && pr.state === 'open') this.restackDependents(row, pr.head);
  }

  /** A running child's agent is spawned: its row says where (for --write-back). */
  private started(childId: string, worktree?: string, tmuxSession?: string): void {
    const row = this.state.tasks.find((r) => childTaskId(this.input, r.id) === childId);
    if (!row || !this.running.has(row.id)) return;
    Object.assign(row, { ...(worktree ? { worktree } : {}), ...(tmuxSession ? { tmuxSession } : {}) });
    this.changes += 1;
  }

  /** A dependency's PR has a new verified head (a review fix): each running dependent follows it. */
  private restackDependents(row: TaskRow, newHead: string): void {
    for (const { task } of manifestEntries(this.manifest)) {
      const child = this.running.get(task.id);
      if (!child || !(task.dependsOn ?? []).includes(row.id)) continue;
      this.state.log.push({ at: new Date().toISOString(), task: task.id, event: 'restack' });
      // a dependent that ended meanwhile is brought up to date by the merge queue when it merges
      void child.signal(dependencyMovedSignal, { taskId: row.id, branch: row.branch, newHead }).catch(() => undefined);
    }
  }

  /** Starts what may start, waits for a change, again; ends when all is done or nobody answers a stalled run. */
  async schedule(): Promise<void> {
    this.explainWaiting();
    for (;;) {
      if (this.finished() && this.running.size === 0) return;
      if (!this.state.paused) {
        for (const id of this.startable()) await this.launch(id);
      }
      this.explainWaiting();
      if (this.running.size === 0 && !this.state.paused && this.startable().length === 0) {
        // Nothing runs and nothing can start: the rest waits on failed tasks; a human may retry or skip.
        if (!(await this.nextChange('7 days'))) return;
        continue;
      }
      if (workflowInfo().continueAsNewSuggested && this.running.size === 0)
        await continueAsNew<typeof manifestWorkflow>(this.rawInput, this.state);
      await this.nextChange();
    }
  }

  /** Stamps the end and announces it (the summary line), returning the final table. */
  async finish(): Promise<ManifestRunState> {
    this.state.finishedAt = new Date().toISOString();
    // Runs that ended before this notification existed replay without it (queries on finished runs).
    if (patched('manifest-all-done-notification')) {
      try {
        await sharedActivities.notify({
          taskId: this.input.name,
          level: 'all-done',
          message: runSummaryMessage(this.state, this.finished()),
        });
      } catch {
        // a notifier that stays unreachable must not turn a finished run into a failed one
      }
    }
    return this.state;
  }

  /** Starts one task's next attempt as a child workflow and records how it ends, when it does. */
  private async launch(id: string): Promise<void> {
    const entry = manifestEntries(this.manifest).find((e) => e.task.id === id)!;
    const row = this.row(id);
    const childInput = childTaskInput(this.input, entry.task, row, this.state.tasks);
    Object.assign(row, startPatch(row, new Date().toISOString()));
    this.state.log.push({ at: row.startedAt!, task: id, event: 'start' });
    const handle = await startChild<typeof agentTaskWorkflow>('agentTaskWorkflow', {
      workflowId: attemptWorkflowId(row),
      args: [childInput],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    this.running.set(id, handle);
    handle
      .result()
      .then(
        (result) => Object.assign(row, resultPatch(result)),
        // "Child Workflow execution failed" says nothing: the causes below it say why
        (error: Error) => Object.assign(row, failurePatch(failureChain(error))),
      )
      .finally(() => this.ended(row));
  }

  private ended(row: TaskRow): void {
    this.running.delete(row.id);
    row.finishedAt = new Date().toISOString();
    this.state.log.push({ at: row.finishedAt, task: row.id, event: 'end', status: row.status });
    this.changes += 1;
  }

  /** Marks each waiting task `blocked` (with why) or `pending` (ready). */
  private explainWaiting(): void {
    for (const { id, patch } of waitingPatches(this.manifest, this.state, this.opts))
      Object.assign(this.row(id), patch);
  }

  /** Resolves true after the next change, false when `timeout` passes first. */
  private nextChange(timeout?: string): Promise<boolean> {
    const seen = this.changes;
    return timeout === undefined
      ? condition(() => this.changes > seen).then(() => true)
      : condition(() => this.changes > seen, timeout);
  }

  private setPaused(paused: boolean): void {
    this.state.paused = paused;
    this.changes += 1;
  }

  private patchIfAllowed(id: string, decide: (row: TaskRow) => RowPatch | undefined): void {
    const row = this.state.tasks.find((r) => r.id === id);
    const patch = row && decide(row);
    if (row && patch) {
      Object.assign(row, patch);
      this.changes += 1;
    }
  }

  private startable(): string[] {
    return nextTasks(this.manifest, schedulingStatuses(this.state.tasks), this.opts);
  }

  private finished(): boolean {
    return isFinished(this.manifest, schedulingStatuses(this.state.tasks));
  }

  private row(id: string): TaskRow {
    return this.state.tasks.find((t) => t.id === id)!;
  }
}

/** An error's message and its causes' (child workflow → activity → application failure), joined. */
function failureChain(error: Error): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message);
  return parts.filter((m, i) => m !== '' && parts.indexOf(m) === i).join(': ');
}
