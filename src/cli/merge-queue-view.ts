import { blockedBy, type MergeQueueState, type Outcome } from '../domain/merge-queue.js';

/**
 * How `drover merge status` and `drover status` show a merge queue: the PR in progress and its
 * step, the waiting PRs in order with what each waits for, and the recent outcomes with every
 * reason of a refusal. Pure: state in, text out.
 */

function ago(at: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(at)) / 1000));
  if (Number.isNaN(s)) return at;
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ago` : `${Math.floor(s / 3600)}h ago`;
}

const short = (sha: string): string => sha.slice(0, 10);

export function outcomeLine(o: Outcome, now: number): string {
  const what =
    o.outcome === 'merged'
      ? `merged${o.mergeCommit ? ` as ${short(o.mergeCommit)}` : ''}`
      : o.outcome === 'refused'
        ? 'refused'
        : 'withdrawn';
  const task = o.taskId ? ` (task ${o.taskId})` : '';
  return `#${o.number} ${what} at ${short(o.headSha)}${task} ${ago(o.at, now)}`;
}

export interface RenderQueueOptions {
  now?: number;
  /** Recent outcomes shown, newest first (default 10). */
  recent?: number;
  /** Only refusals among the recent outcomes (the `drover status` section). */
  refusalsOnly?: boolean;
}

export function renderMergeQueue(state: MergeQueueState, opts: RenderQueueOptions = {}): string {
  const now = opts.now ?? Date.now();
  const lines = [`merge queue ${state.owner}/${state.repo} → ${state.base} · ${state.mergedCount} merged`];
  const cur = state.current;
  lines.push(
    cur
      ? `  now      #${cur.number} ${cur.step} (head ${short(cur.currentHead)}, started ${ago(cur.startedAt, now)}${cur.updates > 0 ? `, updated ${cur.updates}×` : ''})`
      : '  now      —',
  );
  if (state.waiting.length === 0) lines.push('  waiting  —');
  state.waiting.forEach((e, i) => {
    const blocked = blockedBy(state, e);
    const why = blocked.length > 0 ? `waits for ${blocked.join(', ')}` : i === 0 && !cur ? 'next' : 'queued';
    lines.push(
      `  ${i === 0 ? 'waiting ' : '        '} #${e.number} at ${short(e.headSha)} · ${why} · ${ago(e.enqueuedAt, now)}`,
    );
  });
  const recent = [...state.recent]
    .reverse()
    .filter((o) => !opts.refusalsOnly || o.outcome === 'refused')
    .slice(0, opts.recent ?? 10);
  if (recent.length === 0) lines.push(opts.refusalsOnly ? '  refused  —' : '  recent   —');
  recent.forEach((o, i) => {
    lines.push(`  ${i === 0 ? (opts.refusalsOnly ? 'refused ' : 'recent  ') : '        '} ${outcomeLine(o, now)}`);
    for (const reason of o.reasons) lines.push(`             - ${reason}`);
  });
  return lines.join('\n');
}

/** `OWNER/REPO[/BASE]` of `drover merge status`: owner, repo, and the base (it may hold slashes). */
export function parseQueueFilter(
  text: string,
): { ok: true; owner: string; repo: string; base?: string } | { ok: false; error: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)(?:\/(.+))?$/.exec(text.trim());
  if (!m) return { ok: false, error: `"${text}" is not OWNER/REPO or OWNER/REPO/BASE (e.g. acme/widgets/main)` };
  return { ok: true, owner: m[1]!, repo: m[2]!, ...(m[3] ? { base: m[3] } : {}) };
}

/** The text (or JSON) of `drover merge status`; `drover status` shows the same. */
export function renderQueues(
  views: readonly { workflowId: string; state?: MergeQueueState; error?: string }[],
  opts: { refusalsOnly?: boolean } = {},
): string {
  return views
    .map((v) => (v.state ? renderMergeQueue(v.state, opts) : `${v.workflowId}: state not readable (${v.error})`))
    .join('\n\n');
}
