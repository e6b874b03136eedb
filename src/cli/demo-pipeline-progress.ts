/**
 * `drover demo pipeline`'s progress lines: each task's status changes (with its PR) and the merge
 * queue's current step, read by polling the manifest run's and the queue's state queries.
 */
import type { Client } from '@temporalio/client';
import type { ManifestRunState } from '../domain/manifest-run.js';
import type { MergeQueueState } from '../domain/merge-queue.js';
import { manifestStateQuery } from '../workflows/manifest.js';
import { mergeQueueStateQuery } from '../workflows/merge-queue-messages.js';

/** One line per change between two snapshots of the run (pure). */
export function runChanges(before: ManifestRunState | undefined, after: ManifestRunState): string[] {
  const out: string[] = [];
  for (const row of after.tasks) {
    const prev = before?.tasks.find((t) => t.id === row.id);
    const pr = row.pullRequest;
    const prNote = pr ? ` · PR #${pr.number} on ${pr.base}` : '';
    if (!prev || prev.status !== row.status)
      out.push(`${row.id.padEnd(4)} ${prev?.status ?? '—'} → ${row.status}${prNote}  ${row.reason}`);
    else if (prev.revisions !== row.revisions)
      out.push(`${row.id.padEnd(4)} re-briefed (${row.revisions})  ${row.reason}`);
  }
  return out;
}

/** The queue's step line, when it changed (pure). */
export function queueChange(before: MergeQueueState | undefined, after: MergeQueueState): string | undefined {
  const describe = (q: MergeQueueState | undefined): string =>
    q?.current
      ? `merge queue: PR #${q.current.number} ${q.current.step}`
      : `merge queue: idle, ${q?.mergedCount ?? 0} merged`;
  const now = describe(after);
  return before === undefined && !after.current ? undefined : now === describe(before) ? undefined : now;
}

/**
 * Why the run can only wait for a human now, or undefined (pure): nothing runs or may start, a task
 * failed, and (when merging) no PR still waits for the queue. The run itself then waits days for
 * `drover retry`/`skip`; the demo reports instead of waiting.
 */
export function stalledReason(state: ManifestRunState, merge: boolean): string | undefined {
  const moving = new Set(['running', 'stuck', ...(merge ? ['pr_open'] : [])]);
  if (state.finishedAt || state.tasks.some((t) => moving.has(t.status))) return undefined;
  if (state.tasks.some((t) => t.status === 'pending' && t.reason === 'ready')) return undefined;
  const failed = state.tasks.filter((t) => t.status === 'error' || t.status === 'escalated');
  if (failed.length === 0) return undefined;
  return `the run waits for a human: ${failed.map((t) => `${t.id} ${t.status} (${t.reason})`).join('; ')}`;
}

export interface PipelineFollower {
  /** Resolves with the run's state once it stalled (stalledReason, seen twice in a row). */
  stalled: Promise<{ state: ManifestRunState; reason: string }>;
  stop(): Promise<void>;
}

/** Polls until `stop()` is called; says each change with the time since the start. */
export function followPipeline(
  client: Client,
  ids: { manifest: string; queue: string },
  say: (line: string) => void,
  merge: boolean,
): PipelineFollower {
  const started = Date.now();
  const stamp = (): string => `  +${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s  `;
  let run: ManifestRunState | undefined;
  let queue: MergeQueueState | undefined;
  let stopped = false;
  let stalls = 0;
  let onStall: (s: { state: ManifestRunState; reason: string }) => void = () => undefined;
  const stalled = new Promise<{ state: ManifestRunState; reason: string }>((resolve) => (onStall = resolve));
  const loop = (async () => {
    while (!stopped) {
      const next = await client.workflow
        .getHandle(ids.manifest)
        .query(manifestStateQuery)
        .catch(() => undefined);
      if (next) {
        for (const line of runChanges(run, next)) say(stamp() + line);
        run = next;
        const why = stalledReason(next, merge);
        stalls = why ? stalls + 1 : 0;
        if (why && stalls === 2) onStall({ state: next, reason: why });
      }
      const q = await client.workflow
        .getHandle(ids.queue)
        .query(mergeQueueStateQuery)
        .catch(() => undefined);
      if (q) {
        const line = queueChange(queue, q);
        if (line) say(stamp() + line);
        queue = q;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return {
    stalled,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
