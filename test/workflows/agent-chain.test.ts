/**
 * Fallback chains: the first agent of `--agent A,B` crashes on every start; after its crash cap
 * the next takes over the same worktree and branch, briefed with what the first one left.
 * Here the first agent is a custom profile whose command exits at once (a stand-in, named as
 * such); the gemini case is in agent-gemini-chain.test.ts.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { registerConfigAgents } from '../../src/config/custom-agents.js';
import { CustomAgentSchema } from '../../src/domain/custom-profile.js';
import { taskWorkflowId, tmuxWindowName } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { stateQuery } from '../../src/workflows/task-messages.js';
import { resultWithin, startRig, type Rig } from '../support/harness.js';
import { git, makeRepo } from '../support/repo.js';
import { fixAndFinish } from '../support/scenarios.js';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig('chain');
  await rig.startWorkers();
  // stand-in for a CLI that dies on start: `false` exits 1 before drawing anything (registered
  // after the workers, which register the config file's agents: none in a test config)
  registerConfigAgents({
    agents: [
      CustomAgentSchema.parse({
        name: 'dies-on-start',
        command: '/bin/false',
        args: [],
        newSessionArgs: [],
        resumeArgs: [],
      }),
    ],
  });
}, 120_000);

afterAll(async () => {
  await rig?.close();
  registerConfigAgents({ agents: [] });
});

describe('fallback chain', () => {
  it('dies-on-start,claude: relaunched up to the crash cap, then claude takes over the same worktree and finishes', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo'));
    const taskId = 'chain';
    const worktree = path.join(rig.config.workspace, 'repos', repoKey(repo), 'worktrees', taskId);
    const input: TaskInput = {
      taskId,
      repo,
      branch: `drover/${taskId}`,
      objective: 'Fix a.txt so it says fixed, then commit.',
      steps: ['fix'],
      agent: 'dies-on-start,claude',
      scenario: { turns: fixAndFinish(worktree) },
      policy: { idleSeconds: 3, nudgeCooldownSeconds: 2, crashCap: 2 },
    };
    const handle = await rig.client.workflow.start('agentTaskWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: taskWorkflowId(taskId),
      args: [input],
    });
    const result = await resultWithin<TaskResult>(handle, 150_000);
    expect(result.state).toBe('done');
    const state = (await handle.query(stateQuery)) as TaskState;
    expect(state.agentChain).toEqual(['dies-on-start', 'claude']);
    expect(state.agent).toBe('claude');
    expect(state.handoffs).toHaveLength(1);
    expect(state.handoffs[0]).toMatchObject({ from: 'dies-on-start', to: 'claude' });
    expect(state.handoffs[0]!.reason).toMatch(/it crashed 3 times \(cap 2/);
    expect(state.worktree).toBe(worktree);
    expect(await git(repo, ['rev-parse', `refs/heads/drover/${taskId}`])).toBe(result.commit);
    // claude's first message is the handoff note followed by the brief
    const first = JSON.stringify(rig.model.requests(taskId).map((r) => r.body));
    expect(first).toContain(
      'you take over this task from the dies-on-start agent, which stopped because it crashed 3 times',
    );
    expect(first).toContain('No commit yet on the branch.');
    expect(first).toContain('Steps still to do and report: fix\\nYou are working on the Drover task');
    // one window for the task throughout
    expect((await rig.workers!.tmux.listPanes()).filter((p) => p.windowName === tmuxWindowName(taskId))).toHaveLength(
      1,
    );
  }, 200_000);
});
