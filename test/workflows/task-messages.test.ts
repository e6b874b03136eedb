import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/config.js';
import { taskWorkflowId } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { pauseSignal, resumeSignal, stateQuery } from '../../src/workflows/task-messages.js';
import { resultWithin, rigEnv, startRig, type Rig } from '../support/harness.js';
import { decodedPayloads, historyJson } from '../support/history.js';
import { makeRepo, waitFor } from '../support/repo.js';
import { bash, fixAndFinish, say } from '../support/scenarios.js';

/**
 * Agent-to-agent messages with the real claude CLI: task a's agent runs `drover send b TEXT`
 * mid-run; b (paused, so the message waits) gets it after its worker was SIGKILLed and replaced,
 * and b's agent receives it once, prefixed with the sender. Both histories hold it.
 */

let rig: Rig;

beforeAll(async () => {
  rig = await startRig('mail');
});

afterAll(async () => {
  await rig?.close();
});

function worktreeOf(repo: string, taskId: string): string {
  return path.join(rig.config.workspace, 'repos', repoKey(repo), 'worktrees', taskId);
}

async function start(taskId: string, repo: string, turns: unknown[]) {
  const input: TaskInput = {
    taskId,
    repo,
    branch: `drover/${taskId}`,
    objective: 'Fix a.txt so it says fixed, then commit.',
    steps: ['fix'],
    scenario: { turns },
    // no nudge while b waits for its message
    policy: { idleSeconds: 240, nudgeCooldownSeconds: 60 },
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

const TEXT = 'The parser API is in src/parse.ts, use parseLine (marker 7f3a)';

describe('messages between tasks', () => {
  it('task a sends task b a message mid-run; b’s agent receives it once, even with the worker killed in between', async () => {
    let worker = rig.spawnWorker();
    const repoA = await makeRepo(path.join(rig.tmp, 'repo-a'));
    const repoB = await makeRepo(path.join(rig.tmp, 'repo-b'));
    const b = await start('b', repoB, [say('Ready; waiting for a message.'), ...fixAndFinish(worktreeOf(repoB, 'b'))]);
    await waitFor('b briefed', async () => ((await b.query(stateQuery)).briefSubmittedAt ? true : undefined), 90_000);
    await b.signal(pauseSignal);
    const a = await start('a', repoA, [
      bash(`drover send b "${TEXT}"`, 'Tell task b where the API is'),
      ...fixAndFinish(worktreeOf(repoA, 'a')),
    ]);
    const queued = await waitFor(
      'b to hold the message',
      async () => {
        const s: TaskState = await b.query(stateQuery);
        return s.messages?.find((m) => m.direction === 'received') ? s : undefined;
      },
      90_000,
    );
    expect(queued.messages).toEqual([
      {
        direction: 'received',
        peer: 'task/adhoc/a',
        id: expect.stringMatching(/^msg-/),
        text: TEXT,
        at: expect.any(String),
      },
    ]);
    // the worker dies with the message accepted and not yet delivered
    worker.kill('SIGKILL');
    await worker;
    await new Promise((r) => setTimeout(r, 2000));
    worker = rig.spawnWorker();
    await b.signal(resumeSignal);

    const [ra, rb] = await Promise.all([resultWithin<TaskResult>(a, 150_000), resultWithin<TaskResult>(b, 150_000)]);
    expect(ra.state).toBe('done');
    expect(rb.state).toBe('done');

    // b's agent got it once, prefixed with the sender: count the user turns carrying it in b's last request
    type Conversation = { messages?: { role: string; content: unknown }[] };
    // the longest conversation b's claude sent (side requests carry less)
    const last = rig.model
      .requests('b')
      .map((r) => r.body as Conversation | undefined)
      .filter((body): body is Required<Conversation> => Array.isArray(body?.messages))
      .reduce((a, c) => (c.messages.length > a.messages.length ? c : a));
    const carrying = last.messages.filter(
      (m) => m.role === 'user' && JSON.stringify(m.content).includes('marker 7f3a'),
    );
    expect(carrying).toHaveLength(1);
    expect(JSON.stringify(carrying[0]!.content)).toContain('Message from task a (another agent');

    // in both tasks' state and in both histories
    const sa: TaskState = await a.query(stateQuery);
    expect(sa.messages).toEqual([
      { direction: 'sent', peer: 'task/adhoc/b', id: queued.messages![0]!.id, text: TEXT, at: expect.any(String) },
    ]);
    expect(sa.dialogs.find((d) => d.command?.startsWith('drover send'))).toMatchObject({
      decision: 'approve',
      rule: 'drover:send',
    });
    const sb: TaskState = await b.query(stateQuery);
    expect(sb.events.filter((e) => e.what.startsWith('message submitted'))).toHaveLength(1);
    for (const id of [a.workflowId, b.workflowId])
      expect(decodedPayloads(await historyJson(rig.config.temporal.address, id)), id).toContain('marker 7f3a');

    // refused with the reason: an unknown task, a finished one
    const unknown = await drover('send', 'nosuch', 'hello');
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toContain('no task task/adhoc/nosuch');
    const finished = await drover('send', 'a', 'hello');
    expect(finished.exitCode).not.toBe(0);
    expect(finished.stderr).toContain('task task/adhoc/a has ended (completed): messages go only to running tasks');
  });
});
