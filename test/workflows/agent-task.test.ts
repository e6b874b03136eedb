import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { taskWorkflowId, tmuxWindowName } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import {
  abortSignal,
  approveUpdate,
  denyUpdate,
  pauseSignal,
  resumeSignal,
  stateQuery,
  steerSignal,
} from '../../src/workflows/task-messages.js';
import { resultWithin, startRig, type Rig } from '../support/harness.js';
import { decodedPayloads, historyJson } from '../support/history.js';
import { git, makeRepo, waitFor } from '../support/repo.js';
import { bash, commitAll, fixAndFinish, reportCheckpoint, reportDone, say, write } from '../support/scenarios.js';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig('wf');
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

async function windowsNamed(name: string): Promise<number> {
  return (await rig.workers!.tmux.listPanes()).filter((p) => p.windowName === name).length;
}

describe('AgentTaskWorkflow with the real claude CLI and a scripted model', () => {
  it('happy path: edits, commits, reports, verifies, pushes; the objective reaches the model verbatim', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-happy'));
    const taskId = 'happy';
    const objective =
      'Fix a.txt. Keep these verbatim: "double" \'single\' $(touch /tmp/pwned-drover) `id` $HOME\nsecond line; rm -rf / # not a command';
    const handle = await start(taskId, repo, fixAndFinish(worktreeOf(repo, taskId)), { objective });
    const result = await resultWithin<TaskResult>(handle, 100_000);
    expect(result.state).toBe('done');
    expect(result.checkpoints).toContain('fix');
    const remote = await git(repo, ['rev-parse', `refs/heads/drover/${taskId}`]);
    expect(remote).toBe(result.commit);
    expect(await git(repo, ['show', `${remote}:a.txt`])).toBe('fixed');
    expect(result.dialogs.some((d) => d.kind === 'permission' && d.decision === 'approve')).toBe(true);
    expect(await windowsNamed(tmuxWindowName(taskId))).toBe(1);
    expect(existsSync('/tmp/pwned-drover')).toBe(false);
    const userTexts = JSON.stringify(rig.model.requests(taskId).map((r) => r.body));
    expect(userTexts).toContain(JSON.stringify(objective).slice(1, -1));
    // No secret in history: the agent's API key (shown in part by claude's dialog) never lands there.
    const history = await historyJson(rig.config.temporal.address, handle.workflowId);
    const payloads = decodedPayloads(history);
    expect(payloads).toContain('api-key');
    expect(payloads).not.toContain('rehearsal-key');
    if (process.env.DROVER_RECORD_HISTORY) {
      const { writeFile } = await import('node:fs/promises');
      // DROVER_RECORD_HISTORY=1 re-records the happy-path fixture; another value names a new fixture
      const name = process.env.DROVER_RECORD_HISTORY === '1' ? 'agent-task-happy' : process.env.DROVER_RECORD_HISTORY;
      await writeFile(new URL(`../fixtures/histories/${name}.json`, import.meta.url), history);
    }
  });

  it('a dangerous command waits for a human and proceeds after approve', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-approve'));
    const victim = path.join(rig.tmp, 'outside-approve');
    await makeRepo(victim);
    const taskId = 'approve';
    const wt = worktreeOf(repo, taskId);
    const handle = await start(taskId, repo, [
      bash(`rm -rf ${victim}`, 'Remove a directory outside the worktree'),
      ...fixAndFinish(wt),
    ]);
    const waiting = await waitFor(
      'the dialog to wait for a human',
      async () => {
        const s: TaskState = await handle.query(stateQuery);
        return s.pendingDialog ? s : undefined;
      },
      90_000,
    );
    expect(waiting.phase).toBe('waiting-human');
    expect(waiting.pendingDialog?.command).toContain('rm -rf');
    await new Promise((r) => setTimeout(r, 1500));
    expect(existsSync(victim)).toBe(true);
    await handle.executeUpdate(approveUpdate, { args: [{}] });
    const result = await resultWithin<TaskResult>(handle, 100_000);
    expect(result.state).toBe('done');
    expect(existsSync(victim)).toBe(false);
    expect(result.dialogs).toContainEqual({ kind: 'permission', decision: 'ask-human' });
    expect(result.dialogs).toContainEqual({ kind: 'permission', decision: 'approve' });
  });

  it('a dangerous command denied by a human is never run and the task stops cleanly', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-deny'));
    const victim = path.join(rig.tmp, 'outside-deny');
    await makeRepo(victim);
    const taskId = 'deny';
    const handle = await start(taskId, repo, [
      bash(`rm -rf ${victim}`, 'Remove a directory outside the worktree'),
      ...fixAndFinish(worktreeOf(repo, taskId)),
    ]);
    await waitFor(
      'the dialog to wait for a human',
      async () => ((await handle.query(stateQuery)).pendingDialog ? true : undefined),
      90_000,
    );
    await handle.executeUpdate(denyUpdate, { args: [{}] });
    const result = await resultWithin<TaskResult>(handle, 100_000);
    expect(result.state).toBe('aborted');
    expect(result.reason).toContain('denied by a human');
    expect(existsSync(victim)).toBe(true);
    await expect(git(repo, ['rev-parse', '--verify', `refs/heads/drover/${taskId}`])).rejects.toThrow();
  });

  it('an agent that goes idle without done is nudged, then finishes', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-idle'));
    const taskId = 'idle';
    const handle = await start(taskId, repo, [
      say('I had a look around. What next?'),
      ...write(`${worktreeOf(repo, taskId)}/a.txt`, 'fixed\n'),
      commitAll('Fix'),
      reportCheckpoint('fix'),
      reportDone(),
      say('Done.'),
    ]);
    const result = await resultWithin<TaskResult>(handle, 100_000);
    expect(result.state).toBe('done');
    const s: TaskState = await handle.query(stateQuery);
    expect(s.nudges).toBeGreaterThanOrEqual(1);
    // the watch sent the nudge the workflow had permitted, and the workflow recorded it
    expect(s.events.some((e) => e.what.startsWith('nudge submitted by the watch'))).toBe(true);
  });

  it('a killed claude process is relaunched with --resume and the task finishes', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-crash'));
    const taskId = 'crash';
    const wt = worktreeOf(repo, taskId);
    const handle = await start(taskId, repo, [
      ...write(`${wt}/a.txt`, 'fixed\n'),
      bash('git status && sleep 8', 'Wait a moment'),
      commitAll('Fix'),
      reportCheckpoint('fix'),
      reportDone(),
      say('Done.'),
    ]);
    let lastScreen = '';
    const pane = await waitFor(
      'the agent to run the long command',
      async () => {
        lastScreen = await rig
          .workers!.tmux.capture((await handle.query(stateQuery)).paneId ?? '%none', 50)
          .catch(() => '');
        if (!/Bash\(git status && sleep 8\)/.test(lastScreen) || !/Running…/.test(lastScreen)) return undefined;
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
    expect(await windowsNamed(tmuxWindowName(taskId))).toBe(1);
  });

  it('pause, resume, steer and abort: each takes effect and is recorded', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-steer'));
    const taskId = 'steer';
    const handle = await start(taskId, repo, [say('Waiting for instructions.'), say('Understood, stopping here.')], {
      policy: { idleSeconds: 60 },
    });
    const phaseIs = (phase: string) =>
      waitFor(
        `phase ${phase}`,
        async () => ((await handle.query(stateQuery)).phase === phase ? true : undefined),
        60_000,
        100,
      );
    await waitFor(
      'the brief to be submitted',
      async () => ((await handle.query(stateQuery)).briefSubmittedAt ? true : undefined),
      60_000,
    );
    await handle.signal(pauseSignal);
    await phaseIs('paused');
    await handle.signal(resumeSignal);
    await phaseIs('supervising');
    const steer = 'New instruction: "stop" now — with $(quotes) and `ticks`';
    await handle.signal(steerSignal, steer);
    await waitFor(
      'the steer text to reach the model',
      async () =>
        JSON.stringify(rig.model.requests(taskId).map((r) => r.body)).includes(JSON.stringify(steer).slice(1, -1))
          ? true
          : undefined,
      30_000,
    );
    await handle.signal(abortSignal, 'test is over');
    const result = await resultWithin<TaskResult>(handle, 30_000);
    expect(result.state).toBe('aborted');
    expect(result.reason).toBe('test is over');
    const s: TaskState = await handle.query(stateQuery);
    const log = s.events.map((e) => e.what);
    expect(log).toContain('paused by a human');
    expect(log).toContain('resumed by a human');
    expect(log.some((l) => l.startsWith('steer submitted'))).toBe(true);
  });
});
