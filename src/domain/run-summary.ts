import type { ManifestRunState } from './manifest-run.js';

/** Counts per status, in the order statuses first appear in the table (deterministic). */
export function countByStatus(state: Pick<ManifestRunState, 'tasks'>): Array<[status: string, count: number]> {
  const counts = new Map<string, number>();
  for (const t of state.tasks) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  return [...counts.entries()];
}

/** The one line a finished manifest run is announced with, e.g. `all done: 8 tasks — 7 complete, 1 escalated`. */
export function runSummaryMessage(state: Pick<ManifestRunState, 'tasks'>, finished: boolean): string {
  const counts = countByStatus(state)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const total = `${state.tasks.length} task${state.tasks.length === 1 ? '' : 's'}`;
  return finished
    ? `all done: ${total} — ${counts}`
    : `run ended with unfinished tasks (no human answered): ${total} — ${counts}`;
}
