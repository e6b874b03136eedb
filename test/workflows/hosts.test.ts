/**
 * Many hosts (docs/design.md §3): worker processes with their own host id, Drover home (workspace) and
 * tmux server, against one Temporal. Placement by free slots, `drover hosts`, a worker restart
 * that is not a lost host, and a lost host whose task resumes elsewhere from its pushed branch.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TmuxClient } from '../../src/host/tmux/tmux-client.js';
import { projectRoot } from '../../src/config/config.js';
import { taskWorkflowId } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import type { SimScriptInput } from '../../src/domain/sim-script.js';
import type { HostsReport } from '../../src/cli/hosts-command.js';
import { abortSignal, stateQuery } from '../../src/workflows/task-messages.js';
import { resultWithin, rigEnv, startRig, type Rig } from '../support/harness.js';
import { git, makeRepo, waitFor } from '../support/repo.js';

let rig: Rig;
let repo: string;
const sockets: string[] = [];
const workers = new Map<string, ResultPromise>();

/** A host on this machine: its own id, Drover home (hence workspace), tmux server and capacity. */
function hostEnv(id: string, slots: number): Record<string, string> {
  const socket = `drover-test-hosts-${id}-${process.pid}`;
  if (!sockets.includes(socket)) sockets.push(socket);
  return {
    DROVER_HOST_ID: `host-${id}`,
    DROVER_HOME: path.join(rig.tmp, `drover-${id}`),
    DROVER_TMUX_SOCKET: socket,
    DROVER_HOST_SLOTS: String(slots),
  };
}
const startHost = (id: string, slots: number) => workers.set(id, rig.spawnWorker(hostEnv(id, slots)));

async function drover(...args: string[]) {
  return execa('node', [path.join(projectRoot(), 'bin', 'drover.mjs'), ...args], {
    env: { ...process.env, ...rigEnv(rig) },
    reject: false,
    timeout: 60_000,
  });
}
async function hostsJson(): Promise<HostsReport> {
  const run = await drover('hosts', '--json');
  expect(run.exitCode, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as HostsReport;
}

beforeAll(async () => {
  rig = await startRig('hosts');
  repo = await makeRepo(path.join(rig.tmp, 'repo'));
}, 120_000);

afterAll(async () => {
  await rig?.close();
  for (const socket of sockets)
    await new TmuxClient({ socket, session: 'drover', width: 220, height: 50, serverEnv: {} })
      .killServer()
      .catch(() => undefined);
});

const gate = (taskId: string) => path.join(rig.tmp, `gate-${taskId}`);
const open = (taskId: string) => writeFileSync(gate(taskId), 'go\n');
const sh = (script: string, timeoutMs = 600_000) => ({ kind: 'run' as const, argv: ['sh', '-c', script], timeoutMs });

/** Works until its gate file appears, then commits and reports done. */
const gated = (taskId: string): SimScriptInput => ({
  phases: [
    sh(`while [ ! -f '${gate(taskId)}' ]; do sleep 0.2; done`),
    { kind: 'commit', file: `${taskId}.txt`, content: `${taskId}\n`, message: `${taskId}: work` },
    { kind: 'done' },
  ],
});

function start(taskId: string, scenario: SimScriptInput, steps: string[] = []) {
  const input: TaskInput = {
    taskId,
    repo,
    branch: `drover/${taskId}`,
    objective: `Hosts task ${taskId}`,
    steps,
    agent: 'sim',
    scenario,
    policy: { idleSeconds: 3, nudgeCooldownSeconds: 2 },
  };
  return rig.client.workflow.start('agentTaskWorkflow', {
    taskQueue: rig.config.taskQueue,
    workflowId: taskWorkflowId(taskId),
    args: [input],
  });
}
const state = (taskId: string): Promise<TaskState> =>
  rig.client.workflow.getHandle(taskWorkflowId(taskId)).query(stateQuery);
const placedOn = (taskId: string) => waitFor(`${taskId} to be placed`, async () => (await state(taskId)).host, 60_000);

describe('many hosts', () => {
  it('places by free slots (2 + 1), a fourth task waits for a free slot, and `drover hosts` shows capacity and use', async () => {
    const before = await drover('hosts');
    expect(before.stderr).toContain('no host has registered');
    startHost('a', 2);
    startHost('b', 1);
    await waitFor(
      'both hosts registered',
      async () => {
        const r = await hostsJson().catch(() => undefined);
        return r && r.hosts.filter((h) => h.live).length === 2 ? r : undefined;
      },
      60_000,
      500,
    );

    const handles = await Promise.all(['p1', 'p2', 'p3'].map((id) => start(id, gated(id))));
    const hosts = await Promise.all(['p1', 'p2', 'p3'].map(placedOn));
    expect([...hosts].sort()).toEqual(['host-a', 'host-a', 'host-b']);
    const onB = ['p1', 'p2', 'p3'][hosts.indexOf('host-b')]!;

    const fourth = await start('p4', gated('p4'));
    await waitFor(
      'p4 to wait for a slot',
      async () =>
        (await state('p4')).events.some((e) =>
          e.what.startsWith('waiting for a free slot: all 3 slots of 2 live host(s) are in use'),
        )
          ? true
          : undefined,
      60_000,
    );
    const full = await hostsJson();
    expect(full.hosts.map((h) => [h.hostId, h.slots, h.inUse, h.free, h.live])).toEqual([
      ['host-a', 2, 2, 0, true],
      ['host-b', 1, 1, 0, true],
    ]);
    expect(full.waiting.map((w) => w.taskId)).toEqual(['p4']);
    const text = await drover('hosts');
    console.log(text.stdout);
    expect(text.stdout).toMatch(/host-a\s+drover-test-hosts@host-a\s+2\s+2\s+0\s+\d+s ago\s+live/);
    expect((await state('p4')).host).toBeUndefined();

    // a task aborted while it waits for a slot ends at once and leaves the queue; p4 keeps its place
    const fifth = await start('p5', gated('p5'));
    await waitFor(
      'p5 to wait behind p4',
      async () => ((await hostsJson()).waiting.map((w) => w.taskId).join(',') === 'p4,p5' ? true : undefined),
      60_000,
      500,
    );
    await fifth.signal(abortSignal, 'not needed any more');
    const aborted = await resultWithin<TaskResult>(fifth, 60_000);
    expect(aborted.state).toBe('aborted');
    expect(aborted.reason).toContain('not needed any more');
    expect((await state('p5')).host).toBeUndefined();
    await waitFor(
      'p5 out of the queue',
      async () => ((await hostsJson()).waiting.map((w) => w.taskId).join(',') === 'p4' ? true : undefined),
      30_000,
      500,
    );

    open(onB); // its slot on host b frees up when it ends: p4 takes it
    expect((await resultWithin<TaskResult>(handles[hosts.indexOf('host-b')]!, 90_000)).state).toBe('done');
    expect(await placedOn('p4')).toBe('host-b');
    for (const id of ['p1', 'p2', 'p3', 'p4']) open(id);
    for (const h of [...handles, fourth]) expect((await resultWithin<TaskResult>(h, 120_000)).state).toBe('done');
    const after = await waitFor(
      'all slots free',
      async () => {
        const r = await hostsJson();
        return r.hosts.every((h) => h.inUse === 0) ? r : undefined;
      },
      30_000,
      500,
    );
    expect(after.waiting).toEqual([]);
  }, 300_000);

  it('a worker SIGKILLed and restarted is not taken for a lost host: the task stays and finishes there', async () => {
    const handle = await start('r1', gated('r1'));
    const host = await placedOn('r1');
    const id = host === 'host-a' ? 'a' : 'b';
    await waitFor(
      'r1 supervised',
      async () =>
        (await state('r1')).phase === 'supervising' && (await state('r1')).briefSubmittedAt ? true : undefined,
      60_000,
    );
    const worker = workers.get(id)!;
    worker.kill('SIGKILL');
    await worker;
    startHost(id, id === 'a' ? 2 : 1);
    await new Promise((r) => setTimeout(r, 15_000)); // the watch's heartbeat timeout passes; the restarted worker takes the retry
    open('r1');
    const result = await resultWithin<TaskResult>(handle, 120_000);
    const s = await state('r1');
    expect(result.state).toBe('done');
    expect(s.host).toBe(host);
    expect(s.moves).toBeUndefined();
    expect(s.events.some((e) => e.what.includes('moved from host'))).toBe(false);
  }, 240_000);

  it('a host that disappears: its task is placed on the other host and resumes from the pushed branch', async () => {
    const taskId = 'lost';
    const commitFirst = `git add -A && git commit -qm "$1"`;
    const script: SimScriptInput = {
      phases: [
        // first host: commit from-first.txt; the host that takes over: commit from-second.txt on top
        sh(
          `if [ -f from-first.txt ]; then echo second > from-second.txt; set -- "work on the second host"; else echo first > from-first.txt; set -- "work on the first host"; fi; ${commitFirst}`,
        ),
        { kind: 'checkpoint', step: 'part1' },
        // the first host never gets past this: it is killed here
        sh(`while [ ! -f from-second.txt ]; do sleep 0.2; done`),
        { kind: 'done' },
      ],
    };
    const handle = await start(taskId, script, ['part1']);
    const first = await placedOn(taskId);
    const id = first === 'host-a' ? 'a' : 'b';
    const branch = `drover/${taskId}`;
    await waitFor(
      'the checkpoint pushed',
      async () =>
        (await git(repo, ['log', '--format=%s', branch]).catch(() => '')).includes('work on the first host')
          ? true
          : undefined,
      90_000,
      500,
    );

    const worker = workers.get(id)!;
    const killedAt = Date.now();
    worker.kill('SIGKILL');
    await worker;
    await execa('tmux', ['-L', hostEnv(id, 1).DROVER_TMUX_SOCKET!, 'kill-server'], { reject: false });

    const second = await waitFor(
      'the task on another host',
      async () => {
        const s = await state(taskId).catch(() => undefined);
        return s?.moves?.length ? s : undefined;
      },
      180_000,
      500,
    );
    const movedMs = Date.now() - killedAt;
    const result = await resultWithin<TaskResult>(handle, 180_000);
    const doneMs = Date.now() - killedAt;
    const s = await state(taskId);
    console.log(
      `[hosts] ${first} killed: task moved to ${second.host} after ${movedMs} ms, done after ${doneMs} ms; events:\n${s.events.map((e) => `  ${e.what}`).join('\n')}`,
    );
    expect(result.state).toBe('done');
    expect(s.host).not.toBe(first);
    expect(s.moves).toEqual([expect.objectContaining({ from: first, to: s.host })]);
    expect(
      s.events.some(
        (e) => e.what === `moved from host ${first} to host ${s.host}: resuming from the pushed branch ${branch}`,
      ),
    ).toBe(true);
    expect(s.worktree).toContain(`drover-${id === 'a' ? 'b' : 'a'}`);
    const log = (await git(repo, ['log', '--format=%s', result.commit!])).split('\n');
    expect(log.slice(0, 2)).toEqual(['work on the second host', 'work on the first host']);
    expect(await git(repo, ['rev-parse', branch])).toBe(result.commit);
    const gone = await hostsJson();
    expect(gone.hosts.find((h) => h.hostId === first)).toMatchObject({ live: false, inUse: 0 });
  }, 420_000);
});
