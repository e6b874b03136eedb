import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../../src/config/config.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { taskWorkflowId } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { stateQuery } from '../../src/workflows/task-messages.js';
import { denyUpdate } from '../../src/workflows/task-messages.js';
import { resultWithin, rigEnv, startRig, type Rig } from '../support/harness.js';
import { makeRepo, waitFor } from '../support/repo.js';
import { bash, fixAndFinish, reportDone, say } from '../support/scenarios.js';

/** Issue 21: what a careless and a hostile user found, each with the real claude CLI and a scripted model. */
let rig: Rig;
/** A generic webhook receiver: the bodies the worker posted. */
let hook: Server;
const posted: { message?: string }[] = [];

beforeAll(async () => {
  rig = await startRig('hard');
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posted.push(JSON.parse(body) as { message?: string });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const port = (hook.address() as { port: number }).port;
  Object.assign(rig.config.notify, { webhookUrl: `http://127.0.0.1:${port}/hook`, webhookKind: 'generic' });
  await rig.startWorkers();
});

afterAll(async () => {
  await rig?.close();
  hook?.close();
});

async function drover(...args: string[]) {
  return execa('node', [path.join(projectRoot(), 'bin', 'drover.mjs'), ...args], {
    env: { ...process.env, ...rigEnv(rig) },
    reject: false,
    timeout: 60_000,
  });
}

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

  it('a two-line command waiting for a human is shown whole and escaped, with the reason, everywhere; once denied the agent is ended', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-two-lines'));
    const outside = path.join(rig.tmp, 'outside-two-lines');
    const taskId = 'two-lines';
    const command = `git status\ntouch ${outside}`;
    const handle = await start(taskId, repo, [bash(command, 'Look around'), ...fixAndFinish(worktreeOf(repo, taskId))]);
    const waiting = await waitFor(
      'the dialog to wait for a human',
      async () => {
        const s: TaskState = await handle.query(stateQuery);
        return s.pendingDialog ? s : undefined;
      },
      90_000,
    );
    expect(waiting.pendingDialog?.command).toBe(command);
    const shown = `git status\\ntouch ${outside}`;
    const reasonPart = /touch|outside|allowlist/;

    const table = await drover('status');
    expect(table.exitCode, table.stderr).toBe(0);
    const row = table.stdout.split('\n').find((l) => l.startsWith(handle.workflowId));
    expect(row, table.stdout).toContain(shown); // the whole command, on the task's one row
    expect(table.stdout.split('\n').filter((l) => l.includes(outside))).toHaveLength(1);

    const detail = await drover('status', taskId);
    const waitLine = detail.stdout.split('\n').find((l) => l.startsWith('WAITING'));
    expect(waitLine, detail.stdout).toContain(shown);
    expect(waitLine).toMatch(reasonPart);

    const logs = await drover('logs', taskId);
    const asked = logs.stdout.split('\n').find((l) => l.includes('dialog needs a human'));
    expect(asked, logs.stdout).toContain(shown);

    const notes = await readFile(path.join(rig.config.droverHome, 'notifications.log'), 'utf8');
    const note = notes.split('\n').find((l) => l.includes(taskId) && l.includes('ACTION-NEEDED'));
    expect(note, notes).toContain(shown);
    expect(note).toMatch(reasonPart);
    const hooked = await waitFor(
      'the webhook post',
      async () => posted.find((p) => p.message?.includes(outside)),
      10_000,
    );
    expect(hooked.message).toContain(shown);

    const meta = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
    expect(meta.currentDetails).toContain(shown);

    await handle.executeUpdate(denyUpdate);
    const result = await resultWithin<TaskResult>(handle, 60_000);
    expect(result.state).toBe('aborted');
    const after = await drover('status');
    const ended = after.stdout.split('\n').find((l) => l.startsWith(handle.workflowId))!;
    expect(ended.split(/\s{2,}/).slice(0, 3), after.stdout).toEqual([handle.workflowId, 'aborted', 'ended']);
  });
});
