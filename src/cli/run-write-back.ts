import type { TaskRow } from '../domain/manifest-run.js';
import { afterWrite, writeBackBaseline, writeBackUpdates, type TaskUpdate } from '../domain/manifest-updates.js';
import { writeBack } from './manifest-write-back.js';

/**
 * `drover run --write-back`: while the run is followed, each change of a task row (status, PR
 * number, started and completed times, worktree, tmux session) is written into the manifest file.
 * A failed write (the file does not parse right now) is reported and tried again with the next
 * snapshot; the run goes on either way.
 */
export class ManifestWriteBack {
  private written: TaskUpdate[] | undefined;
  private reportedMissing = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly warn: (line: string) => void,
  ) {}

  /** Writes what changed since the last write; returns the task ids written. */
  async sync(rows: readonly TaskRow[]): Promise<string[]> {
    this.written ??= writeBackBaseline(rows);
    const updates = writeBackUpdates(this.written, rows);
    if (updates.length === 0) return [];
    try {
      const result = await writeBack(this.file, updates);
      for (const id of result.missing)
        if (!this.reportedMissing.has(id)) {
          this.reportedMissing.add(id);
          this.warn(`write-back: task ${id} is not in ${this.file} any more; its status is not written`);
        }
      this.written = afterWrite(this.written, updates);
      return result.applied;
    } catch (error) {
      this.warn(`write-back: ${(error as Error).message}`);
      return [];
    }
  }
}
