import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevServerHandle } from '../../src/dev/dev-server.js';
import { keysToChoose, denyKeys } from '../../src/domain/dialog-policy.js';
import type { Dialog } from '../../src/domain/screen-classifier.js';
import { CRASH_CONTINUE_TEXT, NUDGE_TEXT } from '../../src/domain/task-decisions.js';
import type { SupervisionPolicy, TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { workflowBundle } from '../../src/workers/bundle.js';
import { abortSignal, approveUpdate, denyUpdate, stateQuery, steerSignal } from '../../src/workflows/task-messages.js';
import { startTestTemporal } from '../support/harness.js';
import {
  GOOD_FACTS,
  NO_COMMIT_FACTS,
  StubHost,
  type ScriptedEvent,
  type StubCalls,
  type WatchScript,
} from './stub-host.js';

/**
 * The task workflow's decisions, fast: the REAL agentTaskWorkflow on a real dev server (not the
 * time-skipping test server: the SDK downloads it, and this machine is offline), with STUB host
 * activities (stub-host.ts) that script what the watch sees, and policy times of a second or two.
 */
let server: DevServerHandle;
let tmp: string;
let connection: NativeConnection;
let client: Client;
let clientConnection: Connection;
let worker: Worker;
let working: Promise<void>;
const taskQueue = `task-logic-${process.pid}`;
const stubs = new StubHost(taskQueue);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'drover-task-logic-'));
  server = await startTestTemporal(tmp);
  connection = await NativeConnection.connect({ address: server.address });
  clientConnection = await Connection.connect({ address: server.address });
  client = new Client({ connection: clientConnection, namespace: 'default' });
  worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: stubs.activities,
  });
  working = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await working;
  await clientConnection?.close();
  await connection?.close();
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const FAST: Partial<SupervisionPolicy> = {
  idleSeconds: 1,
  nudgeCooldownSeconds: 1,
  nudgeCap: 3,
  crashCap: 3,
  revisionCap: 3,
  humanWaitSeconds: 2,
};
const idle = { kind: 'idle', quietSeconds: 1 } as const;
const done = { kind: 'done', doneCount: 1 } as const;
const dialogOf = (command: string): Dialog => ({
  kind: 'permission',
  tool: 'bash',
  command,
  options: [
    { index: 1, label: 'Yes', selected: true },
    { index: 2, label: 'No', selected: false },
  ],
  text: `Bash command\n${command}\nDo you want to proceed?`,
});
/** The watch sees these in order, then a quiet pane. */
const inOrder =
  (...events: ScriptedEvent[]): WatchScript =>
  (_input, n) =>
    events[n] ?? 'block';

let seq = 0;

interface Run {
  handle: WorkflowHandle;
  calls: StubCalls;
}

/** Starts the real workflow on a fresh queue served by a worker with stub activities. */
async function runTask(
  script: WatchScript,
  over: {
    policy?: Partial<SupervisionPolicy>;
    agent?: string;
    facts?: Parameters<StubHost['register']>[2];
    budget?: TaskInput['budget'];
  } = {},
  during?: (run: Run) => Promise<void>,
): Promise<{ result: TaskResult; state: TaskState; calls: StubCalls }> {
  seq += 1;
  const workflowId = `task-logic-${process.pid}-${seq}`;
  const calls = stubs.register(workflowId, script, over.facts);
  const input: TaskInput = {
    taskId: `logic-${seq}`,
    repo: '/stub/repo',
    branch: `drover/logic-${seq}`,
    objective: 'Fix a.txt.',
    agent: over.agent ?? 'claude',
    policy: { ...FAST, ...over.policy },
    ...(over.budget ? { budget: over.budget } : {}),
  };
  const handle = await client.workflow.start('agentTaskWorkflow', { taskQueue, workflowId, args: [input] });
  if (during) await during({ handle, calls });
  const result = (await handle.result()) as TaskResult;
  const state = await handle.query(stateQuery);
  return { result, state, calls };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const phaseIs = (handle: WorkflowHandle, phase: TaskState['phase']) =>
  until(`phase ${phase}`, async () => ((await handle.query(stateQuery)).phase === phase ? true : undefined));
const submitted = (state: TaskState) =>
  state.events
    .map((e) => e.what)
    .filter((w) => / submitted \(/.test(w))
    .map((w) => w.split(' ')[0]);
const decided = (state: TaskState, pattern: RegExp) => state.events.some((e) => pattern.test(e.what));

describe('task logic with stub host activities', () => {
  it('nudges after the cooldown, up to the cap, then escalates; nobody answers: aborted', async () => {
    const { result, state, calls } = await runTask(() => idle, { policy: { nudgeCap: 2 } });
    expect(result.state).toBe('aborted');
    expect(result.reason).toBe('escalated: nudge cap reached and no human answered');
    expect(submitted(state)).toEqual(['brief', 'nudge', 'nudge']);
    expect(calls.delivered.slice(1)).toEqual([NUDGE_TEXT.idle, NUDGE_TEXT.idle]);
    expect(state.nudges).toBe(2);
    expect(calls.notified.map((n) => n.level)).toEqual(['escalated']);
    expect(calls.notified[0]!.message).toMatch(/idle after 2 nudges/);
    // escalated and unanswered: the agent is stopped where it is (window and worktree stay)
    expect(calls.halted).toEqual([state.taskId]);
    expect(decided(state, /^agent stopped: Ctrl-C/)).toBe(true);
    // the watch may nudge itself only while a nudge is due, never before the cooldown ends
    expect(calls.watches[0]!.act?.nudge).toBeUndefined(); // before the brief
    expect(calls.watches[1]!.act?.nudge?.notBefore).toBe(1000); // never nudged: cooldown from 0
    expect(calls.watches[2]!.act?.nudge?.notBefore).toBeGreaterThan(1000);
    expect(calls.watches.at(-1)!.act?.nudge).toBeUndefined(); // at the cap
    // the second nudge waited out the 1 s cooldown: a wait recorded no earlier than 1 s after the first
    const at = state.events.filter((e) => e.what.startsWith('nudge submitted')).map((e) => Date.parse(e.at));
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1000);
  });

  it('relaunches a crashed agent under the cap (then continues it), escalates past it', async () => {
    const crashed = { kind: 'crashed', reason: 'stub: pane dead' } as const;
    const { result, state, calls } = await runTask(inOrder(idle, crashed, idle, crashed), { policy: { crashCap: 1 } });
    expect(calls.spawned).toHaveLength(2);
    expect(decided(state, /relaunch 1\/1/)).toBe(true);
    expect(calls.delivered[1]).toBe(CRASH_CONTINUE_TEXT);
    expect(submitted(state)).toEqual(['brief', 'continue']);
    expect(state.crashes).toBe(2);
    expect(calls.notified.map((n) => n.message)).toEqual([expect.stringMatching(/crashed 2 times \(cap 1\)/)]);
    expect(result).toMatchObject({ state: 'aborted', reason: 'escalated: crash cap reached and no human answered' });
  });

  it('an escalation answered by a steer goes on with fresh caps, then verifies', async () => {
    const STEER = 'Drover steer: finish it now.';
    const script: WatchScript = (_input, _n, calls) => (calls.delivered.includes(STEER) ? done : idle);
    const run = await runTask(script, { policy: { nudgeCap: 0, humanWaitSeconds: 30 } }, async ({ handle, calls }) => {
      await phaseIs(handle, 'escalated');
      // while the notification still goes out (the stub's takes 1.5 s): the steer answers the escalation all the same
      await until('the escalation notifying', async () => (calls.notified.length > 0 ? true : undefined));
      await handle.signal(steerSignal, STEER);
    });
    expect(run.result.state).toBe('done');
    expect(run.calls.delivered[1]).toBe(STEER);
    expect(submitted(run.state)).toEqual(['brief', 'steer']);
    expect(decided(run.state, /a human answered the escalation/)).toBe(true);
    expect(run.state.nudges).toBe(0);
    expect(run.result.commit).toBe(GOOD_FACTS.head);
  });

  it('a wall-time budget: the watch returns by its end, the task ends escalated with the figures and its agent stopped', async () => {
    const { result, state, calls } = await runTask(inOrder(idle), {
      budget: { wallSeconds: 4 },
      policy: { idleSeconds: 60 },
    });
    expect(result.state).toBe('escalated');
    expect(result.reason).toMatch(/^wall-time budget reached: \d+s since the task started, budget 4s$/);
    expect(calls.watches.every((w) => w.maxWaitSeconds <= 4)).toBe(true);
    expect(calls.halted).toEqual([state.taskId]);
  });

  it('abort while supervising ends the task at once and cancels the watch', async () => {
    const run = await runTask(inOrder(idle), {}, async ({ handle, calls }) => {
      await until('a blocked watch', async () => (calls.watches.length >= 2 ? true : undefined));
      await handle.signal(abortSignal, 'stub: stop now');
    });
    expect(run.result).toMatchObject({ state: 'aborted', reason: 'stub: stop now' });
    expect(run.state.phase).toBe('aborted');
    expect(run.calls.halted).toEqual([run.state.taskId]);
    await until('the watch cancelled', async () => (run.calls.cancelledWatches > 0 ? true : undefined));
  });

  it('a dangerous dialog waits for a human: approve presses "Yes" and goes on', async () => {
    const dialog = dialogOf('rm -rf /');
    const run = await runTask(
      (_i, n) => (n === 1 ? { kind: 'dialog', dialog } : n === 2 ? done : n === 0 ? idle : 'block'),
      {},
      async ({ handle }) => {
        await phaseIs(handle, 'waiting-human');
        expect((await handle.query(stateQuery)).pendingDialog?.command).toBe('rm -rf /');
        await handle.executeUpdate(approveUpdate, { args: [{}] });
      },
    );
    expect(run.result.state).toBe('done');
    expect(run.calls.keys).toEqual([keysToChoose(dialog, 1)]);
    expect(run.state.dialogs.map((d) => [d.decision, d.decidedBy])).toEqual([
      ['ask-human', 'policy'],
      ['approve', 'human'],
    ]);
    expect(run.state.pendingDialog).toBeUndefined();
  });

  it('a dangerous dialog denied by a human: "No" is pressed and the task aborted', async () => {
    const dialog = dialogOf('rm -rf /');
    const run = await runTask(inOrder(idle, { kind: 'dialog', dialog }), {}, async ({ handle }) => {
      await phaseIs(handle, 'waiting-human');
      await handle.executeUpdate(denyUpdate, { args: [{}] });
    });
    expect(run.result).toMatchObject({ state: 'aborted', reason: 'denied by a human: rm -rf /' });
    expect(run.calls.keys).toEqual([denyKeys(dialog)]);
    expect(run.state.dialogs.at(-1)).toMatchObject({ decision: 'deny', decidedBy: 'human' });
  });

  it('a safe dialog is approved by the policy without a human', async () => {
    const dialog = dialogOf('npm test');
    const run = await runTask(inOrder(idle, { kind: 'dialog', dialog }, done));
    expect(run.result.state).toBe('done');
    expect(run.calls.keys).toEqual([['Enter']]);
    expect(run.state.dialogs.map((d) => [d.decision, d.decidedBy])).toEqual([['approve', 'policy']]);
  });

  it('failed verification re-briefs; past the revision cap the next agent of the chain takes over', async () => {
    const script: WatchScript = (_input, n) => (n % 2 === 0 ? idle : done);
    const run = await runTask(script, {
      agent: 'claude,codex',
      policy: { revisionCap: 1 },
      facts: (n) => (n < 2 ? NO_COMMIT_FACTS : GOOD_FACTS),
    });
    expect(run.result.state).toBe('done');
    expect(submitted(run.state)).toEqual(['brief', 'rebrief', 'brief']);
    expect(run.calls.delivered[1]).toMatch(/no commit on/);
    expect(run.calls.delivered[2]).toMatch(/claude/); // the handoff note in front of codex's brief
    expect(run.calls.spawned.map((s) => s.agent)).toEqual(['claude', 'codex']);
    expect(run.calls.spawned[0]!.sessionId).not.toBe(run.calls.spawned[1]!.sessionId);
    expect(run.calls.stopped).toHaveLength(1);
    expect(run.state.handoffs).toEqual([
      expect.objectContaining({ from: 'claude', to: 'codex', reason: 'its work failed verification 2 times (cap 1)' }),
    ]);
    expect(run.state).toMatchObject({ agent: 'codex', revisions: 0 });
  });
});
