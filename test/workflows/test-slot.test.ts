import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TmuxClient } from '../../src/host/tmux/tmux-client.js';
import { projectRoot } from '../../src/config/config.js';
import { taskWorkflowId, testSlotWorkflowId } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import type { SlotRequest, SlotState } from '../../src/domain/test-slot.js';
import { stateQuery } from '../../src/workflows/task-messages.js';
import { slotReleaseSignal, slotRequestSignal, slotStateQuery } from '../../src/workflows/test-slot-messages.js';
import { resultWithin, rigEnv, startRig, type Rig } from '../support/harness.js';
import { makeRepo, waitFor } from '../support/repo.js';
import { bash, commitAll, reportDone, say } from '../support/scenarios.js';
import { processAlive } from '../support/processes.js';

let rig: Rig;
const sockets: string[] = [];

/** Another host on this machine: its own id, Drover home (workspace) and tmux server. */
function hostEnv(id: string): Record<string, string> {
  const socket = `drover-test-slot-${id}-${process.pid}`;
  sockets.push(socket);
  return { DROVER_HOST_ID: `slot-${id}`, DROVER_HOME: path.join(rig.tmp, `drover-${id}`), DROVER_TMUX_SOCKET: socket };
}

beforeAll(async () => {
  rig = await startRig('slot');
});

/**
 * Host c's worker (a process), started by the first test that needs it: the SIGKILL test starts
 * it only after host b died, every other test asks for it, so each one runs alone too (`-t`).
 */
let hostC: ReturnType<Rig['spawnWorker']> | undefined;
function ensureHostC(): void {
  if (hostC === undefined || hostC.exitCode !== null) hostC = rig.spawnWorker(hostEnv('c'));
}

afterAll(async () => {
  await rig?.close();
  for (const socket of sockets)
    await new TmuxClient({ socket, session: 'drover', width: 220, height: 50, serverEnv: {} })
      .killServer()
      .catch(() => undefined);
});

/** A validation command that logs `start|tick|end <id> <epoch ms> <pid>` lines to a shared file, ticking every 100 ms. */
const TICKER = `const fs=require('fs');const [file,id,ms]=process.argv.slice(1);const log=(w)=>fs.appendFileSync(file,w+' '+id+' '+Date.now()+' '+process.pid+'\\n');log('start');const iv=setInterval(()=>log('tick'),100);setTimeout(()=>{clearInterval(iv);log('end');},Number(ms));`;
const ticker = (file: string, id: string, ms: number) => ['node', '-e', TICKER, file, id, String(ms)];

interface Run {
  id: string;
  pid: number;
  start: number;
  last: number;
  ended: boolean;
}

async function runsIn(file: string): Promise<Map<string, Run>> {
  const runs = new Map<string, Run>();
  const text = existsSync(file) ? await readFile(file, 'utf8') : '';
  for (const line of text.split('\n').filter(Boolean)) {
    const [kind, id, at, pid] = line.split(' ');
    const t = Number(at);
    const run = runs.get(id!) ?? { id: id!, pid: Number(pid), start: t, last: t, ended: false };
    run.last = Math.max(run.last, t);
    if (kind === 'end') run.ended = true;
    runs.set(id!, run);
  }
  return runs;
}

/** A task whose scripted agent fixes a.txt (relative paths: the host, hence the worktree, is not known in advance). */
function taskInput(taskId: string, repo: string, validate: TaskInput['validate']): TaskInput {
  return {
    taskId,
    repo,
    branch: `drover/${taskId}`,
    objective: 'Fix a.txt so it says fixed, then commit.',
    steps: [],
    scenario: {
      turns: [
        bash('echo fixed > a.txt', 'Fix a.txt'),
        commitAll('Fix a.txt'),
        reportDone(),
        say('Done.\nORCHESTRATOR:DONE'),
      ],
    },
    policy: { idleSeconds: 3, nudgeCooldownSeconds: 2 },
    validate,
  };
}

const startTask = (input: TaskInput) =>
  rig.client.workflow.start('agentTaskWorkflow', {
    taskQueue: rig.config.taskQueue,
    workflowId: taskWorkflowId(input.taskId),
    args: [input],
  });

/** A running workflow that only serves as a slot holder (it accepts and ignores the grant signal). */
async function dummyHolder(id: string): Promise<string> {
  const workflowId = `dummy-holder/${id}`;
  await rig.client.workflow.start('testSlotWorkflow', {
    taskQueue: rig.config.taskQueue,
    workflowId,
    args: [{ name: `dummy-${id}` }],
  });
  return workflowId;
}

async function request(
  slot: string,
  holderWorkflowId: string,
  requestId: string,
  leaseSeconds: number,
  slotInput: Record<string, unknown> = {},
): Promise<void> {
  const req: SlotRequest = { holderWorkflowId, requestId, leaseSeconds, requestedAt: new Date().toISOString() };
  await rig.client.workflow.signalWithStart('testSlotWorkflow', {
    taskQueue: rig.config.taskQueue,
    workflowId: testSlotWorkflowId(slot),
    args: [{ name: slot, ...slotInput }],
    signal: slotRequestSignal,
    signalArgs: [req],
  });
}

const slotState = (slot: string): Promise<SlotState> =>
  rig.client.workflow.getHandle(testSlotWorkflowId(slot)).query(slotStateQuery);

async function holderBecomes(slot: string, requestId: string, timeoutMs: number): Promise<SlotState> {
  return waitFor(
    `${requestId} to hold slot ${slot}`,
    async () => {
      const s = await slotState(slot);
      return s.holder?.requestId === requestId ? s : undefined;
    },
    timeoutMs,
    50,
  );
}

describe('TestSlot: one validation at a time per slot, across hosts and crashes', () => {
  it('a holder whose worker is SIGKILLed mid-validation loses the slot at its lease; its orphaned process stops before the next grant', async () => {
    const workerB = rig.spawnWorker(hostEnv('b'));
    const repo = await makeRepo(path.join(rig.tmp, 'repo-kill'));
    const log = path.join(rig.tmp, 'ticks-kill.log');
    const handle = await startTask(
      taskInput('killed', repo, {
        argv: ticker(log, 'killed', 60_000),
        slot: 'kill',
        timeoutSeconds: 6,
        leaseSeconds: 12,
      }),
    );
    await waitFor(
      'the validation to start on host b',
      async () => ((await runsIn(log)).get('killed') ? true : undefined),
      120_000,
    );
    const waiter = await dummyHolder('kill');
    await request('kill', waiter, 'after-kill', 30);
    await waitFor(
      'the waiter to be queued',
      async () => ((await slotState('kill')).queue.some((r) => r.requestId === 'after-kill') ? true : undefined),
      10_000,
      50,
    );
    workerB.kill('SIGKILL');
    await workerB;
    ensureHostC(); // the only worker from now on (host b stays dead)

    const granted = await holderBecomes('kill', 'after-kill', 60_000);
    const grantAt = Date.parse(granted.holder!.grantedAt);
    const ended = granted.recent.find((r) => r.holderWorkflowId === handle.workflowId)!;
    expect(ended.reason).toBe('lease of 12s exceeded');
    const heldMs = grantAt - Date.parse(ended.grantedAt!);
    // revoked at the lease (12 s), plus at most the 3 s the slot waits for host b's reaper, plus
    // scheduling: ~15 s idle, 24 s at a load average of ~18 (three runs here failed a bound of 18 s).
    // The property is "at the lease, long before the holder's 60 s command ends", which 40 s keeps.
    expect(heldMs).toBeGreaterThanOrEqual(12_000);
    expect(heldMs).toBeLessThan(40_000);
    const orphan = (await runsIn(log)).get('killed')!;
    expect(orphan.ended).toBe(false);
    expect(orphan.last - orphan.start).toBeLessThan(7_500); // the watchdog stopped it at its 6 s timeout
    expect(orphan.last).toBeLessThan(grantAt);
    expect(processAlive(orphan.pid)).toBe(false);
    console.log(
      `[slot] SIGKILLed holder: held ${heldMs} ms (lease 12 s), orphan ran ${orphan.last - orphan.start} ms, next grant ${grantAt - orphan.last} ms after its last tick`,
    );
    await handle.terminate('test over');
    await rig.client.workflow.getHandle(waiter).terminate('test over');
  });

  it('grants FIFO, ignores duplicate requests, skips a gone holder, releases promptly and keeps its queue across continue-as-new', async () => {
    ensureHostC();
    const slot = 'fifo';
    const holders = await Promise.all(['1', '2', '3', '4', '5'].map((i) => dummyHolder(`fifo-${i}`)));
    const gone = await dummyHolder('fifo-gone');
    const order = ['r1', 'r2', 'r-gone', 'r3', 'r4', 'r5'];
    const holderOf: Record<string, string> = {
      r1: holders[0]!,
      r2: holders[1]!,
      'r-gone': gone,
      r3: holders[2]!,
      r4: holders[3]!,
      r5: holders[4]!,
    };
    for (const id of order) await request(slot, holderOf[id]!, id, 60, { maxGrantsPerRun: 2 });
    await request(slot, holderOf.r3!, 'r3', 60); // a retried request: no second queue entry
    await rig.client.workflow.getHandle(gone).terminate('gone before its turn');
    const first = await holderBecomes(slot, 'r1', 10_000);
    expect(first.queue.map((r) => r.requestId)).toEqual(['r2', 'r-gone', 'r3', 'r4', 'r5']);
    const firstRun = (await rig.client.workflow.getHandle(testSlotWorkflowId(slot)).describe()).runId;

    const cli = await execa('node', [path.join(projectRoot(), 'bin', 'drover.mjs'), 'slot', 'status', slot, '--json'], {
      env: rigEnv(rig),
      reject: false,
    });
    expect(cli.exitCode, cli.stderr).toBe(0);
    const view = JSON.parse(cli.stdout) as {
      holder: { workflowId: string; leaseLeftSeconds: number };
      queue: { workflowId: string }[];
    };
    expect(view.holder.workflowId).toBe(holders[0]);
    expect(view.holder.leaseLeftSeconds).toBeGreaterThan(40);
    expect(view.queue.map((q) => q.workflowId)).toEqual([holders[1], gone, holders[2], holders[3], holders[4]]);

    const granted: string[] = ['r1'];
    const latencies: number[] = [];
    for (const next of ['r2', 'r3', 'r4', 'r5']) {
      const current = granted.at(-1)!;
      const sent = Date.now();
      await rig.client.workflow.getHandle(testSlotWorkflowId(slot)).signal(slotReleaseSignal, { requestId: current });
      await rig.client.workflow.getHandle(testSlotWorkflowId(slot)).signal(slotReleaseSignal, { requestId: current }); // idempotent
      const s = await holderBecomes(slot, next, 15_000).catch(async (error) => {
        throw new Error(
          `${String(error)}\nslot state: ${JSON.stringify(await slotState(slot).catch((e) => String(e)))}`,
        );
      });
      latencies.push(Date.now() - sent);
      granted.push(s.holder!.requestId);
    }
    expect(granted).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    const s = await slotState(slot);
    expect(s.recent.map((r) => r.requestId)).toEqual(['r1', 'r2', 'r-gone', 'r3', 'r4']);
    expect(s.recent.find((r) => r.requestId === 'r-gone')?.reason).toBe('holder workflow is gone');
    expect(s.queue).toEqual([]);
    const lastRun = (await rig.client.workflow.getHandle(testSlotWorkflowId(slot)).describe()).runId;
    expect(lastRun).not.toBe(firstRun); // continued as new after 2 grants, queue and holder carried
    console.log(`[slot] FIFO release→next grant latency ms: ${latencies.join(', ')}`);
    for (const h of holders) await rig.client.workflow.getHandle(h).terminate('test over');
  });

  it('a holder workflow terminated mid-validation frees the slot within seconds and its process is stopped before the next grant', async () => {
    ensureHostC();
    const repo = await makeRepo(path.join(rig.tmp, 'repo-term'));
    const log = path.join(rig.tmp, 'ticks-term.log');
    const handle = await startTask(
      taskInput('terminated', repo, {
        argv: ticker(log, 'terminated', 60_000),
        slot: 'term',
        timeoutSeconds: 60,
        leaseSeconds: 120,
      }),
    );
    await waitFor(
      'the validation to start',
      async () => ((await runsIn(log)).get('terminated') ? true : undefined),
      120_000,
    );
    const waiter = await dummyHolder('term');
    await request('term', waiter, 'after-term', 30);
    await waitFor(
      'the waiter to be queued',
      async () => ((await slotState('term')).queue.length === 1 ? true : undefined),
      10_000,
      50,
    );
    const terminatedAt = Date.now();
    await handle.terminate('killed by the test');
    const granted = await holderBecomes('term', 'after-term', 30_000);
    const grantAt = Date.parse(granted.holder!.grantedAt);
    expect(granted.recent.at(-1)?.reason).toBe('holder workflow terminated');
    expect(grantAt - terminatedAt).toBeLessThan(10_000); // far inside the 120 s lease
    const run = (await runsIn(log)).get('terminated')!;
    expect(run.ended).toBe(false);
    expect(run.last).toBeLessThan(grantAt);
    expect(processAlive(run.pid)).toBe(false);
    console.log(
      `[slot] terminated holder: next grant ${grantAt - terminatedAt} ms after terminate, ${grantAt - run.last} ms after its last tick`,
    );
    await rig.client.workflow.getHandle(waiter).terminate('test over');
  });

  it('a failing validation re-briefs the agent with the exit code and the output tail; the fixed branch passes', async () => {
    ensureHostC();
    const repo = await makeRepo(path.join(rig.tmp, 'repo-fail'));
    const check = `const s=require('fs').readFileSync('a.txt','utf8'); if (s !== 'fixed\\n') { console.log('a.txt says ' + JSON.stringify(s)); process.exit(1); } console.log('ok');`;
    const input: TaskInput = {
      ...taskInput('refix', repo, { argv: ['node', '-e', check], slot: 'refix', timeoutSeconds: 20 }),
      scenario: {
        turns: [
          bash('echo almost > a.txt', 'Fix a.txt'),
          commitAll('Fix a.txt'),
          reportDone(),
          say('Done.'),
          bash('echo fixed > a.txt', 'Really fix a.txt'),
          commitAll('Really fix a.txt'),
          reportDone(),
          say('Fixed for real.'),
        ],
      },
    };
    const handle = await startTask(input);
    const result = await resultWithin<TaskResult>(handle, 150_000);
    expect(result.state).toBe('done');
    const s: TaskState = await handle.query(stateQuery);
    expect(
      result.revisions,
      JSON.stringify(
        s.events.map((e) => e.what),
        null,
        1,
      ),
    ).toBe(1);
    expect(s.validations?.map((v) => [v.outcome, v.exitCode])).toEqual([
      ['failed', 1],
      ['passed', 0],
    ]);
    expect(s.validations?.[0]?.outputTail).toEqual(['a.txt says "almost\\n"']);
    const sent = JSON.stringify(rig.model.requests('refix').map((r) => r.body));
    expect(sent).toContain('exited 1; last lines:');
    expect(sent).toContain('a.txt says');
  });

  it('five tasks with --validate on two hosts: all done, no two validation runs overlap', async () => {
    ensureHostC();
    const repo = await makeRepo(path.join(rig.tmp, 'repo-five'));
    const log = path.join(rig.tmp, 'ticks-five.log');
    const ids = ['v1', 'v2', 'v3', 'v4', 'v5'];
    const started = new Date();
    const placed = async (h: { query: (q: typeof stateQuery) => Promise<TaskState> }) =>
      waitFor('placement', async () => (await h.query(stateQuery)).host, 30_000);
    // v1, v2 are placed while host c is the only worker; v3..v5 once this process's worker (host test-slot) runs too
    const handles = [];
    for (const id of ids.slice(0, 2))
      handles.push(
        await startTask(taskInput(id, repo, { argv: ticker(log, id, 1000), slot: 'five', timeoutSeconds: 30 })),
      );
    for (const h of handles) await placed(h);
    rig.workers ??= await rig.startWorkers();
    for (const id of ids.slice(2))
      handles.push(
        await startTask(taskInput(id, repo, { argv: ticker(log, id, 1000), slot: 'five', timeoutSeconds: 30 })),
      );
    const results = await Promise.all(handles.map((h) => resultWithin<TaskResult>(h, 180_000)));
    expect(results.map((r) => r.state)).toEqual(['done', 'done', 'done', 'done', 'done']);

    const runs = [...(await runsIn(log)).values()].sort((a, b) => a.start - b.start);
    expect(runs.map((r) => r.id).sort()).toEqual(ids);
    for (const r of runs) expect(r.ended).toBe(true);
    for (let i = 1; i < runs.length; i++)
      expect(runs[i]!.start, `${runs[i]!.id} started before ${runs[i - 1]!.id} ended`).toBeGreaterThan(
        runs[i - 1]!.last,
      );

    const states: TaskState[] = await Promise.all(handles.map((h) => h.query(stateQuery)));
    const recorded = states.map((s) => ({ id: s.taskId, host: s.host, v: s.validations ?? [] }));
    for (const r of recorded) {
      expect(r.v).toHaveLength(1);
      expect(r.v[0]).toMatchObject({ slot: 'five', outcome: 'passed', exitCode: 0, timedOut: false });
    }
    const spans = recorded
      .map((r) => ({ id: r.id, start: Date.parse(r.v[0]!.startedAt!), end: Date.parse(r.v[0]!.finishedAt!) }))
      .sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
    expect(recorded.filter((r) => r.host === 'slot-c').length).toBeGreaterThanOrEqual(2);
    const gaps = spans.slice(1).map((sp, i) => sp.start - spans[i]!.end);
    const slot = await slotState('five');
    expect(slot.grants).toBe(5);
    expect(slot.holder).toBeUndefined();
    console.log(
      `[slot] five tasks: hosts ${recorded.map((r) => `${r.id}@${r.host}`).join(' ')}; gaps between runs ms ${gaps.join(', ')}; wall ${Date.now() - started.getTime()} ms`,
    );
  }, 300_000); // it waits up to 30 s for placement and 180 s for the results itself: the default 120 s cut it short under load
});
