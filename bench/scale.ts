/**
 * Scale bench: 1, 10, 50, 100, 200 sim agents (src/rehearsal/sim-agent.ts) supervised by one
 * Drover worker in its own process (`drover worker --rehearsal`), against a Temporal dev server.
 * Per level: reaction latencies (dialog → answer keys, idle → nudge, done marker → workflow),
 * CPU and RSS of the worker / tmux server / Temporal server with all agents quiet and all busy,
 * history events per task-hour. Tables on stdout, JSON in bench/results/scale.json. No assertions.
 *   BENCH_SCALE_COUNTS=1,10,50  BENCH_WINDOW_S=20  BENCH_SETTLE_S=30 (quiet agents, then a second sample this much later)
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { execa } from 'execa';
import { projectRoot } from '../src/config/config.js';
import { taskWorkflowId, tmuxWindowName } from '../src/domain/identifiers.js';
import type { TaskInput, TaskState } from '../src/domain/task.js';
import type { SimEvent, SimScriptInput } from '../src/domain/sim-script.js';
import { stateQuery } from '../src/workflows/task-messages.js';
import { rigEnv, rigTmux, startRig } from '../test/support/harness.js';
import { makeRepo } from '../test/support/repo.js';
import { round, sampleUsage, stats, type Usage } from './proc-stats.js';
import {
  historyEvents,
  reactionSegments,
  recordedAfterWatchAct,
  summarize,
  type Segments,
} from './reaction-breakdown.js';

const COUNTS = (process.env.BENCH_SCALE_COUNTS ?? '1,10,50,100,200').split(',').map(Number);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 20);
// the agents stay quiet this long after the quiet window before the settled sample (memory the start-up left behind is given back)
const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? 30);
const IDLE_S = 2;
const PROBES = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

const rig = await startRig('scale');
const tmux = rigTmux(rig);
const logDir = path.join(rig.tmp, 'sim-logs');
await mkdir(logDir, { recursive: true });
await execa('node', [path.join(projectRoot(), 'bin', 'drover-sim.mjs'), '--build-only']);
const repo = await makeRepo(path.join(rig.tmp, 'repo'));
const PROFILE_DIR = process.env.BENCH_PROFILE; // a directory: the worker writes a V8 CPU profile there on exit
// the worker in its own process, started as users start it: `bin/drover worker` (execs node with
// its memory settings); when profiling, node itself with the profiler's flags and those same settings
const workerCommand: [string, string[]] = PROFILE_DIR
  ? [
      'node',
      [
        '--cpu-prof',
        `--cpu-prof-dir=${PROFILE_DIR}`,
        '--max-semi-space-size=4',
        path.join(projectRoot(), 'bin', 'drover.mjs'),
        'worker',
        '--rehearsal',
      ],
    ]
  : [path.join(projectRoot(), 'bin', 'drover'), ['worker', '--rehearsal']];
const worker = execa(workerCommand[0], workerCommand[1], {
  // one host runs every level's agents (up to 200): its slots must not be the limit measured
  env: {
    ...rigEnv(rig),
    DROVER_HOST_SLOTS: '1000',
    DROVER_MEMORY_LOG: path.join(rig.tmp, 'worker-memory.jsonl'),
    ...(PROFILE_DIR ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' } : {}),
  },
  reject: false,
  stdin: 'ignore',
  stdout: { file: path.join(rig.tmp, 'worker.log') },
  stderr: { file: path.join(rig.tmp, 'worker.err') },
});
const workerPid = worker.pid!;
const tmuxPid = async () =>
  Number((await execa('tmux', ['-L', rig.config.tmuxSocket, 'display-message', '-p', '#{pid}'])).stdout);

/** The bench agent: quiet until signal 1, then a dialog, a commit, a checkpoint, idle (nudged), busy until signal 2, done. */
function benchScript(taskId: string, i: number, n: number): SimScriptInput {
  return {
    name: taskId,
    log: path.join(logDir, `${taskId}.jsonl`),
    phases: [
      { kind: 'work', untilSignal: true, text: 'Reading the code' },
      { kind: 'work', ms: Math.round(((i + 0.5) / n) * 6000), text: 'Thinking' },
      { kind: 'dialog', command: 'git add -A && git commit -m "sim"', description: 'Commit the work' },
      { kind: 'commit', file: `sim/${taskId}.txt`, content: `${taskId}\n`, message: `sim: ${taskId}` },
      { kind: 'checkpoint', step: 'sim' },
      { kind: 'idle' },
      { kind: 'work', untilSignal: true, everyMs: 500, text: 'Running the tests' },
      { kind: 'work', ms: Math.round(((i + 0.5) / n) * 4000), text: 'Wrapping up' },
      { kind: 'done' },
    ],
  };
}

/** Long-lived agents for history counting: quiet or busy for the whole run. */
function probeScript(taskId: string, busy: boolean): SimScriptInput {
  return {
    name: taskId,
    log: path.join(logDir, `${taskId}.jsonl`),
    phases: [{ kind: 'work', untilSignal: true, ...(busy ? { everyMs: 500 } : {}), text: 'Probing' }],
  };
}

async function startTask(taskId: string, scenario: SimScriptInput): Promise<WorkflowHandle> {
  const input: TaskInput = {
    taskId,
    repo,
    branch: `drover/${taskId}`,
    objective: `Bench task ${taskId}`,
    steps: ['sim'],
    agent: 'sim',
    scenario,
    policy: { idleSeconds: IDLE_S, nudgeCooldownSeconds: 0, stallSeconds: 3600 },
  };
  return rig.client.workflow.start('agentTaskWorkflow', {
    taskQueue: rig.config.taskQueue,
    workflowId: taskWorkflowId(taskId),
    args: [input],
  });
}

async function events(taskId: string): Promise<SimEvent[]> {
  const text = await readFile(path.join(logDir, `${taskId}.jsonl`), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SimEvent);
}

/** Waits until `ok` holds for every task (or the timeout); returns how many it holds for. */
async function waitAll(
  ids: string[],
  ok: (ev: SimEvent[]) => boolean,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = (await Promise.all(ids.map(async (id) => ok(await events(id))))).filter(Boolean).length;
    if (done === ids.length || Date.now() > deadline) {
      if (done < ids.length) {
        log(`  only ${done}/${ids.length} reached: ${what}`);
        await describeMissing(ids, ok);
      }
      return done;
    }
    await sleep(1000);
  }
}

/** For up to 3 agents that did not get there: what their task had recorded and its screen tail. */
async function describeMissing(ids: string[], ok: (ev: SimEvent[]) => boolean): Promise<void> {
  const missing: string[] = [];
  for (const id of ids) if (missing.length < 3 && !ok(await events(id))) missing.push(id);
  for (const id of missing) {
    const s = await rig.client.workflow
      .getHandle(taskWorkflowId(id))
      .query(stateQuery)
      .catch((e: unknown) => ({ error: String(e) }) as const);
    if ('error' in s) log(`  ${id}: state query failed: ${s.error}`);
    else
      log(
        `  ${id}: phase ${s.phase}, agent ${s.agentState}; last events ${JSON.stringify(s.events.slice(-6))}; screen tail ${JSON.stringify(s.screenTail ?? '')}`,
      );
  }
}

async function signalAll(ids: string[]): Promise<void> {
  const names = new Set(ids.map(tmuxWindowName));
  for (const p of await tmux.listPanes()) {
    if (names.has(p.windowName) && !p.paneDead && p.panePid > 0) process.kill(p.panePid, 'SIGUSR1');
  }
}

async function historyLengths(ids: string[]): Promise<number[]> {
  return Promise.all(
    ids.map(async (id) => Number((await rig.client.workflow.getHandle(taskWorkflowId(id)).describe()).historyLength)),
  );
}

/**
 * RSS: `workerSelf` is the worker process alone (the memory target in docs/scale.md);
 * `workerHelpers` adds its live descendants — the process launcher, the tmux control-mode
 * clients, any git/tmux command running at that second — but not the tmux server (a daemon)
 * nor the agents (children of the tmux server).
 */
async function usage(ms: number): Promise<Record<string, Usage>> {
  const server = await tmuxPid();
  return sampleUsage(
    {
      worker: { pid: workerPid, tree: true },
      workerSelf: { pid: workerPid },
      workerHelpers: { pid: workerPid, rssTree: { exclude: [server] } },
      workerHelpersPrivate: { pid: workerPid, rssTree: { exclude: [server], privateOnly: true } },
      tmuxServer: { pid: server },
      temporal: { pid: rig.server.pid ?? 0 },
    },
    ms,
  );
}

/** The worker's last memory line (rss, heapUsed, external, … in MB). */
async function workerMemory(): Promise<Record<string, unknown>> {
  const lines = (await readFile(path.join(rig.tmp, 'worker-memory.jsonl'), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean);
  return lines.length ? (JSON.parse(lines.at(-1)!) as Record<string, unknown>) : {};
}

const nth = (ev: SimEvent[], kind: SimEvent['ev'], after = 0) => ev.filter((e) => e.ev === kind && e.t >= after)[0];

interface Level {
  agents: number;
  reached: { briefed: number; busy: number; finished: number };
  quiet: Record<string, Usage>;
  /** The same agents still quiet, SETTLE_S after the quiet window. */
  quietSettled: Record<string, Usage>;
  busy: Record<string, Usage>;
  dialogMs: ReturnType<typeof stats>;
  nudgeMs: ReturnType<typeof stats>;
  /** idle (+ idleSeconds) → the nudge's paste reaching the agent: Drover's action starts. */
  nudgePasteMs: ReturnType<typeof stats>;
  doneMs: ReturnType<typeof stats>;
  /** Where the dialog and nudge reactions spent their time (from the histories). */
  dialogSegments: ReturnType<typeof summarize>;
  nudgeSegments: ReturnType<typeof summarize>;
  /** Reactions the watch performed itself (no acting activity): how many, and keys at the agent → recorded by the workflow. */
  byWatch: {
    dialogs: number;
    nudges: number;
    dialogRecordedMs: ReturnType<typeof stats>;
    nudgeRecordedMs: ReturnType<typeof stats>;
  };
  historyEventsPerTaskHour: { quiet: number; busy: number };
  longestHistory: number;
  startSeconds: number;
  /** The worker's own memory report at the end of the quiet window (DROVER_MEMORY_LOG), MB. */
  memory: Record<string, unknown>;
  /** 1-minute load average of the machine when the quiet window started (other work shares it). */
  loadAvg: number;
}

const levels: Level[] = [];
const probes: { id: string; busy: boolean }[] = [];
let probeStart: { at: number; lengths: number[] } | undefined;
try {
  for (const n of COUNTS) {
    log(`level ${n}: starting ${n} sim agents`);
    const ids = Array.from({ length: n }, (_, i) => `s${n}-${i}`);
    const t0 = Date.now();
    const handles = await Promise.all(ids.map((id, i) => startTask(id, benchScript(id, i, n))));
    const briefed = await waitAll(ids, (ev) => ev.some((e) => e.ev === 'quiet'), 60_000 + n * 1500, 'brief submitted');
    const startSeconds = round((Date.now() - t0) / 1000);
    await sleep(5000);
    const loadAvg = round(os.loadavg()[0]!, 2);
    const h0 = await historyLengths(ids);
    const quiet = await usage(WINDOW_S * 1000);
    const h1 = await historyLengths(ids);
    const memory = await workerMemory();
    log(
      `  quiet: worker ${quiet.worker!.cpuPct}% ${quiet.workerSelf!.rssMbMax} MB, with helpers ${quiet.workerHelpers!.rssMbMax} MB ${JSON.stringify(quiet.workerHelpers!.members)}, with helpers' private memory ${quiet.workerHelpersPrivate!.rssMbMax} MB (${JSON.stringify(memory)})`,
    );
    await sleep(SETTLE_S * 1000);
    const quietSettled = await usage(WINDOW_S * 1000);
    log(
      `  quiet, settled ${SETTLE_S} s later: worker ${quietSettled.worker!.cpuPct}% ${quietSettled.workerSelf!.rssMbMax} MB, with helpers' private memory ${quietSettled.workerHelpersPrivate!.rssMbMax} MB`,
    );
    await signalAll(ids);
    const busyReached = await waitAll(
      ids,
      (ev) => ev.some((e) => e.ev === 'busy'),
      60_000 + n * 500,
      'busy after dialog + nudge',
    );
    await sleep(3000);
    const h2 = await historyLengths(ids);
    const busy = await usage(WINDOW_S * 1000);
    const h3 = await historyLengths(ids);
    log(
      `  busy: worker ${busy.worker!.cpuPct}% ${busy.workerSelf!.rssMbMax} MB, with helpers' private memory ${busy.workerHelpersPrivate!.rssMbMax} MB`,
    );
    await signalAll(ids);
    let finished = 0;
    // a failed workflow (e.g. a timed-out activity) counts as not finished; it must not end the bench
    await Promise.all(
      handles.map((h) =>
        Promise.race([
          h.result().then(
            () => (finished += 1),
            () => undefined,
          ),
          sleep(60_000 + n * 500),
        ]),
      ),
    );
    const dialog: number[] = [];
    const nudge: number[] = [];
    const nudgePaste: number[] = [];
    const done: number[] = [];
    const dialogSeg: Segments[] = [];
    const nudgeSeg: Segments[] = [];
    /** Reactions the watch performed itself: keys at the agent → the workflow task that recorded them. */
    const dialogByWatch: number[] = [];
    const nudgeByWatch: number[] = [];
    for (const [i, id] of ids.entries()) {
      const ev = await events(id);
      const hist = await historyEvents(handles[i]!).catch(() => []);
      const shownAt = nth(ev, 'dialog-shown');
      const ds = shownAt && reactionSegments(hist, shownAt.t, 'sendKeys', nth(ev, 'dialog-answered', shownAt.t)?.t);
      if (ds) dialogSeg.push(ds);
      const dr = shownAt
        ? recordedAfterWatchAct(hist, shownAt.t, 'sendKeys', nth(ev, 'dialog-answered', shownAt.t)?.t)
        : undefined;
      if (dr !== undefined) dialogByWatch.push(dr);
      const idleAt = nth(ev, 'idle');
      const ns =
        idleAt && reactionSegments(hist, idleAt.t + IDLE_S * 1000, 'deliverText', nth(ev, 'input', idleAt.t)?.t);
      if (ns) nudgeSeg.push(ns);
      const nr = idleAt
        ? recordedAfterWatchAct(hist, idleAt.t + IDLE_S * 1000, 'deliverText', nth(ev, 'input', idleAt.t)?.t)
        : undefined;
      if (nr !== undefined) nudgeByWatch.push(nr);
      const shown = nth(ev, 'dialog-shown');
      const answered = nth(ev, 'dialog-answered');
      if (shown && answered) dialog.push(answered.t - shown.t);
      const idle = nth(ev, 'idle');
      const input = idle && nth(ev, 'input', idle.t);
      if (idle && input) nudge.push(input.t - idle.t - IDLE_S * 1000);
      const paste = idle && nth(ev, 'paste', idle.t);
      if (idle && paste) nudgePaste.push(paste.t - idle.t - IDLE_S * 1000);
      const printed = nth(ev, 'done');
      const s: TaskState | undefined = await handles[i]!.query(stateQuery).catch(() => undefined);
      const seen = s?.events.find((e) => e.what === 'done marker seen on screen');
      if (printed && seen) done.push(Date.parse(seen.at) - printed.t);
    }
    const lengths = await historyLengths(ids);
    const perHour = (a: number[], b: number[]) =>
      round(((b.reduce((x, y) => x + y, 0) - a.reduce((x, y) => x + y, 0)) / n / WINDOW_S) * 3600);
    levels.push({
      agents: n,
      reached: { briefed, busy: busyReached, finished },
      quiet,
      quietSettled,
      busy,
      dialogMs: stats(dialog),
      nudgeMs: stats(nudge),
      nudgePasteMs: stats(nudgePaste),
      doneMs: stats(done),
      dialogSegments: summarize(dialogSeg),
      nudgeSegments: summarize(nudgeSeg),
      byWatch: {
        dialogs: dialogByWatch.length,
        nudges: nudgeByWatch.length,
        dialogRecordedMs: stats(dialogByWatch),
        nudgeRecordedMs: stats(nudgeByWatch),
      },
      historyEventsPerTaskHour: { quiet: perHour(h0, h1), busy: perHour(h2, h3) },
      longestHistory: Math.max(...lengths),
      startSeconds,
      loadAvg,
      memory,
    });
    log(
      `  dialog p95 ${levels.at(-1)!.dialogMs.p95} ms, done p95 ${levels.at(-1)!.doneMs.p95} ms, longest history ${Math.max(...lengths)}`,
    );
    // end this level's agents (by pid) and windows before the next level
    const names = new Set(ids.map(tmuxWindowName));
    for (const p of await tmux.listPanes()) {
      if (!names.has(p.windowName)) continue;
      if (!p.paneDead && p.panePid > 0) process.kill(p.panePid, 'SIGTERM');
      await tmux.killWindow(p.windowId).catch(() => undefined);
    }
    if (probes.length === 0) {
      // history probes live from here to the end of the run (so the first level measures one agent alone)
      for (let i = 0; i < PROBES; i += 1) probes.push({ id: `probe-${i}`, busy: i % 2 === 1 });
      await Promise.all(probes.map((p) => startTask(p.id, probeScript(p.id, p.busy))));
      await waitAll(
        probes.map((p) => p.id),
        (ev) => ev.some((e) => e.ev === 'quiet' || e.ev === 'busy'),
        60_000,
        'probe briefed',
      );
      probeStart = { at: Date.now(), lengths: await historyLengths(probes.map((p) => p.id)) };
    }
  }
  // the probes need a window longer than the watch's 10-minute refresh cycle to be honest
  const probeMinMs = Number(process.env.BENCH_PROBE_MIN ?? 11) * 60_000;
  while (probeStart && Date.now() - probeStart.at < probeMinMs) {
    log(`waiting for the history probes (${Math.round((probeMinMs - (Date.now() - probeStart.at)) / 1000)} s left)`);
    await sleep(Math.min(60_000, probeMinMs - (Date.now() - probeStart.at)));
  }
  const probeEnd = await historyLengths(probes.map((p) => p.id));
  const probeHours = (Date.now() - (probeStart?.at ?? Date.now())) / 3_600_000;
  const probeRates = probes.map((p, i) => ({
    ...p,
    events: probeEnd[i]! - (probeStart?.lengths[i] ?? 0),
    perHour: probeHours * 60 >= 10 ? round((probeEnd[i]! - (probeStart?.lengths[i] ?? 0)) / probeHours) : null,
  }));
  const result = {
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memGb: round(os.totalmem() / 2 ** 30),
      node: process.version,
      at: new Date().toISOString(),
    },
    conditions: {
      counts: COUNTS,
      windowSeconds: WINDOW_S,
      settleSeconds: SETTLE_S,
      watcherTickMs: 100,
      livenessSweepMs: 1000,
      policy: { idleSeconds: IDLE_S, nudgeCooldownSeconds: 0 },
      agent:
        'sim (claude screen rules); quiet = working with no output; busy = one output line + spinner redraw every 500 ms',
      worker:
        'one `bin/drover worker --rehearsal` process (shared + host queue; node --max-semi-space-size=4, MALLOC_ARENA_MAX=2), Temporal dev server on SQLite, same machine',
      probes: `${PROBES} long-lived history probes (2 quiet, 2 busy) run from after the first level to the end`,
    },
    levels,
    historyProbes: { minutes: round(probeHours * 60), probes: probeRates },
  };
  printTables(result);
  if (PROFILE_DIR) {
    process.kill(workerPid, 'SIGINT');
    await Promise.race([worker, sleep(20_000)]);
  }
  await writeFile(path.join(projectRoot(), 'bench', 'results', 'scale.json'), JSON.stringify(result, null, 2) + '\n');
} finally {
  if (worker.exitCode === null) worker.kill('SIGKILL');
  await rig.close();
}
process.exit(0);

function printTables(r: {
  machine: Record<string, unknown>;
  conditions: Record<string, unknown>;
  levels: Level[];
  historyProbes: { minutes: number; probes: { id: string; busy: boolean; events: number; perHour: number | null }[] };
}) {
  console.log(
    `\nScale bench — ${r.machine.cpus} cores (${String(r.machine.model)}), ${String(r.machine.memGb)} GB, node ${String(r.machine.node)}, watcher tick 100 ms, liveness sweep 1 s, window ${WINDOW_S} s`,
  );
  console.log(`${String(r.conditions.agent)}\n${String(r.conditions.worker)}\n`);
  const pad = (s: unknown, w: number) => String(s).padStart(w);
  console.log(
    'reaction latency (ms)  agents  dialog→keys p50/p95/max  idle→nudge paste* p50/p95/max  idle→nudge Enter* p50/p95/max  done→workflow p50/p95/max  reached',
  );
  for (const l of r.levels) {
    const f = (s: ReturnType<typeof stats>) => `${pad(s.p50, 5)} ${pad(s.p95, 5)} ${pad(s.max, 5)}`;
    console.log(
      `${''.padEnd(21)} ${pad(l.agents, 6)}  ${f(l.dialogMs).padEnd(23)}  ${f(l.nudgePasteMs).padEnd(29)}  ${f(l.nudgeMs).padEnd(29)}  ${f(l.doneMs).padEnd(25)}  ${l.reached.finished}/${l.agents} done`,
    );
  }
  console.log(
    `* idle→nudge: from the sim showing its prompt, minus idleSeconds (${IDLE_S} s), to the nudge's paste arriving (Drover acts) and to its Enter (after deliverText's 400 ms paste→Enter pause)\n`,
  );
  console.log(
    'reactions by the watch itself  agents  dialogs  nudges  keys→recorded by the workflow p50/p95/max: dialog  nudge',
  );
  for (const l of r.levels) {
    const f = (s: ReturnType<typeof stats>) => `${pad(s.p50, 5)} ${pad(s.p95, 5)} ${pad(s.max, 5)}`;
    console.log(
      `${''.padEnd(30)} ${pad(l.agents, 6)}  ${pad(l.byWatch.dialogs, 7)}  ${pad(l.byWatch.nudges, 6)}  ${''.padEnd(40)}${f(l.byWatch.dialogRecordedMs)}  ${f(l.byWatch.nudgeRecordedMs)}`,
    );
  }
  console.log('(the rest went through the workflow: an acting activity after the watch; their steps below)\n');
  console.log(
    'where the time went (p50/p95 ms)  agents  reaction  screen→watch done  →workflow task  workflow task  →activity start  activity→agent',
  );
  for (const l of r.levels) {
    for (const [name, g] of [
      ['dialog', l.dialogSegments],
      ['nudge', l.nudgeSegments],
    ] as const) {
      if (g.detect.n === 0) continue; // every such reaction was the watch's own
      const f = (s: ReturnType<typeof stats>) => `${s.p50}/${s.p95}`.padStart(14);
      console.log(
        `${''.padEnd(33)} ${pad(l.agents, 6)}  ${name.padEnd(8)}  ${f(g.detect)}  ${f(g.toWorkflowTask)}  ${f(g.workflowTask)}  ${f(g.toActivity)}  ${f(g.act)}`,
      );
    }
  }
  console.log('');
  console.log(
    'resources (CPU % of one core, RSS MB)  agents   worker cpu (self+tmux execs)  worker rss (+helpers* / +their own**)   tmux server cpu   temporal cpu / rss',
  );
  for (const l of r.levels) {
    for (const [mode, u] of [
      ['quiet', l.quiet],
      [`quiet, ${SETTLE_S} s later`, l.quietSettled],
      ['busy', l.busy],
    ] as const) {
      console.log(
        `${mode.padEnd(38)} ${pad(l.agents, 6)}   ${pad(u.worker!.cpuPct, 6)} (${pad(u.workerSelf!.cpuPct, 5)})${''.padEnd(14)} ${pad(u.workerSelf!.rssMbMax, 7)} (${pad(u.workerHelpers!.rssMbMax, 5)} / ${pad(u.workerHelpersPrivate?.rssMbMax ?? NaN, 5)})       ${pad(u.tmuxServer!.cpuPct, 8)}          ${pad(u.temporal!.cpuPct, 6)} / ${pad(u.temporal!.rssMbMax, 5)}`,
      );
    }
  }
  console.log(
    '* worker rss: the worker process alone; +helpers: with its process launcher and tmux control-mode client, by RSS (max of the per-second sums; not the tmux server, not the agents)',
  );
  console.log(
    "** +their own: the worker's RSS plus only the helpers' private memory (Private_Clean + Private_Dirty): the memory they add, not the node binary pages they share with the worker",
  );
  console.log(
    '\nhistory                                agents   events/task-hour quiet  busy   longest history   start→all briefed (s)   load avg',
  );
  for (const l of r.levels)
    console.log(
      `${''.padEnd(38)} ${pad(l.agents, 6)}   ${pad(l.historyEventsPerTaskHour.quiet, 16)}  ${pad(l.historyEventsPerTaskHour.busy, 5)}   ${pad(l.longestHistory, 15)}   ${pad(l.startSeconds, 8)}   ${pad(l.loadAvg, 10)}`,
    );
  console.log(
    `\nhistory probes over ${r.historyProbes.minutes} min: ${r.historyProbes.probes.map((p) => `${p.id} (${p.busy ? 'busy' : 'quiet'}) ${p.events} events = ${p.perHour ?? 'no rate (under 10 min)'}/h`).join('; ')}`,
  );
}
