import { describe, expect, it } from 'vitest';
import {
  CheckRollupStateSchema,
  isFailedCheck,
  isFailingRollup,
  isGreenCheck,
  isGreenConclusion,
} from '../../src/domain/check-conclusion.js';
import { AgentStateSchema, PhaseSchema, ScreenStateSchema, TaskResultStateSchema } from '../../src/domain/status.js';
import { AGENT_STATES, PHASES, TaskResultSchema, TaskStateSchema } from '../../src/domain/task.js';
import { WatchEventSchema } from '../../src/domain/watch.js';

describe('agent states derive from screen states', () => {
  it('every screen state is an agent state', () => {
    for (const s of ScreenStateSchema.options) expect(AgentStateSchema.safeParse(s).success, s).toBe(true);
  });

  it('the agent states a screen cannot show are only what the workflow knows: none, done, stalled', () => {
    const extra = AgentStateSchema.options.filter((s) => !ScreenStateSchema.safeParse(s).success);
    expect(extra.sort()).toEqual(['done', 'none', 'stalled']);
  });

  it('every watch event that names what the agent does is an agent state (the workflow records ev.kind as one)', () => {
    const kinds = WatchEventSchema.options.map((o) => o.shape.kind.value);
    const notStates = kinds.filter((k) => !AgentStateSchema.safeParse(k).success);
    // checkpoints report progress, refresh re-arms the watch and over-budget ends the task: none says what the agent is doing
    expect(notStates.sort()).toEqual(['checkpoints', 'over-budget', 'refresh']);
  });

  it('task.ts keeps its names over the same enums', () => {
    expect(AGENT_STATES).toEqual(AgentStateSchema.options);
    expect(PHASES).toEqual(PhaseSchema.options);
    expect(TaskStateSchema.shape.agentState.options).toEqual(AgentStateSchema.options);
    expect(TaskStateSchema.shape.phase.options).toEqual(PhaseSchema.options);
  });
});

describe('task results are a subset of phases', () => {
  it('every result state is a phase', () => {
    for (const s of TaskResultStateSchema.options) expect(PhaseSchema.safeParse(s).success, s).toBe(true);
    expect([...TaskResultStateSchema.options].sort()).toEqual(['aborted', 'done', 'escalated', 'failed']);
  });

  it('a result in a phase a task only passes through is refused', () => {
    const result = { taskId: 't', branch: 'b', checkpoints: [], dialogs: [], revisions: 0, reason: '' };
    expect(TaskResultSchema.safeParse({ ...result, state: 'done' }).success).toBe(true);
    for (const live of ['placing', 'supervising', 'verifying', 'paused', 'waiting-human']) {
      expect(TaskResultSchema.safeParse({ ...result, state: live }).success, live).toBe(false);
    }
  });
});

describe('isGreenConclusion', () => {
  it('success, neutral and skipped pass; every other conclusion, null and unknown strings do not', () => {
    for (const c of ['success', 'neutral', 'skipped']) expect(isGreenConclusion(c), c).toBe(true);
    for (const c of [
      'failure',
      'cancelled',
      'timed_out',
      'action_required',
      'stale',
      'startup_failure',
      'SUCCESS',
      '',
      'pending',
    ])
      expect(isGreenConclusion(c), c).toBe(false);
    expect(isGreenConclusion(null)).toBe(false);
    expect(isGreenConclusion(undefined)).toBe(false);
  });

  it('a check still running is neither green nor failed; a finished one is exactly one of them', () => {
    const running = { status: 'in_progress', conclusion: null };
    expect(isGreenCheck(running)).toBe(false);
    expect(isFailedCheck(running)).toBe(false);
    expect(isGreenCheck({ status: 'completed', conclusion: 'neutral' })).toBe(true);
    expect(isFailedCheck({ status: 'completed', conclusion: 'neutral' })).toBe(false);
    expect(isFailedCheck({ status: 'completed', conclusion: 'timed_out' })).toBe(true);
    // a completed check without a conclusion (a malformed answer) is not evidence of green
    expect(isFailedCheck({ status: 'completed', conclusion: null })).toBe(true);
  });

  it('rollups: FAILURE and ERROR fail; pending, expected, success and none do not', () => {
    expect(CheckRollupStateSchema.options.filter((s) => isFailingRollup(s)).sort()).toEqual(['ERROR', 'FAILURE']);
    expect(isFailingRollup(null)).toBe(false);
  });
});
