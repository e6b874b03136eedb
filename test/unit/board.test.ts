import { describe, expect, it } from 'vitest';
import {
  boardDelta,
  boardRow,
  dagLevels,
  needsRead,
  runOf,
  screenLines,
  sortRows,
  type ListedTask,
} from '../../src/domain/board.js';
import { humanDecisionText, humanDialogReason, HumanAnswerSchema } from '../../src/domain/human-answer.js';
import type { TaskState } from '../../src/domain/task.js';
import { taskStartMetadata } from '../../src/domain/task-metadata.js';

const state = (over: Partial<TaskState> = {}): TaskState => ({
  taskId: 'fix-calc',
  phase: 'supervising',
  agentState: 'working',
  agent: 'claude',
  agentChain: ['claude'],
  handoffs: [],
  repo: '/src/calc',
  branch: 'drover/fix-calc',
  steps: ['fix', 'test'],
  checkpoints: ['fix'],
  doneReported: false,
  revisions: 0,
  nudges: 0,
  crashes: 0,
  dialogs: [],
  paused: false,
  lastDecision: 'brief submitted',
  lastVerification: [],
  threadReports: [],
  answeredThreads: [],
  summaries: [],
  screenTail: [],
  startedAt: '2026-01-01T00:00:00.000Z',
  events: [],
  ...over,
});

const listed = (over: Partial<ListedTask> = {}): ListedTask => ({
  workflowId: 'task/adhoc/fix-calc',
  status: 'RUNNING',
  startTime: '2026-01-01T00:00:00.000Z',
  searchAttributes: { DroverPhase: 'supervising', DroverAgentState: 'working' },
  ...over,
});

describe('board rows', () => {
  it('a running task: phase and agent state from the search attributes, the rest from its state', () => {
    const row = boardRow(
      listed({ searchAttributes: { DroverPhase: 'verifying', DroverAgentState: 'done' } }),
      state({ screenTail: ['● fixed it', '', '─────', '❯ ', '─────', '  ? for shortcuts'] }),
    );
    expect(row).toMatchObject({
      taskId: 'fix-calc',
      run: 'adhoc',
      phase: 'verifying',
      agentState: 'done',
      checkpoints: '1/2',
      ended: false,
      tail: ['● fixed it'],
    });
    expect(row.waiting).toBeUndefined();
  });

  it('a task waiting for a human carries the dialog, escaped', () => {
    const row = boardRow(
      listed({ searchAttributes: { DroverPhase: 'waiting-human', DroverAgentState: 'dialog' } }),
      state({
        phase: 'waiting-human',
        pendingDialog: {
          kind: 'permission',
          command: 'rm -rf /\u001b[2J',
          text: 'Bash command\nrm -rf /',
          reason: 'never',
        },
      }),
    );
    expect(row.waiting?.what).toContain('rm -rf /');
    expect(row.waiting?.what).not.toContain('\u001b');
    expect(row.waiting?.text).toEqual(['Bash command', 'rm -rf /']);
  });

  it('an ended task is ended, with how it ended; a failed workflow says why', () => {
    const done = boardRow(
      listed({ status: 'COMPLETED', closeTime: '2026-01-01T00:05:00.000Z' }),
      state({ phase: 'done', finishedAt: '2026-01-01T00:05:00.000Z', lastDecision: 'verified' }),
    );
    expect(done).toMatchObject({ phase: 'done', agentState: 'ended', ended: true, lastDecision: 'verified' });
    const failed = boardRow(listed({ status: 'FAILED' }), state({ phase: 'preparing' }), 'branch main is protected');
    expect(failed).toMatchObject({ phase: 'failed', ended: true });
    expect(failed.lastDecision).toContain('branch main is protected');
  });

  it('before its state is read, a task shows what the list says', () => {
    const row = boardRow(
      listed({ searchAttributes: { DroverTaskId: 'x', DroverCli: 'codex', DroverRepo: '/r', DroverPhase: 'placing' } }),
      undefined,
    );
    expect(row).toMatchObject({ taskId: 'x', agent: 'codex', repo: '/r', phase: 'placing', checkpoints: '' });
  });

  it('run of a workflow id', () => {
    expect(runOf('task/nightly/a')).toBe('nightly');
    expect(runOf('pr/o/r/7')).toBe('pr');
  });

  it('waiting rows first, ended last', () => {
    const rows = [
      boardRow(
        listed({ workflowId: 'task/adhoc/a', status: 'COMPLETED' }),
        state({ taskId: 'a', phase: 'done', finishedAt: 'x' }),
      ),
      boardRow(listed({ workflowId: 'task/adhoc/b' }), state({ taskId: 'b' })),
      boardRow(
        listed({ workflowId: 'task/adhoc/c', searchAttributes: { DroverPhase: 'waiting-human' } }),
        state({ taskId: 'c', phase: 'waiting-human', pendingDialog: { kind: 'permission', text: 'x' } }),
      ),
    ];
    expect(sortRows(rows).map((r) => r.taskId)).toEqual(['c', 'b', 'a']);
  });

  it('screen lines drop the chrome and keep the last ones', () => {
    expect(screenLines(['a', 'b', '╭───╮', '│ > │', '╰───╯', 'c', 'd', 'e'], 3)).toEqual(['c', 'd', 'e']);
  });
});

describe('board deltas and reads', () => {
  it('a delta holds the changed and new rows and the gone ids', () => {
    const a = boardRow(listed({ workflowId: 'task/adhoc/a' }), state({ taskId: 'a' }));
    const b = boardRow(listed({ workflowId: 'task/adhoc/b' }), state({ taskId: 'b' }));
    const b2 = { ...b, phase: 'verifying' };
    const c = boardRow(listed({ workflowId: 'task/adhoc/c' }), state({ taskId: 'c' }));
    const before = new Map([a, b].map((r) => [r.workflowId, r]));
    const after = new Map([b2, c].map((r) => [r.workflowId, r]));
    expect(boardDelta(before, after)).toEqual({ upsert: [b2, c], remove: ['task/adhoc/a'] });
    expect(boardDelta(after, after)).toEqual({ upsert: [], remove: [] });
  });

  it('a running task is read again when its search attributes moved or its read is old', () => {
    const last = { phase: 'supervising', agentState: 'working', at: 1000 };
    expect(needsRead(listed(), undefined, 1000, 5000)).toBe(true);
    expect(needsRead(listed(), last, 2000, 5000)).toBe(false);
    expect(needsRead(listed(), last, 6000, 5000)).toBe(true);
    expect(needsRead(listed({ searchAttributes: { DroverPhase: 'waiting-human' } }), last, 2000, 5000)).toBe(true);
    expect(needsRead(listed({ searchAttributes: { DroverAgentState: 'dialog' } }), last, 2000, 5000)).toBe(true);
  });

  it('DAG levels: the longest chain of dependencies; unknown dependencies and cycles do not loop', () => {
    const levels = dagLevels([
      { id: 'a', dependsOn: [] },
      { id: 'b', dependsOn: [] },
      { id: 'c', dependsOn: ['a', 'b'] },
      { id: 'd', dependsOn: ['c', 'a', 'gone'] },
      { id: 'x', dependsOn: ['y'] },
      { id: 'y', dependsOn: ['x'] },
    ]);
    expect(Object.fromEntries(levels)).toMatchObject({ a: 0, b: 0, c: 1, d: 2 });
    expect(levels.has('x') && levels.has('y')).toBe(true);
  });
});

describe('human answers', () => {
  it('the decision names the source when one is given, and keeps the old wording when none is', () => {
    expect(humanDecisionText('approve', 'board', 'rm -rf /tmp/x')).toBe('approved by a human (board): rm -rf /tmp/x');
    expect(humanDecisionText('deny', 'cli', 'rm -rf /')).toBe('denied by a human (cli): rm -rf /');
    expect(humanDecisionText('approve', undefined, 'trust')).toBe('approved by a human: trust');
    expect(humanDialogReason('approve', undefined)).toBe('approve by a human');
    expect(humanDialogReason('approve', 'board')).toBe('approved by a human (board)');
  });

  it('only known sources are accepted', () => {
    expect(HumanAnswerSchema.safeParse({ source: 'board' }).success).toBe(true);
    expect(HumanAnswerSchema.safeParse({}).success).toBe(true);
    expect(HumanAnswerSchema.safeParse({ source: 'mallory' }).success).toBe(false);
    expect(HumanAnswerSchema.safeParse({ source: 'cli', extra: 1 }).success).toBe(false);
  });
});

describe('task metadata for the Web UI', () => {
  it('a one-line summary and short details, escaped', () => {
    const m = taskStartMetadata({
      taskId: 'fix-calc',
      repo: '/src/calc',
      branch: 'drover/fix-calc',
      objective: 'Fix the adder\u001b[2J\nand its tests',
      steps: ['fix'],
      agent: 'claude',
    });
    expect(m.staticSummary).toMatch(/^fix-calc: Fix the adder\S+\[2J$/);
    expect(m.staticSummary).not.toContain('\u001b');
    expect(m.staticDetails).toContain('**branch** drover/fix-calc');
    expect(m.staticDetails).toContain('**steps** fix');
  });
});
