import type { ManifestRunState, TaskRow } from '../domain/manifest-run.js';
import { isDoneStatus } from '../domain/manifest-status.js';

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
    ['TASK', 'PHASE', 'STATUS', 'ELAPSED', 'REV', 'NOTE'],
    ...state.tasks.map((t) => [t.id, t.phase, t.status, elapsed(t, now), String(t.revisions), t.reason.slice(0, 60)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  const header = `manifest ${state.name} · gates ${state.gates} · slots ${state.slots}${state.paused ? ' · PAUSED' : ''}`;
  return [header, ...lines, '', progressBar(state)].join('\n');
}

/** Changes between two snapshots, as plain lines (non-TTY output) or events (`--json`). */
export function diffStates(
  before: ManifestRunState | undefined,
  after: ManifestRunState,
): { task: string; from: string | null; to: string; note: string }[] {
  const out: { task: string; from: string | null; to: string; note: string }[] = [];
  for (const t of after.tasks) {
    const prev = before?.tasks.find((p) => p.id === t.id);
    if (!prev || prev.status !== t.status)
      out.push({ task: t.id, from: prev?.status ?? null, to: t.status, note: t.reason });
  }
  return out;
}
