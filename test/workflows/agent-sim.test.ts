import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskWorkflowId } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { stateQuery } from '../../src/workflows/messages.js';
import type { SimScriptInput } from '../../src/rehearsal/sim-script.js';
import { resultWithin, startRig, type Rig } from '../support/harness.js';
import { git, makeRepo } from '../support/repo.js';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig('sim');
  await rig.startWorkers();
});

afterAll(async () => {
  await rig?.close();
});

const script = (n: number): SimScriptInput => ({
  phases: [
    { kind: 'work', ms: 300 + 200 * n, everyMs: 100 },
    { kind: 'dialog', command: 'git add -A && git commit -m "sim"', description: 'Commit the work' },
    { kind: 'commit', file: `sim-${n}.txt`, content: `agent ${n}\n`, message: `sim ${n}` },
    { kind: 'checkpoint', step: 'fix' },
    { kind: 'done' },
  ],
});

describe('AgentTaskWorkflow with sim agents', () => {
  it('three sim agents in parallel: dialog approved by policy, checkpoint seen, done verified and pushed', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo'));
    const handles = await Promise.all(
      [0, 1, 2].map((n) => {
        const taskId = `sim-${n}`;
        const input: TaskInput = { taskId, repo, branch: `drover/${taskId}`, objective: `Sim task ${n}`, steps: ['fix'], agent: 'sim', scenario: script(n), policy: { idleSeconds: 3, nudgeCooldownSeconds: 2 } };
        return rig.client.workflow.start('agentTaskWorkflow', { taskQueue: rig.config.taskQueue, workflowId: taskWorkflowId(taskId), args: [input] });
      }),
    );
    const results = await Promise.all(handles.map((h) => resultWithin<TaskResult>(h, 90_000)));
    for (const [n, result] of results.entries()) {
      expect(result.state).toBe('done');
      expect(result.checkpoints).toEqual(['fix']);
      expect(result.dialogs).toEqual([{ kind: 'permission', decision: 'approve' }]);
      expect(await git(repo, ['rev-parse', `refs/heads/drover/sim-${n}`])).toBe(result.commit);
      expect(await git(repo, ['show', `${result.commit}:sim-${n}.txt`])).toBe(`agent ${n}`);
    }
    // the watch answered each dialog itself (the policy approves a commit), and each task recorded it
    for (const handle of handles) {
      const s: TaskState = await handle.query(stateQuery);
      expect(s.events.filter((e) => /^approved permission .* \(answered by the watch\)/.test(e.what))).toHaveLength(1);
      expect(s.watcherActions).toBe(1);
    }
  });
});
