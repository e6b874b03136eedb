import { readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../../src/workers/bundle.js';

/**
 * Determinism guard (DESIGN §6): a history recorded from a real run (the happy path of
 * agent-task.test.ts, re-recorded with DROVER_RECORD_HISTORY=1) must replay on today's code.
 */
describe('replay of recorded histories', () => {
  it('agentTaskWorkflow happy path replays without nondeterminism', async () => {
    const history = JSON.parse(readFileSync(new URL('../fixtures/histories/agent-task-happy.json', import.meta.url), 'utf8'));
    expect(history.events.length).toBeGreaterThan(20);
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, 'replay-happy')).resolves.toBeUndefined();
  });
});
