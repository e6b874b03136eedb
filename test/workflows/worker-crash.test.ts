import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { taskWorkflowId, tmuxWindowName } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { stateQuery } from '../../src/workflows/task-messages.js';
import { resultWithin, rigTmux, startRig, type Rig } from '../support/harness.js';
import { git, makeRepo, waitFor } from '../support/repo.js';
import { bash, commitAll, reportCheckpoint, reportDone, say, write } from '../support/scenarios.js';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig('crashw');
});

afterAll(async () => {
  await rig?.close();
});

describe('worker SIGKILLed mid-supervision', () => {
  it('the task completes after a restart with exactly one window and one agent process', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo'));
    const taskId = 'survivor';
    const wt = path.join(rig.config.workspace, 'repos', repoKey(repo), 'worktrees', taskId);
    const input: TaskInput = {
      taskId,
      repo,
      branch: `drover/${taskId}`,
      objective: 'Fix a.txt and commit.',
      steps: ['fix'],
      scenario: {
        turns: [
          ...write(`${wt}/a.txt`, 'fixed\n'),
          bash('git status && sleep 10', 'Wait a moment'),
          commitAll('Fix'),
          reportCheckpoint('fix'),
          reportDone(),
          say('Done.'),
        ],
      },
      policy: { idleSeconds: 3, nudgeCooldownSeconds: 2 },
    };
    let worker = rig.spawnWorker();
    const handle = await rig.client.workflow.start('agentTaskWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: taskWorkflowId(taskId),
      args: [input],
    });
    const tmux = rigTmux(rig);
    const agentPid = await waitFor(
      'the agent to be supervised mid-command',
      async () => {
        const s: TaskState = await handle.query(stateQuery);
        if (!s.briefSubmittedAt || !s.paneId) return undefined;
        const screen = await tmux.capture(s.paneId, 50);
        if (!/sleep 10/.test(screen)) return undefined;
        return (await tmux.findWindow(tmuxWindowName(taskId)))?.panePid;
      },
      90_000,
    ).catch(async (error) => {
      const { readFile } = await import('node:fs/promises');
      const logs = await readFile(path.join(rig.tmp, 'worker-0.err'), 'utf8').catch(() => '');
      const s = await handle.query(stateQuery).catch(() => undefined);
      throw new Error(`${String(error)}\nworker stderr:\n${logs}\nstate: ${JSON.stringify(s?.events)}`);
    });
    worker.kill('SIGKILL');
    await worker;
    await new Promise((r) => setTimeout(r, 2000));
    worker = rig.spawnWorker();
    const result = await resultWithin<TaskResult>(handle, 100_000);
    expect(result.state).toBe('done');
    const panes = (await tmux.listPanes()).filter((p) => p.windowName === tmuxWindowName(taskId));
    expect(panes).toHaveLength(1);
    expect(panes[0]!.panePid).toBe(agentPid);
    const s: TaskState = await handle.query(stateQuery);
    expect(s.crashes).toBe(0);
    expect(s.events.filter((e) => /agent launched/.test(e.what))).toHaveLength(1);
    expect(await git(repo, ['rev-parse', `refs/heads/drover/${taskId}`])).toBe(result.commit);
  });
});
