import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/config.js';
import { taskWorkflowId, tmuxWindowName } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { listProcesses, treeOf } from '../../src/host/process-tree.js';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { stateQuery } from '../../src/workflows/task-messages.js';
import { resultWithin, rigEnv, startRig, type Rig } from '../support/harness.js';
import { git, makeRepo, waitFor } from '../support/repo.js';
import { processRunning } from '../support/processes.js';
import { bash, fixAndFinish } from '../support/scenarios.js';

/**
 * A task's end stops its agent: `drover abort` on an agent inside `sleep 600` leaves none of its
 * processes 10 s later (checked by pid) and its window readable; a token budget smaller than the
 * scenario's usage stops the task at the budget with the figures (the real claude CLI's own
 * transcript, scripted model server usage).
 */

let rig: Rig;

beforeAll(async () => {
  rig = await startRig('stop');
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
    policy: { idleSeconds: 30, nudgeCooldownSeconds: 30 },
    ...extra,
  };
  return rig.client.workflow.start('agentTaskWorkflow', {
    taskQueue: rig.config.taskQueue,
    workflowId: taskWorkflowId(taskId),
    args: [input],
  });
}

async function drover(...args: string[]) {
  return execa('node', [path.join(projectRoot(), 'bin', 'drover.mjs'), ...args], {
    env: { ...process.env, ...rigEnv(rig) },
    reject: false,
    timeout: 60_000,
  });
}

const cmdline = async (pid: number) =>
  (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ').trim();

describe("a task's end stops its agent", () => {
  it('drover abort: no process of the agent is left 10 s later, and its window and worktree stay', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-abort'));
    const taskId = 'abort-sleep';
    const handle = await start(taskId, repo, [
      bash('sleep 600', 'Wait ten minutes'),
      ...fixAndFinish(worktreeOf(repo, taskId)),
    ]);
    let screen = '';
    const sleeping = await waitFor(
      'the agent inside sleep 600',
      async () => {
        const paneId = (await handle.query(stateQuery)).paneId;
        if (!paneId) return undefined;
        screen = await rig.workers!.tmux.capture(paneId, 50).catch(() => '');
        const pane = await rig.workers!.tmux.findWindow(tmuxWindowName(taskId));
        if (!pane) return undefined;
        const tree = treeOf(pane.panePid, await listProcesses());
        const commands = await Promise.all(tree.map(async (e) => ({ pid: e.pid, cmd: await cmdline(e.pid) })));
        return commands.some((c) => c.cmd === 'sleep 600') ? { paneId, commands } : undefined;
      },
      90_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\nscreen:\n${screen}`);
    });
    expect(sleeping.commands.length).toBeGreaterThanOrEqual(2); // claude, and the shell or sleep under it

    const aborted = await drover('abort', taskId, 'the test aborts it');
    expect(aborted.exitCode, aborted.stderr).toBe(0);
    const abortedAt = Date.now();
    const result = await resultWithin<TaskResult>(handle, 30_000);
    expect(result).toMatchObject({ state: 'aborted', reason: 'the test aborts it' });
    await new Promise((r) => setTimeout(r, Math.max(0, abortedAt + 10_000 - Date.now())));
    const left = sleeping.commands.filter((c) => processRunning(c.pid));
    console.log(`abort: 10 s after \`drover abort\`, running of ${JSON.stringify(sleeping.commands)}: ${left.length}`);
    expect(left, JSON.stringify(sleeping.commands)).toEqual([]);

    // the window stays, its text readable; the worktree stays
    const pane = await rig.workers!.tmux.findWindow(tmuxWindowName(taskId));
    expect(pane?.paneDead).toBe(true);
    expect(await rig.workers!.tmux.capture(sleeping.paneId, 200)).toContain('sleep 600');
    expect(existsSync(worktreeOf(repo, taskId))).toBe(true);
    const state: TaskState = await handle.query(stateQuery);
    console.log(
      `abort: ${state.events.map((e) => e.what).find((w) => w.startsWith('agent stopped')) ?? 'no stop recorded'}`,
    );
    expect(state.events.map((e) => e.what)).toContainEqual(
      expect.stringMatching(
        /^agent stopped: Ctrl-C; \d+ of its \d+ processes exited within 5s, \d+ ended by SIGTERM\/SIGKILL; its window and worktree stay/,
      ),
    );
  });

  it('a token budget smaller than the scenario uses: the agent is stopped at the budget, the task escalated with the figures', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-budget'));
    const taskId = 'budget';
    // every reply of the scripted server reports the request's size (~23k input tokens with claude's
    // prompt and tools): two replies pass 40,000, the third never comes
    const handle = await start(
      taskId,
      repo,
      [bash('git status', 'Look'), bash('sleep 30', 'Wait'), ...fixAndFinish(worktreeOf(repo, taskId))],
      { budget: { tokens: 40_000 } },
    );
    const result = await resultWithin<TaskResult>(handle, 120_000);
    expect(result.state).toBe('escalated');
    expect(result.reason).toMatch(
      /^token budget reached: [\d,]+ tokens \(input [\d,]+, output [\d,]+, cache read \d+, cache write \d+; 2 replies\) used, budget 40,000$/,
    );
    console.log(`budget: ${result.reason}`);
    const used = Number(/^token budget reached: ([\d,]+) tokens/.exec(result.reason)![1]!.replace(/,/g, ''));
    expect(used).toBeGreaterThanOrEqual(40_000);
    const state: TaskState = await handle.query(stateQuery);
    expect(state.usage?.replies).toBe(2);
    expect(state.events.map((e) => e.what)).toContainEqual(expect.stringMatching(/^agent stopped: Ctrl-C/));
    // nothing of the third turn on: no commit, no push
    await expect(git(repo, ['rev-parse', '--verify', `refs/heads/drover/${taskId}`])).rejects.toThrow();
    const status = await drover('status', taskId);
    expect(status.stdout).toMatch(/phase\s+escalated/);
    expect(status.stdout).toMatch(/usage\s+[\d,]+ tokens \(input [\d,]+, .*2 replies\) · budget 40,000 tokens/);
    const notes = await readFile(path.join(rig.config.droverHome, 'notifications.log'), 'utf8');
    expect(notes).toMatch(/token budget reached: .*; the agent is stopped/);
  });
});
