import type { ManifestRunState, TaskRow } from '../domain/manifest-run.js';
import { isDoneStatus } from '../domain/manifest-status.js';
import { pullRequestLines, pullRequestNote } from '../domain/run-summary.js';

function elapsed(row: TaskRow, now: number): string {
  if (!row.startedAt) return '';
  const ms = (row.finishedAt ? Date.parse(row.finishedAt) : now) - Date.parse(row.startedAt);
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function progressBar(state: ManifestRunState, width = 30): string {
  const done = state.tasks.filter((t) => isDoneStatus(t.status)).length;
  const total = state.tasks.length;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total}`;
}

/** The live table `drover run` redraws on a terminal. */
export function renderTable(state: ManifestRunState, now = Date.now()): string {
  const rows = [
    ['TASK', 'PHASE', 'STATUS', 'ELAPSED', 'REV', 'PR', 'NOTE'],
    ...state.tasks.map((t) => [
      t.id,
      t.phase,
      t.status,
      elapsed(t, now),
      String(t.revisions),
      t.pullRequest ? `#${t.pullRequest.number}` : '',
      t.reason.slice(0, 60),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  const header = `manifest ${state.name} · gates ${state.gates} · slots ${state.slots}${state.paused ? ' · PAUSED' : ''}`;
  const prs = pullRequestLines(state);
  return [header, ...lines, ...(prs.length > 0 ? ['', ...prs] : []), '', progressBar(state)].join('\n');
}

/** The row's reason, with its PR's number and URL and any merge refusal's reasons when the reason lacks them. */
export function withPullRequest(t: Pick<TaskRow, 'reason' | 'pullRequest'>): string {
  const pr = t.pullRequest;
  if (!pr) return t.reason;
  const parts = [t.reason];
  if (!t.reason.includes(pr.url)) parts.push(`PR #${pr.number} ${pr.url} (${pr.state})`);
  if (pr.refused && pr.refused.length > 0 && !t.reason.includes('merge refused'))
    parts.push(`merge refused: ${pr.refused.join('; ')}`);
  return parts.join(' · ');
}

export interface RowChange {
  task: string;
  from: string | null;
  to: string;
  note: string;
  /** The task's PR when it has one: number, URL, state and a merge refusal's reasons. */
  pullRequest?: { number: number; url: string; state: string; refused?: string[] };
}

/** Changes between two snapshots (a new status, or a PR opened, merged or refused), as plain lines (non-TTY output) or events (`--json`). */
export function diffStates(before: ManifestRunState | undefined, after: ManifestRunState): RowChange[] {
  const out: RowChange[] = [];
  for (const t of after.tasks) {
    const prev = before?.tasks.find((p) => p.id === t.id);
    const prNow = pullRequestNote(t);
    if (!prev || prev.status !== t.status || pullRequestNote(prev) !== prNow) {
      const pr = t.pullRequest;
      out.push({
        task: t.id,
        from: prev?.status ?? null,
        to: t.status,
        note: withPullRequest(t),
        ...(pr
          ? {
              pullRequest: {
                number: pr.number,
                url: pr.url,
                state: pr.state,
                ...(pr.refused ? { refused: pr.refused } : {}),
              },
            }
          : {}),
      });
    }
  }
  return out;
}
