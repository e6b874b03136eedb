import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { taskWorkflowId, tmuxWindowName } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { stateQuery } from '../../src/workflows/task-messages.js';
import { resultWithin, startRig, type Rig } from '../support/harness.js';
import { decodedPayloads, historyJson } from '../support/history.js';
import { git, makeRepo, waitFor } from '../support/repo.js';
import { bash, commitAll, fixAndFinish, reportCheckpoint, reportDone, say, write } from '../support/scenarios.js';

/**
 * The walking skeleton with the REAL gemini CLI (@google/gemini-cli 0.61.0) against the
 * scripted model server's Gemini API: the same CLI-neutral scenario as for claude.
 */
let rig: Rig;

beforeAll(async () => {
  rig = await startRig('gem');
  await rig.startWorkers();
});

afterAll(async () => {
  // gemini survives `tmux kill-server` (it ignores SIGHUP): end the agents this test started, by pid.
  const panes = (await rig?.workers?.tmux.listPanes().catch(() => [])) ?? [];
  for (const pane of panes) {
    try {
      process.kill(pane.panePid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await rig?.close();
});

function worktreeOf(repo: string, taskId: string): string {
  return path.join(rig.config.workspace, 'repos', repoKey(repo), 'worktrees', taskId);
}

async function start(taskId: string, repo: string, scenario: Record<string, unknown>, extra: Partial<TaskInput> = {}) {
  const input: TaskInput = {
    taskId,
    repo,
    branch: `drover/${taskId}`,
    objective: 'Fix a.txt so it says fixed, then commit.',
    steps: ['fix'],
    agent: 'gemini',
    model: 'gemini-2.5-pro',
    scenario,
    policy: { idleSeconds: 3, nudgeCooldownSeconds: 2 },
    ...extra,
  } as TaskInput;
  return rig.client.workflow.start('agentTaskWorkflow', {
    taskQueue: rig.config.taskQueue,
    workflowId: taskWorkflowId(taskId),
    args: [input],
  });
}

describe('AgentTaskWorkflow with the real gemini CLI and a scripted model', () => {
  it('happy path: edits (permission dialog answered by policy), commits, reports, done; pushed', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-gem-happy'));
    const taskId = 'gem-happy';
    const handle = await start(taskId, repo, { turns: fixAndFinish(worktreeOf(repo, taskId)) });
    const result = await resultWithin<TaskResult>(handle, 110_000);
    expect(result.state).toBe('done');
    expect(result.checkpoints).toContain('fix');
    const remote = await git(repo, ['rev-parse', `refs/heads/drover/${taskId}`]);
    expect(remote).toBe(result.commit);
    expect(await git(repo, ['show', `${remote}:a.txt`])).toBe('fixed');
    expect(result.dialogs.some((d) => d.kind === 'permission' && d.decision === 'approve')).toBe(true);
    const windows = (await rig.workers!.tmux.listPanes()).filter((p) => p.windowName === tmuxWindowName(taskId));
    expect(windows).toHaveLength(1);
    // The conversation really went through the Gemini adapter, with gemini's own tool names.
    const requests = rig.model.requests(taskId);
    expect(requests.some((r) => r.url.includes(':streamGenerateContent') && r.kind === 'main')).toBe(true);
    const called = requests
      .flatMap((r) => r.reply?.content ?? [])
      .flatMap((b) => (b.type === 'tool_use' ? [b.name] : []));
    expect(called).toEqual(expect.arrayContaining(['read_file', 'write_file', 'run_shell_command']));
    expect(requests.every((r) => r.headers['x-goog-api-key'] === 'gemini-rehearsal-key')).toBe(true);
    // No secret in history: the dummy key stays in the worker's tmux env.
    const payloads = decodedPayloads(await historyJson(rig.config.temporal.address, handle.workflowId));
    expect(payloads).not.toContain('gemini-rehearsal-key');
  });

  it('a killed gemini is relaunched with --resume <session id> and the task finishes', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-gem-resume'));
    const taskId = 'gem-resume';
    const wt = worktreeOf(repo, taskId);
    const handle = await start(taskId, repo, {
      turns: [
        ...write(`${wt}/a.txt`, 'fixed\n'),
        bash('git status && sleep 8', 'Wait a moment'),
        commitAll('Fix'),
        reportCheckpoint('fix'),
        reportDone(),
        say('Done.'),
      ],
    });
    let lastScreen = '';
    const pane = await waitFor(
      'gemini to run the long command',
      async () => {
        lastScreen = await rig
          .workers!.tmux.capture((await handle.query(stateQuery)).paneId ?? '%none', 50)
          .catch(() => '');
        if (!/⊷ +Shell git status && sleep 8/.test(lastScreen)) return undefined;
        return (await rig.workers!.tmux.findWindow(tmuxWindowName(taskId)))!;
      },
      60_000,
    ).catch(async (error) => {
      const s: TaskState = await handle.query(stateQuery);
      throw new Error(
        `${String(error)}\nevents: ${JSON.stringify(s.events.map((e) => e.what))}\nscreen:\n${lastScreen}`,
      );
    });
    process.kill(pane.panePid, 'SIGKILL');
    const result = await resultWithin<TaskResult>(handle, 100_000);
    expect(result.state).toBe('done');
    const s: TaskState = await handle.query(stateQuery);
    expect(s.crashes).toBe(1);
    expect(s.events.some((e) => /agent relaunched \(resumed session/.test(e.what))).toBe(true);
    expect(await git(repo, ['show', `refs/heads/drover/${taskId}:a.txt`])).toBe('fixed');
  });

  it('crashOnStart ["gemini"]: every start dies (exit 52), relaunches are counted, the crash cap escalates', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-gem-crash'));
    const taskId = 'gem-crash';
    const handle = await start(
      taskId,
      repo,
      { crashOnStart: ['gemini'], turns: fixAndFinish(worktreeOf(repo, taskId)) },
      {
        policy: { idleSeconds: 3, nudgeCooldownSeconds: 2, crashCap: 2, humanWaitSeconds: 2 },
      },
    );
    const result = await resultWithin<TaskResult>(handle, 90_000);
    expect(result.state).toBe('aborted');
    const s: TaskState = await handle.query(stateQuery);
    expect(s.crashes).toBeGreaterThan(2);
    expect(s.briefSubmittedAt).toBeUndefined();
    expect(rig.model.requests(taskId)).toHaveLength(0);
    const home = path.join(rig.config.droverHome, 'homes', taskId, '.gemini', 'settings.json');
    expect(existsSync(home) && readFileSync(home, 'utf8')).toContain('crashOnStart');
  });
});
