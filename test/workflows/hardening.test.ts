import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { taskWorkflowId } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { stateQuery } from '../../src/workflows/task-messages.js';
import { resultWithin, startRig, type Rig } from '../support/harness.js';
import { makeRepo } from '../support/repo.js';
import { bash, fixAndFinish, reportDone, say } from '../support/scenarios.js';

/** Issue 21: what a careless and a hostile user found, each with the real claude CLI and a scripted model. */
let rig: Rig;

beforeAll(async () => {
  rig = await startRig('hard');
  await rig.startWorkers();
});

afterAll(async () => {
  await rig?.close();
});

function worktreeOf(repo: string, taskId: string): string {
  return path.join(rig.config.workspace, 'repos', repoKey(repo), 'worktrees', taskId);
}

async function start(taskId: string, repo: string, turns: unknown[], extra: Partial<TaskInput> = {}) {
  const input: TaskInput = {
    taskId,
    repo,
    branch: `drover/${taskId}`,
    objective: 'Fix a.txt so it says fixed, then commit.',
    steps: ['fix'],
    scenario: { turns },
    policy: { idleSeconds: 3, nudgeCooldownSeconds: 2 },
    ...extra,
  };
  return rig.client.workflow.start('agentTaskWorkflow', {
    taskQueue: rig.config.taskQueue,
    workflowId: taskWorkflowId(taskId),
    args: [input],
  });
}

describe('hardening (issue 21) with the real claude CLI', () => {
  it('a stale done marker on screen counts once: one revision, and the re-briefed agent finishes', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-stale-done'));
    const taskId = 'stale-done';
    // before any work: the marker as command output, the done report, the marker in the text (three done signals, one brief)
    const handle = await start(taskId, repo, [
      bash('echo ORCHESTRATOR:DONE', 'Say done'),
      reportDone(),
      say('Nothing to do.\nORCHESTRATOR:DONE'),
      ...fixAndFinish(worktreeOf(repo, taskId)),
    ]);
    const result = await resultWithin<TaskResult>(handle, 120_000);
    const s: TaskState = await handle.query(stateQuery);
    const log = s.events.map((e) => e.what);
    expect(
      log.filter((l) => l.startsWith('verification failed')),
      log.join('\n'),
    ).toHaveLength(1);
    expect(result.state).toBe('done');
    expect(result.revisions).toBe(1);
  });
});
