import { describe, expect, it } from 'vitest';
import { queueChange, runChanges, stalledReason } from '../../src/cli/demo-pipeline-progress.js';
import type { ManifestRunState, TaskRow } from '../../src/domain/manifest-run.js';
import { emptyQueue, type MergeQueueState } from '../../src/domain/merge-queue.js';

const row = (id: string, status: TaskRow['status'], extra: Partial<TaskRow> = {}): TaskRow => ({
  id,
  phase: 'Open issues',
  title: id,
  status,
  workflowId: `task/d/${id}`,
  branch: `drover/d-${id}`,
  revisions: 0,
  attempts: 1,
  reason: 'why',
  ...extra,
});
const run = (tasks: TaskRow[]): ManifestRunState => ({
  name: 'd',
  gates: 'strict',
  slots: 3,
  paused: false,
  startedAt: '2026-12-02T10:00:00.000Z',
  tasks,
  log: [],
});

describe("the pipeline demo's progress lines", () => {
  it('says each status change once, with the PR and its base, and a re-brief', () => {
    const pr = {
      owner: 'o',
      repo: 'r',
      number: 6,
      url: 'u',
      base: 'drover/d-i1',
      baseAtOpen: 'drover/d-i1',
      head: 'abc1234',
      openedAt: 'now',
      state: 'open' as const,
    };
    const first = run([row('i1', 'running'), row('i2', 'blocked')]);
    expect(runChanges(undefined, first)).toEqual(['i1   — → running  why', 'i2   — → blocked  why']);
    expect(runChanges(first, first)).toEqual([]);
    const next = run([row('i1', 'running', { revisions: 1 }), row('i2', 'pr_open', { pullRequest: pr })]);
    expect(runChanges(first, next)).toEqual([
      'i1   re-briefed (1)  why',
      'i2   blocked → pr_open · PR #6 on drover/d-i1  why',
    ]);
  });

  it("says the queue's step when it changes, nothing for a queue that has not started", () => {
    const idle = emptyQueue('o', 'r', 'main');
    const busy: MergeQueueState = {
      ...idle,
      current: {
        number: 4,
        headSha: 'abc1234',
        dependsOn: [],
        enqueuedAt: 'now',
        step: 'waiting-ci',
        startedAt: 'now',
        currentHead: 'abc1234',
        updates: 0,
      },
    };
    expect(queueChange(undefined, idle)).toBeUndefined();
    expect(queueChange(idle, busy)).toBe('merge queue: PR #4 waiting-ci');
    expect(queueChange(busy, busy)).toBeUndefined();
    expect(queueChange(busy, { ...idle, mergedCount: 1 })).toBe('merge queue: idle, 1 merged');
  });

  it('calls a run stalled only when nothing moves, nothing may start and a task failed', () => {
    const failed = row('i2', 'error', { reason: 'GitHub refused' });
    expect(stalledReason(run([row('i1', 'merged'), failed, row('i3', 'merged')]), true)).toBe(
      'the run waits for a human: i2 error (GitHub refused)',
    );
    expect(stalledReason(run([row('i1', 'pr_open'), failed]), true)).toBeUndefined();
    expect(stalledReason(run([row('i1', 'pr_open'), failed]), false)).toContain('i2 error');
    expect(stalledReason(run([row('i1', 'running'), failed]), false)).toBeUndefined();
    expect(stalledReason(run([row('i1', 'pending', { reason: 'ready' }), failed]), false)).toBeUndefined();
    expect(stalledReason(run([row('i1', 'blocked'), failed]), false)).toContain('i2 error');
    expect(stalledReason(run([row('i1', 'merged'), row('i2', 'merged')]), true)).toBeUndefined();
    expect(stalledReason({ ...run([failed]), finishedAt: 'now' }, true)).toBeUndefined();
  });
});
