import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  attemptWorkflowId,
  childTaskInput,
  failurePatch,
  initialRunState,
  manifestEntries,
  resultPatch,
  retryPatch,
  schedulingStatuses,
  skipPatch,
  startPatch,
  waitingPatches,
  type RowPatch,
} from '../../src/domain/manifest-rows.js';
import {
  ManifestRunInputSchema,
  ManifestRunStateSchema,
  type ManifestRunState,
  type TaskRow,
} from '../../src/domain/manifest-run.js';
import { ManifestSchema, type Manifest } from '../../src/domain/manifest-schema.js';
import { isFinished, nextTasks } from '../../src/domain/scheduler.js';

const raw = JSON.parse(readFileSync(new URL('../fixtures/manifests/example.json', import.meta.url), 'utf8')) as {
  phases: Array<{ tasks: Array<Record<string, unknown>> }>;
};
const example: Manifest = ManifestSchema.parse(raw);
const input = ManifestRunInputSchema.parse({ name: 'sec', manifest: raw, repo: '/repos/sec', slots: 2 });
const opts = { slots: input.slots, gates: input.gates };
const AT = '2026-01-01T00:00:00.000Z';

const rowOf = (state: ManifestRunState, id: string): TaskRow => state.tasks.find((t) => t.id === id)!;
const apply = (row: TaskRow, patch: RowPatch | undefined): void => void Object.assign(row, patch);

describe('a new run', () => {
  it('lists every task in manifest order, waiting, with its workflow id and branch', () => {
    const state = initialRunState(input, example, AT);
    expect(ManifestRunStateSchema.parse(state)).toEqual(state);
    expect(state.tasks.map((t) => t.id)).toEqual(manifestEntries(example).map((e) => e.task.id));
    expect(rowOf(state, 't1')).toEqual({
      id: 't1',
      phase: 'Phase 1: Critical',
      title: 'Validate root manager commands',
      status: 'pending',
      workflowId: 'task/sec/t1',
      branch: 'drover/sec-t1',
      revisions: 0,
      attempts: 0,
      reason: 'waiting',
    });
    expect(state).toMatchObject({ name: 'sec', gates: 'strict', slots: 2, paused: false, startedAt: AT, log: [] });
  });

  it('keeps tasks the manifest already calls done, and redoes one it says errored', () => {
    const manifest = ManifestSchema.parse({
      phases: [
        {
          name: 'p',
          tasks: [
            { id: 'a', status: 'merged' },
            { id: 'b', status: 'error', branch: 'mine/b' },
          ],
        },
      ],
    });
    const state = initialRunState(input, manifest, AT);
    expect(rowOf(state, 'a')).toMatchObject({ status: 'merged', reason: 'done before this run (manifest status)' });
    expect(rowOf(state, 'b')).toMatchObject({ status: 'pending', reason: 'waiting', branch: 'mine/b', title: 'b' });
  });
});

describe('a task attempt', () => {
  it('briefs the child from the manifest task and the run', () => {
    const withExtras = ManifestRunInputSchema.parse({
      ...input,
      scenarios: { t1: { turns: [] } },
      policy: { nudgeCap: 1 },
    });
    const t1 = manifestEntries(example)[0]!.task;
    expect(childTaskInput(withExtras, { ...t1, validate: ['npm', 'test'] }, { branch: 'drover/sec-t1' })).toEqual({
      taskId: 'sec-t1',
      repo: '/repos/sec',
      baseRef: 'HEAD',
      branch: 'drover/sec-t1',
      objective: 'Validate root manager commands (issue #1)',
      steps: [],
      agent: 'claude',
      scenario: { turns: [] },
      policy: withExtras.policy,
      validate: { argv: ['npm', 'test'] },
    });
    expect(withExtras.policy?.nudgeCap).toBe(1);
    const plain = childTaskInput(input, { ...t1, agent: 'codex' }, { branch: 'b' });
    expect(plain.agent).toBe('codex');
    for (const absent of ['scenario', 'policy', 'validate', 'commands']) expect(plain).not.toHaveProperty(absent);
  });

  it("gives the child the task's own command rules first, then the run's (config and manifest)", () => {
    const run = ManifestRunInputSchema.parse({
      ...input,
      commands: [{ action: 'allow', argv: ['just', 'check'], from: 'config' }],
    });
    const t1 = manifestEntries(example)[0]!.task;
    const child = childTaskInput(run, { ...t1, commands: { deny: [['cargo', 'run', '**']] } }, { branch: 'b' });
    expect(child.commands).toEqual([
      { action: 'deny', argv: ['cargo', 'run', '**'], from: `manifest task ${t1.id}` },
      { action: 'allow', argv: ['just', 'check'], from: 'config' },
    ]);
  });

  it('counts attempts: the first keeps the plain workflow id, a retry gets #2', () => {
    const row = rowOf(initialRunState(input, example, AT), 't1');
    apply(row, startPatch(row, AT));
    expect(row).toMatchObject({ status: 'running', attempts: 1, startedAt: AT, reason: 'agent working' });
    expect(attemptWorkflowId(row)).toBe('task/sec/t1');
    apply(row, failurePatch('boom'));
    expect(row).toMatchObject({ status: 'error', reason: 'boom' });
    apply(row, retryPatch(row));
    apply(row, startPatch(row, '2026-01-01T01:00:00.000Z'));
    expect(row.attempts).toBe(2);
    expect(row.finishedAt).toBeUndefined();
    expect(attemptWorkflowId(row)).toBe('task/sec/t1#2');
  });

  it('a result sets status, commit, revisions and reason', () => {
    expect(resultPatch({ state: 'done', commit: 'abc', revisions: 2, reason: 'verified' })).toEqual({
      status: 'complete',
      commit: 'abc',
      revisions: 2,
      reason: 'verified',
    });
    expect(resultPatch({ state: 'aborted', revisions: 0, reason: 'aborted by a human' })).toMatchObject({
      status: 'skipped',
    });
  });
});

describe("humans' retry and skip", () => {
  it('retry only what ended without its change; skip only what has not started', () => {
    expect(retryPatch({ status: 'escalated' })).toEqual({ status: 'pending', reason: 'retry requested by a human' });
    expect(retryPatch({ status: 'complete' })).toBeUndefined();
    expect(retryPatch({ status: 'running' })).toBeUndefined();
    expect(skipPatch({ status: 'blocked' })).toEqual({ status: 'skipped', reason: 'skipped by a human' });
    expect(skipPatch({ status: 'running' })).toBeUndefined();
    expect(skipPatch({ status: 'error' })).toBeUndefined();
  });
});

describe('waiting tasks', () => {
  it('ready ones are pending, the rest blocked with the reason; a paused run blocks all', () => {
    const state = initialRunState(input, example, AT);
    const patches = Object.fromEntries(waitingPatches(example, state, opts).map((p) => [p.id, p.patch]));
    expect(patches['t1']).toEqual({ status: 'pending', reason: 'ready' });
    expect(patches['t2']?.status).toBe('blocked');
    expect(patches['t2']?.reason).toContain('dependency t1 is pending');
    const paused = waitingPatches(example, { ...state, paused: true }, opts);
    expect(paused.every((p) => p.patch.status === 'blocked' && p.patch.reason === 'run paused')).toBe(true);
  });

  it('only waiting rows get a patch', () => {
    const state = initialRunState(input, example, AT);
    apply(rowOf(state, 't1'), startPatch(rowOf(state, 't1'), AT));
    expect(waitingPatches(example, state, opts).map((p) => p.id)).not.toContain('t1');
  });
});

describe('the table driven by the scheduler, as the workflow drives it', () => {
  it('every task completes, in an order the dependencies allow', () => {
    const state = initialRunState(input, example, AT);
    const order: string[] = [];
    for (let round = 0; round < 20 && !isFinished(example, schedulingStatuses(state.tasks)); round++) {
      for (const { id, patch } of waitingPatches(example, state, opts)) apply(rowOf(state, id), patch);
      const start = nextTasks(example, schedulingStatuses(state.tasks), opts);
      for (const id of start) apply(rowOf(state, id), startPatch(rowOf(state, id), AT));
      for (const id of start) {
        apply(rowOf(state, id), resultPatch({ state: 'done', revisions: 0, reason: 'ok' }));
        order.push(id);
      }
    }
    expect(state.tasks.every((t) => t.status === 'complete')).toBe(true);
    expect(order.indexOf('t1')).toBeLessThan(order.indexOf('t2'));
    expect(new Set(order).size).toBe(example.phases.flatMap((p) => p.tasks).length);
  });
});
