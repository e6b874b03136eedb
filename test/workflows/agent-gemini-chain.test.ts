/**
 * Must-show (issue 6): a chain `gemini,claude` where gemini crashes on every start (here: it
 * works once, commits half the fix, is killed, and then dies on every relaunch) finishes with
 * claude, whose brief names what gemini had done. Both are the real CLIs against the scripted
 * model server.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { taskWorkflowId, tmuxWindowName } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { stateQuery } from '../../src/workflows/task-messages.js';
import { resultWithin, startRig, type Rig } from '../support/harness.js';
import { git, makeRepo, waitFor } from '../support/repo.js';
import { commitAll, reportCheckpoint, reportDone, say, write } from '../support/scenarios.js';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig('gemchain');
  await rig.startWorkers();
}, 120_000);

afterAll(async () => {
  await rig?.close();
});

describe('fallback chain gemini,claude', () => {
  it('gemini commits half, then crashes on every start; claude takes over, told what gemini did, and finishes', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo'), { 'a.txt': 'broken\n', 'b.txt': 'broken\n' });
    const taskId = 'gem-chain';
    const wt = path.join(rig.config.workspace, 'repos', repoKey(repo), 'worktrees', taskId);
    const input: TaskInput = {
      taskId,
      repo,
      branch: `drover/${taskId}`,
      objective: 'Fix a.txt and b.txt so both say fixed, commit each.',
      steps: ['fix'],
      agent: 'gemini,claude',
      model: 'gemini-2.5-pro',
      scenario: {
        turns: [...write(`${wt}/a.txt`, 'fixed\n'), commitAll('gemini: fix a.txt'), say('a.txt is fixed; now b.txt.')],
        crashOnRestart: ['gemini'],
        agents: {
          claude: {
            turns: [
              ...write(`${wt}/b.txt`, 'fixed\n'),
              commitAll('claude: fix b.txt'),
              reportCheckpoint('fix'),
              reportDone(),
              say('Both files fixed.'),
            ],
          },
        },
      },
      policy: { idleSeconds: 60, nudgeCooldownSeconds: 30, crashCap: 2 },
    };
    const handle = await rig.client.workflow.start('agentTaskWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: taskWorkflowId(taskId),
      args: [input],
    });

    // gemini's first start works: wait for its commit, then kill it (SIGKILL, as a crash would)
    const geminiCommit = await waitFor(
      'gemini to commit a.txt',
      async () => {
        const log = await git(wt, ['log', '--format=%H %s', '-1']).catch(() => '');
        return log.endsWith('gemini: fix a.txt') ? log.split(' ')[0] : undefined;
      },
      120_000,
      300,
    );
    const pane = (await rig.workers!.tmux.listPanes()).find((p) => p.windowName === tmuxWindowName(taskId))!;
    process.kill(pane.panePid, 'SIGKILL');

    const result = await resultWithin<TaskResult>(handle, 180_000);
    expect(result.state).toBe('done');
    const state = (await handle.query(stateQuery)) as TaskState;
    expect(state.agent).toBe('claude');
    expect(state.handoffs).toEqual([
      expect.objectContaining({
        from: 'gemini',
        to: 'claude',
        reason: expect.stringMatching(/crashed 3 times \(cap 2/),
      }),
    ]);
    // the branch has both agents' commits, pushed
    const subjects = (await git(repo, ['log', '--format=%s', `main..drover/${taskId}`])).split('\n');
    expect(subjects).toEqual(['claude: fix b.txt', 'gemini: fix a.txt']);
    expect(await git(repo, ['rev-parse', `refs/heads/drover/${taskId}`])).toBe(result.commit);
    // claude's brief named gemini's commit and file
    const claudeSaw = JSON.stringify(rig.model.requests(taskId).map((r) => r.body ?? null));
    expect(claudeSaw).toContain(
      'you take over this task from the gemini agent, which stopped because it crashed 3 times',
    );
    expect(claudeSaw).toContain(`${geminiCommit!.slice(0, 10)} gemini: fix a.txt`);
    expect(claudeSaw).toContain('Files changed: a.txt');
  }, 300_000);
});
