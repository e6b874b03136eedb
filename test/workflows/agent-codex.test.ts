import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { taskWorkflowId, tmuxWindowName } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { stateQuery } from '../../src/workflows/task-messages.js';
import { resultWithin, startRig, type Rig } from '../support/harness.js';
import { decodedPayloads, historyJson } from '../support/history.js';
import { git, makeRepo, waitFor } from '../support/repo.js';
import { bash, commitAll, fixAndFinish, reportCheckpoint, say, write } from '../support/scenarios.js';

/**
 * The walking skeleton with the real codex CLI (0.169.0) against the scripted model server's
 * Responses API: the same CLI-neutral scenarios as the claude tests (docs/agents/codex.md).
 */

let rig: Rig;

beforeAll(async () => {
  rig = await startRig('codex');
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
    agent: 'codex',
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

describe('AgentTaskWorkflow with the real codex CLI and a scripted model', () => {
  it('happy path: edits, an approval answered by policy, commits, reports the checkpoint, done; pushed', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-codex-happy'));
    const taskId = 'cx-happy';
    const objective = 'Fix a.txt. Keep these verbatim: "double" \'single\' $(touch /tmp/pwned-drover-codex) `id` $HOME';
    const handle = await start(taskId, repo, fixAndFinish(worktreeOf(repo, taskId)), { objective });
    const result = await resultWithin<TaskResult>(handle, 120_000);
    expect(result.state).toBe('done');
    expect(result.checkpoints).toContain('fix');
    const remote = await git(repo, ['rev-parse', `refs/heads/drover/${taskId}`]);
    expect(remote).toBe(result.commit);
    expect(await git(repo, ['show', `${remote}:a.txt`])).toBe('fixed');
    // git commit and drover report run outside codex's sandbox: each asked, each approved by policy.
    expect(
      result.dialogs.filter((d) => d.kind === 'permission' && d.decision === 'approve').length,
    ).toBeGreaterThanOrEqual(2);
    expect(result.dialogs.some((d) => d.decision === 'ask-human')).toBe(false);
    expect((await rig.workers!.tmux.listPanes()).filter((p) => p.windowName === tmuxWindowName(taskId))).toHaveLength(
      1,
    );
    expect(existsSync('/tmp/pwned-drover-codex')).toBe(false);

    const requests = rig.model.requests(taskId);
    expect(requests.every((r) => r.url.endsWith('/responses'))).toBe(true);
    expect(String(requests[0]?.headers['user-agent'])).toMatch(/^codex-tui\/0\.169\.0 /);
    expect(JSON.stringify(requests.map((r) => r.body))).toContain(JSON.stringify(objective).slice(1, -1));
    expect(requests.filter((r) => r.kind === 'main').map((r) => r.turnIndex)).toEqual(
      expect.arrayContaining([0, 1, 2, 3, 4]),
    );

    // The per-task CODEX_HOME: the rehearsal provider and the worktree trusted; no secret in history.
    const config = await readFile(path.join(rig.config.droverHome, 'homes', taskId, '.codex', 'config.toml'), 'utf8');
    expect(config).toContain(`base_url = "${rig.model.routeUrl(taskId)}"`);
    expect(config).toContain(`[projects.${JSON.stringify(worktreeOf(repo, taskId))}]`);
    const payloads = decodedPayloads(await historyJson(rig.config.temporal.address, handle.workflowId));
    expect(payloads).not.toContain('rehearsal-key');
  });

  it('a killed codex process is relaunched with `resume --last` and the task finishes', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-codex-crash'));
    const taskId = 'cx-crash';
    const wt = worktreeOf(repo, taskId);
    const handle = await start(taskId, repo, [
      ...write(`${wt}/a.txt`, 'fixed\n'),
      bash('git status && sleep 8', 'Wait a moment'),
      commitAll('Fix'),
      reportCheckpoint('fix'),
      say('Done.\nCHECKPOINT:fix\nORCHESTRATOR:DONE'),
    ]);
    const pane = await waitFor(
      'the agent to run the long command',
      async () => {
        const screen = await rig
          .workers!.tmux.capture((await handle.query(stateQuery)).paneId ?? '%none', 50)
          .catch(() => '');
        if (!/Running git status && sleep 8/.test(screen) || /Would you like to run/.test(screen)) return undefined;
        return (await rig.workers!.tmux.findWindow(tmuxWindowName(taskId)))!;
      },
      90_000,
    );
    process.kill(pane.panePid, 'SIGKILL');
    const result = await resultWithin<TaskResult>(handle, 120_000);
    expect(result.state).toBe('done');
    const s: TaskState = await handle.query(stateQuery);
    expect(s.crashes).toBe(1);
    expect(s.events.some((e) => /agent relaunched \(resumed session/.test(e.what))).toBe(true);
    expect(await git(repo, ['show', `refs/heads/drover/${taskId}:a.txt`])).toBe('fixed');
  });
});
