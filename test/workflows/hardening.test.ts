import { existsSync } from 'node:fs';
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
import { abortSignal, denyUpdate } from '../../src/workflows/task-messages.js';
import { tmuxWindowName } from '../../src/domain/identifiers.js';
import { processRunning } from '../support/processes.js';
import { resultWithin, rigEnv, startRig, type Rig } from '../support/harness.js';
import { git, makeRepo, waitFor } from '../support/repo.js';
import { bash, commitAll, fixAndFinish, reportDone, say, write } from '../support/scenarios.js';

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
    // issue 21 item 5: each startup dialog is answered, and recorded, once
    expect(
      log.filter((l) => l.startsWith('approved api-key')),
      log.join('\n'),
    ).toHaveLength(1);
    expect(s.dialogs.filter((d) => d.kind === 'api-key')).toHaveLength(1);
    expect(log.filter((l) => l.startsWith('approved trust-folder'))).toHaveLength(1);
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

    await handle.executeUpdate(denyUpdate, { args: [{}] });
    const result = await resultWithin<TaskResult>(handle, 60_000);
    expect(result.state).toBe('aborted');
    const after = await drover('status');
    const ended = after.stdout.split('\n').find((l) => l.startsWith(handle.workflowId))!;
    expect(ended.split(/\s{2,}/).slice(0, 3), after.stdout).toEqual([handle.workflowId, 'aborted', 'ended']);
  });

  it('failed, terminated and aborted tasks: status, logs and cleanup say how each ended; cleanup ends their agents, removes what has nothing to lose and keeps unpushed work', async () => {
    const idle = { policy: { idleSeconds: 120, nudgeCooldownSeconds: 60 } };
    // aborted with no commit at all
    const repoA = await makeRepo(path.join(rig.tmp, 'repo-c-abort'));
    const aborted = await start('c-abort', repoA, [say('Looking around first.'), say('ok')], idle);
    // terminated with a local commit it never pushed
    const repoU = await makeRepo(path.join(rig.tmp, 'repo-c-unpushed'));
    const wtU = worktreeOf(repoU, 'c-unpushed');
    const unpushed = await start(
      'c-unpushed',
      repoU,
      [...write(`${wtU}/a.txt`, 'local only\n'), commitAll('Local only'), say('Committed, thinking.'), say('ok')],
      idle,
    );
    // started around the CLI (which refuses it now) on a protected branch: fails in prepare
    const failed = await start('c-failed', repoA, [say('never')], { branch: 'main' });
    await expect(failed.result()).rejects.toThrow();

    const briefed = (h: typeof aborted) =>
      waitFor('the brief', async () => ((await h.query(stateQuery)).briefSubmittedAt ? true : undefined), 90_000);
    await briefed(aborted);
    await waitFor(
      'the local commit',
      async () => ((await git(wtU, ['log', '--oneline'])).includes('Local only') ? true : undefined),
      90_000,
    );
    const pids: Record<string, number> = {};
    for (const id of ['c-abort', 'c-unpushed'])
      pids[id] = (await rig.workers!.tmux.findWindow(tmuxWindowName(id)))!.panePid;
    await aborted.signal(abortSignal, 'the test aborts it');
    expect((await resultWithin<TaskResult>(aborted, 30_000)).state).toBe('aborted');
    await unpushed.terminate('stopped by the test');

    const status = await drover('status');
    const row = (id: string) => status.stdout.split('\n').find((l) => l.startsWith(`task/adhoc/${id} `)) ?? '';
    expect(
      row('c-failed')
        .split(/\s{2,}/)
        .slice(1, 3),
      status.stdout,
    ).toEqual(['failed', 'ended']);
    expect(row('c-failed')).toContain('branch main is protected');
    expect(
      row('c-unpushed')
        .split(/\s{2,}/)
        .slice(1, 3),
      status.stdout,
    ).toEqual(['terminated', 'ended']);
    expect(row('c-unpushed')).toContain('stopped by the test');
    expect(
      row('c-abort')
        .split(/\s{2,}/)
        .slice(1, 3),
      status.stdout,
    ).toEqual(['aborted', 'ended']);
    const logs = await drover('logs', 'c-failed');
    expect(logs.exitCode, logs.stderr).toBe(0);
    expect(logs.stdout.trim().split('\n').at(-1)).toMatch(/workflow failed: .*branch main is protected/);
    const detail = await drover('status', 'c-unpushed');
    expect(detail.stdout).toMatch(/phase\s+terminated/);

    const clean = await drover('cleanup', 'adhoc', '--json');
    expect(clean.exitCode, clean.stderr).toBe(0);
    const outcomes = JSON.parse(clean.stdout) as {
      task: string;
      ended: string;
      agent: string;
      action: string;
      why: string;
    }[];
    const of = (id: string) => outcomes.find((o) => o.task === id);
    expect(of('c-failed'), clean.stdout).toMatchObject({
      ended: expect.stringMatching(/^failed: .*branch main is protected/),
    });
    expect(of('c-abort'), clean.stdout).toMatchObject({
      ended: expect.stringMatching(/^aborted: the test aborts it/),
      // the abort stopped the agent already; cleanup closes its window
      agent: 'had exited; window closed',
      action: 'removed',
      why: expect.stringContaining('no commits of its own'),
    });
    expect(of('c-unpushed'), clean.stdout).toMatchObject({
      ended: expect.stringMatching(/^terminated: .*stopped by the test/),
      agent: expect.stringMatching(/^ended pid \d+/),
      action: 'kept',
      why: expect.stringContaining(`1 commit(s) on drover/c-unpushed not on the remote: kept at ${wtU}`),
    });
    for (const id of ['c-abort', 'c-unpushed']) {
      expect(processRunning(pids[id]!), id).toBe(false);
      expect(await rig.workers!.tmux.findWindow(tmuxWindowName(id)), id).toBeUndefined();
    }
    expect(existsSync(worktreeOf(repoA, 'c-abort'))).toBe(false);
    expect(existsSync(wtU)).toBe(true);
    // again, as a table: nothing left to end, the unpushed work still named, and how to end the tmux server
    const again = await drover('cleanup', 'adhoc');
    const unpushedRow = again.stdout.split('\n').find((l) => l.startsWith('c-unpushed '));
    expect(unpushedRow, again.stdout).toMatch(
      /no agent window\s+kept\s+1 commit\(s\) on drover\/c-unpushed not on the remote/,
    );
    expect(again.stdout).toContain(`tmux -L ${rig.config.tmuxSocket} kill-server`);
  }, 240_000);
});
