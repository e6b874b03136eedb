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

/** Polls until `stop()` is called; says each change with the time since the start. */
export function followPipeline(
  client: Client,
  ids: { manifest: string; queue: string },
  say: (line: string) => void,
): { stop(): Promise<void> } {
  const started = Date.now();
  const stamp = (): string => `  +${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s  `;
  let run: ManifestRunState | undefined;
  let queue: MergeQueueState | undefined;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const next = await client.workflow
        .getHandle(ids.manifest)
        .query(manifestStateQuery)
        .catch(() => undefined);
      if (next) {
        for (const line of runChanges(run, next)) say(stamp() + line);
        run = next;
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
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
