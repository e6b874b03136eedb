/**
 * The cursor-agent profile through agentTaskWorkflow, with a STAND-IN program for the real CLI
 * (cursor-agent is not on npm and cannot be installed here): launch arguments, the prompt and
 * working markers, brief delivery, done and the evidence. See test/support/stand-ins/.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { taskWorkflowId } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult } from '../../src/domain/task.js';
import { projectRoot } from '../../src/config/config.js';
import { resultWithin, startRig, type Rig } from '../support/harness.js';
import { git, makeRepo } from '../support/repo.js';

let rig: Rig;
const STAND_IN = path.join(projectRoot(), 'test', 'support', 'stand-ins', 'cursor-agent.mjs');
let previous: string | undefined;

beforeAll(async () => {
  previous = process.env.DROVER_CURSOR_AGENT_BIN;
  process.env.DROVER_CURSOR_AGENT_BIN = STAND_IN; // read by the in-process worker's launch activity
  rig = await startRig('cursor');
  await rig.startWorkers();
}, 120_000);

afterAll(async () => {
  await rig?.close();
  if (previous === undefined) delete process.env.DROVER_CURSOR_AGENT_BIN;
  else process.env.DROVER_CURSOR_AGENT_BIN = previous;
});

describe('cursor-agent profile (stand-in CLI)', () => {
  it('launches with --force and the model, is briefed at its prompt, works, commits, reports; done and pushed', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo'));
    const taskId = 'cursor-happy';
    const wt = path.join(rig.config.workspace, 'repos', repoKey(repo), 'worktrees', taskId);
    const home = path.join(rig.config.droverHome, 'homes', taskId);
    await mkdir(home, { recursive: true });
    await writeFile(
      path.join(home, '.cursor-standin.json'),
      JSON.stringify({
        steps: [
          { run: ['sh', '-c', 'printf "fixed\\n" > a.txt'] },
          { run: ['git', 'commit', '-qam', 'Fix a.txt'] },
          { run: ['drover', 'report', 'checkpoint', 'fix'] },
          { say: 'Fixed a.txt and committed.\nORCHESTRATOR:DONE' },
        ],
      }),
    );
    const input: TaskInput = {
      taskId,
      repo,
      branch: `drover/${taskId}`,
      objective: 'Fix a.txt so it says fixed, then commit.',
      steps: ['fix'],
      agent: 'cursor-agent',
      model: 'auto',
      policy: { idleSeconds: 3, nudgeCooldownSeconds: 2 },
    };
    const handle = await rig.client.workflow.start('agentTaskWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: taskWorkflowId(taskId),
      args: [input],
    });
    const result = await resultWithin<TaskResult>(handle, 90_000);
    expect(result.state).toBe('done');
    expect(result.checkpoints).toEqual(['fix']);
    expect(await git(repo, ['show', `refs/heads/drover/${taskId}:a.txt`])).toBe('fixed');
    expect(await git(wt, ['log', '--format=%s', '-1'])).toBe('Fix a.txt');
    const argv = (await readFile(path.join(home, '.cursor-standin-argv.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    expect(argv[0]).toEqual(['--force', '--model', 'auto']);
  }, 150_000);
});
