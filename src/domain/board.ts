import type { TaskState } from './task.js';
import { shownTask } from './task-end.js';
import { describeDialog, visible } from './visible-text.js';

/**
 * The fleet board's view of tasks (`drover board`): pure functions from what `drover status`
 * reads (the workflow list with its search attributes, the task's state query or its memo) to the
 * rows the browser shows, and the difference between two snapshots that is pushed to it.
 */

/** One task as the grid shows it; every text is escaped with `visible` (one line, no control codes). */
export interface BoardRow {
  workflowId: string;
  taskId: string;
  /** The manifest run (`task/<run>/<id>`), `adhoc`, or `pr` for a PR fix. */
  run: string;
  repo: string;
  agent: string;
  phase: string;
  agentState: string;
  status: string;
  ended: boolean;
  paused: boolean;
  startedAt?: string;
  finishedAt?: string;
  /** `1/2` (reported / required), or '' when unknown. */
  checkpoints: string;
  pr?: { label: string; url: string };
  lastDecision: string;
  /** The last lines of the agent's screen. */
  tail: string[];
  /** The dialog a human must answer: its description and its text as the agent shows it. */
  waiting?: { what: string; text: string[] };
}

/** What the workflow list says about a task before its state is read. */
export interface ListedTask {
  workflowId: string;
  status: string;
  startTime?: string;
  closeTime?: string;
  searchAttributes: Partial<
    Record<'DroverTaskId' | 'DroverRepo' | 'DroverPhase' | 'DroverAgentState' | 'DroverCli', string>
  >;
}

export const TAIL_LINES = 4;

/** Screen chrome that says nothing about the work: empty lines, box rules, an empty prompt, the shortcuts hint. */
const CHROME = [/^[\s─━│┃╭╮╰╯┌┐└┘>❯]*$/, /^\s*\? for shortcuts\s*$/];

/** The last `n` lines of a screen that carry content (the grid's screen cell), escaped. */
export function screenLines(tail: readonly string[], n = TAIL_LINES): string[] {
  return tail
    .filter((line) => !CHROME.some((re) => re.test(line)))
    .slice(-n)
    .map((line) => visible(line.trimEnd()));
}

/** `task/<run>/<id>` → run; `pr/o/r/n` → `pr`. */
export function runOf(workflowId: string): string {
  const [kind, run] = workflowId.split('/');
  return kind === 'task' && run ? run : (kind ?? '');
}

/** `closeReason`: what Temporal recorded for a workflow that ended without a result (task-read.ts `closeReason`). */
export function boardRow(listed: ListedTask, state: TaskState | undefined, closeReason?: string): BoardRow {
  const sa = listed.searchAttributes;
  // a running task's phase comes from the search attributes when they are fresher than the state read
  const live = listed.status === 'RUNNING' && sa.DroverPhase !== undefined;
  const shown = shownTask(listed.status, state, closeReason);
  const phase = live ? sa.DroverPhase! : shown.phase;
  const agentState = live ? (sa.DroverAgentState ?? shown.agent) : shown.agent;
  const pending = !shown.ended && phase === 'waiting-human' ? state?.pendingDialog : undefined;
  const pr = state?.pullRequest;
  return {
    workflowId: listed.workflowId,
    taskId: state?.taskId ?? sa.DroverTaskId ?? listed.workflowId.split('/').pop() ?? listed.workflowId,
    run: runOf(listed.workflowId),
    repo: state?.repo ?? sa.DroverRepo ?? '',
    agent: state?.agent ?? sa.DroverCli ?? '',
    phase,
    agentState,
    status: listed.status,
    ended: shown.ended,
    paused: state?.paused ?? false,
    ...((state?.startedAt ?? listed.startTime) ? { startedAt: state?.startedAt ?? listed.startTime } : {}),
    ...((state?.finishedAt ?? listed.closeTime) ? { finishedAt: state?.finishedAt ?? listed.closeTime } : {}),
    checkpoints: state ? `${state.checkpoints.length}/${state.steps.length}` : '',
    ...(pr
      ? {
          pr: {
            label: `#${pr.number} ${pr.refused?.length && pr.state === 'open' ? 'refused' : pr.state}`,
            url: pr.url,
          },
        }
      : {}),
    lastDecision: visible(shown.decision),
    tail: screenLines(state?.screenTail ?? []),
    ...(pending ? { waiting: { what: describeDialog(pending), text: pending.text.split('\n').map(visible) } } : {}),
  };
}

/** Waiting for a human first, then running, then ended; by task id within each. */
export function sortRows(rows: readonly BoardRow[]): BoardRow[] {
  const rank = (r: BoardRow) => (r.waiting ? 0 : r.ended ? 2 : 1);
  return [...rows].sort((a, b) => rank(a) - rank(b) || a.taskId.localeCompare(b.taskId));
}

/** What changed between two snapshots (by workflow id): rows to add or replace, ids to drop. */
export interface BoardDelta {
  upsert: BoardRow[];
  remove: string[];
}

export function boardDelta(before: ReadonlyMap<string, BoardRow>, after: ReadonlyMap<string, BoardRow>): BoardDelta {
  const upsert: BoardRow[] = [];
  for (const [id, row] of after) {
    const old = before.get(id);
    if (!old || JSON.stringify(old) !== JSON.stringify(row)) upsert.push(row);
  }
  const remove = [...before.keys()].filter((id) => !after.has(id));
  return { upsert, remove };
}

/**
 * Whether a running task's state must be read again now: never read, its phase or agent state
 * moved in the search attributes, or its last read is older than `everyMs`.
 */
export function needsRead(
  listed: ListedTask,
  last: { phase: string; agentState: string; at: number } | undefined,
  now: number,
  everyMs: number,
): boolean {
  if (!last) return true;
  const sa = listed.searchAttributes;
  if (sa.DroverPhase !== undefined && sa.DroverPhase !== last.phase) return true;
  if (sa.DroverAgentState !== undefined && sa.DroverAgentState !== last.agentState) return true;
  return now - last.at >= everyMs;
}

/** A manifest run as a DAG: each task's depth (longest chain of dependencies before it). */
export function dagLevels(tasks: readonly { id: string; dependsOn: readonly string[] }[]): Map<string, number> {
  const deps = new Map(tasks.map((t) => [t.id, t.dependsOn.filter((d) => tasks.some((x) => x.id === d))]));
  const level = new Map<string, number>();
  const visit = (id: string, seen: Set<string>): number => {
    const known = level.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0; // a cycle (refused by manifest validation): do not loop
    seen.add(id);
    const d = Math.max(-1, ...(deps.get(id) ?? []).map((x) => visit(x, seen))) + 1;
    level.set(id, d);
    return d;
  };
  for (const t of tasks) visit(t.id, new Set());
  return level;
}
