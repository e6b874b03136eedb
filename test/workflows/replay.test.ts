import { readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../../src/workers/bundle.js';
import { decodedPayloads } from '../support/history.js';

/**
 * Determinism guard (docs/design.md §6): a history recorded from a real run (the happy path of
 * agent-task.test.ts, re-recorded with DROVER_RECORD_HISTORY=1) must replay on today's code.
 */
describe('replay of recorded histories', () => {
  // agent-task-happy: recorded before the watch answered dialogs itself (the workflow pressed the keys);
  // agent-task-watch-acts: the same run with the watch's own answers (DROVER_RECORD_HISTORY=agent-task-watch-acts)
  it.each(['agent-task-happy', 'agent-task-watch-acts'])(
    'agentTaskWorkflow %s replays without nondeterminism',
    async (name) => {
      const text = readFileSync(new URL(`../fixtures/histories/${name}.json`, import.meta.url), 'utf8');
      const history = JSON.parse(text);
      expect(history.events.length).toBeGreaterThan(20);
      // the second one really holds watch events with the watch's own answers
      if (name === 'agent-task-watch-acts') expect(decodedPayloads(text)).toMatch(/"answered":\{"seq":1/);
      await expect(
        Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${name}`),
      ).resolves.toBeUndefined();
    },
  );
});
