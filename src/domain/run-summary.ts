import type { ManifestRunState, TaskRow } from './manifest-run.js';

/** Counts per status, in the order statuses first appear in the table (deterministic). */
export function countByStatus(state: Pick<ManifestRunState, 'tasks'>): Array<[status: string, count: number]> {
  const counts = new Map<string, number>();
  for (const t of state.tasks) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  return [...counts.entries()];
}

/**
 * How a finished manifest run is announced: one line, e.g. `all done: 8 tasks — 7 complete, 1
 * escalated`, then one line per task with a pull request (number, URL, state, a merge refusal's reasons).
 */
export function runSummaryMessage(state: Pick<ManifestRunState, 'tasks'>, finished: boolean): string {
  return [runSummaryLine(state, finished), ...pullRequestLines(state).map((l) => `  ${l}`)].join('\n');
}

function runSummaryLine(state: Pick<ManifestRunState, 'tasks'>, finished: boolean): string {
  const counts = countByStatus(state)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const total = `${state.tasks.length} task${state.tasks.length === 1 ? '' : 's'}`;
  return finished
    ? `all done: ${total} — ${counts}`
    : `run ended with unfinished tasks (no human answered): ${total} — ${counts}`;
}

/** A row's pull request in one line: `PR #12 https://… (open)`, and a merge refusal with every reason. */
export function pullRequestNote(row: Pick<TaskRow, 'pullRequest'>): string {
  const pr = row.pullRequest;
  if (!pr) return '';
  const refused = pr.refused && pr.refused.length > 0 ? ` · merge refused: ${pr.refused.join('; ')}` : '';
  return `PR #${pr.number} ${pr.url} (${pr.state})${refused}`;
}

/** One line per task with a pull request (`id: PR #N url (state)`, refusals with their reasons); none without PRs. */
export function pullRequestLines(state: Pick<ManifestRunState, 'tasks'>): string[] {
  return state.tasks.filter((t) => t.pullRequest).map((t) => `${t.id}: ${pullRequestNote(t)}`);
}
