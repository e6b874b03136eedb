import { describe, expect, it } from 'vitest';
import type { TaskRow } from '../../src/domain/manifest-run.js';
import { afterWrite, factsOfRow, writeBackBaseline, writeBackUpdates } from '../../src/domain/manifest-updates.js';
import { runSummaryMessage } from '../../src/domain/run-summary.js';
import { diffStates } from '../../src/cli/manifest-progress.js';

const row = (id: string, patch: Partial<TaskRow> = {}): TaskRow => ({
  id,
  phase: 'one',
  title: id,
  status: 'pending',
  workflowId: `task/run/${id}`,
  branch: `drover/run-${id}`,
  revisions: 0,
  attempts: 0,
  reason: 'waiting',
  ...patch,
});
const pr = (number: number, extra: object = {}) => ({
  owner: 'acme',
  repo: 'widgets',
  number,
  url: `https://github.com/acme/widgets/pull/${number}`,
  base: 'main',
  baseAtOpen: 'main',
  head: 'f'.repeat(40),
  openedAt: '2026-03-01T10:05:00Z',
  state: 'open' as const,
  ...extra,
});

describe('write-back updates from run rows', () => {
  it('maps pullRequest.number → prNumber and finishedAt → completedAt (finished statuses only)', () => {
    expect(
      factsOfRow(
        row('a', {
          status: 'pr_open',
          startedAt: 'S',
          finishedAt: 'F',
          pullRequest: pr(7),
          worktree: '/w',
          tmuxSession: 'drover:a',
        }),
      ),
    ).toEqual({
      id: 'a',
      status: 'pr_open',
      startedAt: 'S',
      finishedAt: 'F',
      prNumber: 7,
      worktree: '/w',
      tmuxSession: 'drover:a',
    });
    const [running] = writeBackUpdates([], [row('a', { status: 'running', startedAt: 'S', finishedAt: 'old' })]);
    expect(running).toEqual({ taskId: 'a', fields: { status: 'running', startedAt: 'S' } });
  });

  it('the run start stamps nothing on waiting tasks; each change after that is written once', () => {
    const first = [row('a'), row('b', { status: 'blocked' }), row('c', { status: 'running', startedAt: 'S0' })];
    let written = writeBackBaseline(first);
    const initial = writeBackUpdates(written, first);
    expect(initial.map((u) => u.taskId)).toEqual(['c']);
    written = afterWrite(written, initial);
    expect(writeBackUpdates(written, first)).toEqual([]);

    const next = [
      row('a', { status: 'running', startedAt: 'S1' }),
      first[1]!,
      row('c', { status: 'pr_open', startedAt: 'S0', finishedAt: 'F0', pullRequest: pr(9) }),
    ];
    const changed = writeBackUpdates(written, next);
    expect(changed).toEqual([
      { taskId: 'a', fields: { status: 'running', startedAt: 'S1' } },
      { taskId: 'c', fields: { status: 'pr_open', prNumber: 9, startedAt: 'S0', completedAt: 'F0' } },
    ]);
    written = afterWrite(written, changed);
    expect(writeBackUpdates(written, next)).toEqual([]);
  });
});

describe('run progress and summary show the PRs', () => {
  const base = { name: 'run', gates: 'strict' as const, slots: 2, paused: false, startedAt: 'S', log: [] };

  it('a progress line when a PR opens or the queue refuses it, with number, URL and every reason', () => {
    const before = { ...base, tasks: [row('a', { status: 'running' })] };
    const opened = { ...base, tasks: [row('a', { status: 'pr_open', reason: 'verified', pullRequest: pr(7) })] };
    const [c1] = diffStates(before, opened);
    expect(c1).toMatchObject({ task: 'a', from: 'running', to: 'pr_open', pullRequest: { number: 7, state: 'open' } });
    expect(c1!.note).toBe('verified · PR #7 https://github.com/acme/widgets/pull/7 (open)');
    const refused = {
      ...base,
      tasks: [
        row('a', { status: 'pr_open', reason: 'verified', pullRequest: pr(7, { refused: ['behind main', 'CI red'] }) }),
      ],
    };
    const [c2] = diffStates(opened, refused);
    expect(c2!.note).toContain('merge refused: behind main; CI red');
    expect(c2!.pullRequest!.refused).toEqual(['behind main', 'CI red']);
    expect(diffStates(refused, refused)).toEqual([]);
  });

  it('the summary lists each PR under the counts (and is unchanged without PRs)', () => {
    const tasks = [
      row('a', { status: 'merged', pullRequest: pr(7, { state: 'merged' }) }),
      row('b', { status: 'pr_open', pullRequest: pr(8, { refused: ['CI red'] }) }),
      row('c', { status: 'complete' }),
    ];
    expect(runSummaryMessage({ tasks }, true)).toBe(
      [
        'all done: 3 tasks — 1 merged, 1 pr_open, 1 complete',
        '  a: PR #7 https://github.com/acme/widgets/pull/7 (merged)',
        '  b: PR #8 https://github.com/acme/widgets/pull/8 (open) · merge refused: CI red',
      ].join('\n'),
    );
    expect(runSummaryMessage({ tasks: [row('c', { status: 'complete' })] }, true)).toBe(
      'all done: 1 task — 1 complete',
    );
  });
});
