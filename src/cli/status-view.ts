import type { TaskState } from '../domain/task.js';
import { shownTask, type ShownTask } from '../domain/task-end.js';
import { describeUsage } from '../domain/usage.js';
import { describeDialog, visible } from '../domain/visible-text.js';

function elapsed(from: string, to?: string): string {
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60
    ? `${s}s`
    : s < 3600
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The task's PR in a table cell: `#12 open`, `#12 merged`, `#12 refused`. */
export function prCell(state: Pick<TaskState, 'pullRequest'>): string {
  const pr = state.pullRequest;
  if (!pr) return '';
  return `#${pr.number} ${pr.refused && pr.refused.length > 0 && pr.state === 'open' ? 'refused' : pr.state}`;
}

export const STATUS_HEADER = ['TASK', 'PHASE', 'AGENT', 'STEPS', 'ELAPSED', 'PR', 'LAST DECISION'];

/** The dialog a human must answer, whole and escaped, with the policy's reason (never cut: it is what gets approved). */
export function waitingLine(s: Pick<TaskState, 'taskId' | 'pendingDialog'>): string | undefined {
  if (!s.pendingDialog) return undefined;
  return `WAITING ${describeDialog(s.pendingDialog)} → drover approve|deny ${s.taskId}`;
}

/**
 * One task as one table row (every cell on one line: what the agent printed is escaped). `shown`:
 * how the task ended when its workflow did not finish on its own (domain/task-end.ts).
 */
export function statusRow(
  workflowId: string,
  state: TaskState | undefined,
  status: string,
  shown: ShownTask = shownTask(status, state),
): string[] {
  if (!state) return [workflowId, shown.phase, shown.agent, '', '', '', visible(shown.decision).slice(0, 200)];
  const waiting = shown.ended ? undefined : waitingLine(state);
  return [
    workflowId,
    shown.phase,
    shown.agent,
    `${state.checkpoints.length}/${state.steps.length}`,
    elapsed(state.startedAt, state.finishedAt),
    prCell(state),
    waiting ?? visible(shown.decision).slice(0, shown.ended && shown.phase !== state.phase ? 200 : 70),
  ];
}

/** `46,310 tokens (input …, output …) · budget 40,000`, or what is known of the two. */
export function usageLine(s: Pick<TaskState, 'usage' | 'budget'>): string {
  const used = s.usage ? describeUsage(s.usage) : 'not read yet';
  return s.budget?.tokens !== undefined ? `${used} · budget ${s.budget.tokens.toLocaleString('en-US')} tokens` : used;
}

export function describeTask(
  workflowId: string,
  s: TaskState,
  webUi: string,
  shown: ShownTask = shownTask('RUNNING', s),
): string {
  const lines = [
    `task        ${s.taskId}   (${workflowId})`,
    `phase       ${shown.phase}${s.paused ? ' (paused)' : ''}`,
    `agent       ${s.agent} · ${shown.agent}${s.sessionId ? ` · session ${s.sessionId}` : ''}`,
    `host        ${s.host ?? '—'}${s.paneId ? ` · pane ${s.paneId}` : ''}`,
    `worktree    ${s.worktree ?? '—'}`,
    `branch      ${s.branch}${s.commit ? ` @ ${s.commit.slice(0, 10)}` : ''}`,
    `checkpoints ${s.checkpoints.join(', ') || '—'}  (required: ${s.steps.join(', ') || 'none'})`,
    `revisions   ${s.revisions} · nudges ${s.nudges} · crashes ${s.crashes}`,
    `elapsed     ${elapsed(s.startedAt, s.finishedAt)}${s.briefSubmittedAt ? ` · brief submitted ${elapsed(s.startedAt, s.briefSubmittedAt)} after start` : ''}`,
    `decision    ${visible(shown.decision)}`,
  ];
  if (s.usage || s.budget?.tokens !== undefined) lines.push(`usage       ${usageLine(s)}`);
  if (s.budget?.wallSeconds !== undefined) lines.push(`wall budget ${s.budget.wallSeconds}s from the start`);
  if (s.ports)
    lines.push(
      `ports       ${s.ports.start}-${s.ports.start + s.ports.count - 1} (DROVER_PORT / PORT ${s.ports.start})`,
    );
  if (s.setup)
    lines.push(
      `setup       ${[...s.setup.copied.map((c) => `copied ${c}`), ...s.setup.steps.map((st) => `\`${st.argv.join(' ')}\` exit ${st.exitCode ?? '-'} (${st.seconds}s)`)].join(', ')}${s.setup.failure ? ` · FAILED: ${visible(s.setup.failure)}` : ''}`,
    );
  if (s.pr) {
    const summaries = s.summaries.map((x) => `r${x.revision} ${x.verdict} @ ${x.sha.slice(0, 10)}`).join(', ');
    lines.push(
      `pr          ${s.pr.owner}/${s.pr.repo}#${s.pr.number} · threads answered ${s.answeredThreads.length}${s.threadReports.length ? ` (+${s.threadReports.length} to answer)` : ''}${summaries ? ` · summaries ${summaries}` : ''}`,
    );
  }
  if (s.pullRequest) {
    const pr = s.pullRequest;
    lines.push(
      `pull req.   ${pr.owner}/${pr.repo}#${pr.number} ${pr.url} · ${pr.state} · base ${pr.base}${pr.mergeCommit ? ` · merge commit ${pr.mergeCommit.slice(0, 10)}` : ''}`,
    );
    if (pr.refused && pr.refused.length > 0)
      lines.push(`merge       refused by the merge queue:`, ...pr.refused.map((r) => `              - ${r}`));
  }
  if (s.moves && s.moves.length > 0)
    lines.push(
      `moves       ${s.moves.map((m) => `${m.from} → ${m.to} at ${m.at} (${m.reason})`).join('\n            ')}`,
    );
  const waiting = shown.ended ? undefined : waitingLine(s);
  if (waiting) lines.push(waiting.replace(/^WAITING /, 'WAITING     '));
  if (s.lastVerification.length > 0)
    lines.push(`verify      ${s.lastVerification.map((r) => visible(r)).join('\n            ')}`);
  if (s.dialogs.length > 0)
    lines.push(
      `dialogs     ${s.dialogs.map((d) => `${d.kind}:${d.decision}(${d.decidedBy}${d.rule ? `: ${d.rule}` : ''})`).join(', ')}`,
    );
  lines.push(`web ui      ${webUi}`);
  if (s.screenTail.length > 0) lines.push('screen      ┄┄┄', ...s.screenTail.map((l) => `  ${visible(l)}`));
  return lines.join('\n');
}
