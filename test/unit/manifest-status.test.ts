import { describe, expect, it } from 'vitest';
import { ManifestTaskSchema } from '../../src/domain/manifest-schema.js';
import {
  ACTIVE_STATUSES,
  DONE_STATUSES,
  RETRYABLE_STATUSES,
  TaskStatusSchema,
  WAITING_STATUSES,
  isDoneStatus,
  schedulingStatus,
  statusAtRunStart,
  statusOfResult,
  type TaskStatus,
} from '../../src/domain/manifest-status.js';
import { TaskResultStateSchema } from '../../src/domain/status.js';

const ALL = TaskStatusSchema.options;
/** Ended without the task's change and holding nothing: neither done, active nor waiting. */
const ENDED_UNDONE: TaskStatus[] = ['error', 'escalated'];

describe('manifest statuses', () => {
  it("accepts every status of the task-orchestrator convention's table (users' manifests)", () => {
    // the "Manifest Status Values" table of the task-orchestrator manifest convention
    const convention = ['pending', 'blocked', 'running', 'stuck', 'error', 'complete', 'pr_open', 'merged'];
    for (const status of convention)
      expect(ManifestTaskSchema.safeParse({ id: 't1', status }).success, status).toBe(true);
    expect(ManifestTaskSchema.safeParse({ id: 't1', status: 'done' }).success).toBe(false);
  });

  it('every status is exactly one of done, active, waiting, or ended without its change (a new one must be placed)', () => {
    for (const s of ALL) {
      const places = [
        DONE_STATUSES.has(s),
        ACTIVE_STATUSES.has(s),
        WAITING_STATUSES.has(s),
        ENDED_UNDONE.includes(s),
      ].filter(Boolean);
      expect(places.length, s).toBe(1);
    }
  });

  it('done = complete, pr_open, merged, skipped; active = running, stuck; waiting = pending, blocked', () => {
    expect([...DONE_STATUSES].sort()).toEqual(['complete', 'merged', 'pr_open', 'skipped']);
    expect([...ACTIVE_STATUSES].sort()).toEqual(['running', 'stuck']);
    expect([...WAITING_STATUSES].sort()).toEqual(['blocked', 'pending']);
  });

  it('a human may retry what ended without its change, a skipped task, or a stuck one; never a done or waiting one', () => {
    expect([...RETRYABLE_STATUSES].sort()).toEqual(['error', 'escalated', 'skipped', 'stuck']);
    for (const s of ['complete', 'pr_open', 'merged', 'pending', 'blocked', 'running'] as const)
      expect(RETRYABLE_STATUSES.has(s), s).toBe(false);
  });

  it('isDoneStatus reads stored rows: unknown strings are not done', () => {
    expect(isDoneStatus('merged')).toBe(true);
    expect(isDoneStatus('done')).toBe(false);
    expect(isDoneStatus('')).toBe(false);
  });
});

describe('from a task result to a manifest status', () => {
  it('maps every result state: done → complete, escalated → escalated, aborted → skipped, failed → error', () => {
    const mapped = Object.fromEntries(TaskResultStateSchema.options.map((s) => [s, statusOfResult(s)]));
    expect(mapped).toEqual({ done: 'complete', escalated: 'escalated', aborted: 'skipped', failed: 'error' });
    for (const s of Object.values(mapped)) expect(TaskStatusSchema.safeParse(s).success).toBe(true);
  });

  it('only a done task counts as done for its dependents; an escalated or failed one waits for a human', () => {
    expect(DONE_STATUSES.has(statusOfResult('done'))).toBe(true);
    expect(DONE_STATUSES.has(statusOfResult('escalated'))).toBe(false);
    expect(DONE_STATUSES.has(statusOfResult('failed'))).toBe(false);
    expect(RETRYABLE_STATUSES.has(statusOfResult('escalated'))).toBe(true);
    expect(RETRYABLE_STATUSES.has(statusOfResult('failed'))).toBe(true);
  });
});

describe('run start and scheduling', () => {
  it('a run keeps what the manifest already calls done and redoes the rest', () => {
    const start = Object.fromEntries(ALL.map((s) => [s, statusAtRunStart(s)]));
    expect(start).toEqual({
      pending: 'pending',
      blocked: 'pending',
      running: 'pending',
      stuck: 'pending',
      error: 'pending',
      complete: 'complete',
      pr_open: 'pr_open',
      merged: 'merged',
      escalated: 'pending',
      skipped: 'skipped',
    });
  });

  it('blocked is only shown: the scheduler sees it as pending, everything else unchanged', () => {
    for (const s of ALL) expect(schedulingStatus(s)).toBe(s === 'blocked' ? 'pending' : s);
  });
});
