/**
 * Fleet board bench: N sim agents (default 100) busy on screen, one worker process, and
 * `drover board` in its own process with a headless Chromium page on it. Measures
 *   - the CPU the board's server adds: the board process itself, and what the worker and the
 *     Temporal dev server spend more while it serves a page (its visibility lists and state
 *     queries), against a window without the board;
 *   - how soon the page shows a change: K agents are sent one after another to a dangerous
 *     dialog; from the moment each workflow recorded "dialog needs a human" to the moment the
 *     page's row showed `waiting-human`.
 * Prints a table, writes bench/results/board.json. Needs Chromium (apt-get install -y chromium).
 *   node --import tsx bench/board.ts          BENCH_BOARD_AGENTS=100 BENCH_BOARD_CHANGES=20 BENCH_WINDOW_S=30
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import { projectRoot } from '../src/config/config.js';
import { taskWorkflowId, tmuxWindowName } from '../src/domain/identifiers.js';
import type { SimScriptInput } from '../src/domain/sim-script.js';
import type { TaskInput, TaskState } from '../src/domain/task.js';
import { stateQuery } from '../src/workflows/task-messages.js';
import { freePort, rigEnv, rigTmux, startRig } from '../test/support/harness.js';
import { makeRepo, waitFor } from '../test/support/repo.js';
import { round, sampleUsage, stats } from './proc-stats.js';

const N = Number(process.env.BENCH_BOARD_AGENTS ?? 100);
const K = Number(process.env.BENCH_BOARD_CHANGES ?? 20);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 30);
const CHROMIUM = process.env.DROVER_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

const rig = await startRig('board-bench');
const tmux = rigTmux(rig);
await execa('node', [path.join(projectRoot(), 'bin', 'drover-sim.mjs'), '--build-only']);
const repo = await makeRepo(path.join(rig.tmp, 'repo'));
const env = { ...rigEnv(rig), DROVER_HOST_SLOTS: '1000' };
const worker = execa(path.join(projectRoot(), 'bin', 'drover'), ['worker', '--rehearsal'], {
  env,
  reject: false,
  stdin: 'ignore',
  stdout: { file: path.join(rig.tmp, 'worker.log') },
  stderr: { file: path.join(rig.tmp, 'worker.err') },
});
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
let board: ReturnType<typeof execa> | undefined;

/** Busy on screen (a line every 500 ms) until SIGUSR1, then a command the policy never approves. */
const script = (id: string): SimScriptInput => ({
  phases: [
    { kind: 'work', untilSignal: true, everyMs: 500, text: 'Working' },
    { kind: 'dialog', command: `rm -rf /tmp/drover-bench-${id}`, description: 'Clean up' },
    { kind: 'done' },
  ],
});

async function signal(id: string): Promise<void> {
  for (const p of await tmux.listPanes())
    if (p.windowName === tmuxWindowName(id) && !p.paneDead && p.panePid > 0) process.kill(p.panePid, 'SIGUSR1');
}

const usage = (boardPid?: number) =>
  sampleUsage(
    {
      worker: { pid: worker.pid!, tree: true },
      temporal: { pid: rig.server.pid ?? 0 },
      ...(boardPid ? { board: { pid: boardPid, tree: true } } : {}),
    },
    WINDOW_S * 1000,
  );

try {
  const ids = Array.from({ length: N }, (_, i) => `b${i}`);
  log(`starting ${N} sim agents`);
  await Promise.all(
    ids.map((taskId) => {
      const input: TaskInput = {
        taskId,
        repo,
        branch: `drover/${taskId}`,
        objective: `Board bench ${taskId}`,
        agent: 'sim',
        scenario: script(taskId),
        policy: { idleSeconds: 600, stallSeconds: 3600 },
      };
      return rig.client.workflow.start('agentTaskWorkflow', {
        taskQueue: rig.config.taskQueue,
        workflowId: taskWorkflowId(taskId),
        args: [input],
      });
    }),
  );
  let lastCount = -1;
  await waitFor(
    `${N} agents briefed`,
    async () => {
      let n = 0;
      for await (const _ of rig.client.workflow.list({
        query: `WorkflowType='agentTaskWorkflow' AND ExecutionStatus='Running' AND DroverPhase='supervising'`,
      }))
        n += 1;
      if (n !== lastCount) log(`  ${n}/${N} supervising`);
      lastCount = n;
      return n >= N ? true : undefined;
    },
    300_000 + N * 6000,
    3000,
  );
  await sleep(10_000);
  const loadBefore = round(os.loadavg()[0]!, 2);
  log(`baseline window (${WINDOW_S} s, no board)`);
  const baseline = await usage();

  const port = await freePort();
  board = execa(path.join(projectRoot(), 'bin', 'drover'), ['board', '--port', String(port)], {
    env,
    reject: false,
    stdin: 'ignore',
    stdout: { file: path.join(rig.tmp, 'board.log') },
    stderr: { file: path.join(rig.tmp, 'board.err') },
  });
  const url = `http://127.0.0.1:${port}/`;
  await waitFor(
    'the board to answer',
    () =>
      fetch(url).then(
        (r) => (r.ok ? true : undefined),
        () => undefined,
      ),
    60_000,
  );
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  await page.goto(url);
  await page.waitForFunction(`document.querySelectorAll('#grid-body tr.row').length === ${N}`, undefined, {
    timeout: 60_000,
  });
  // the page notes when each row first shows waiting-human
  await page.evaluate(`(() => {
    window.__seen = {};
    setInterval(() => {
      for (const tr of document.querySelectorAll('#grid-body tr.row')) {
        const id = tr.getAttribute('data-id');
        if (!window.__seen[id] && tr.querySelector('[data-col=phase]')?.textContent === 'waiting-human') window.__seen[id] = Date.now();
      }
    }, 25);
  })()`);
  await sleep(5000);
  log(`board window (${WINDOW_S} s, one page connected)`);
  const withBoard = await usage(board.pid);

  log(`sending ${K} agents to a dangerous dialog, one every 700 ms`);
  const changed = ids.slice(0, K);
  for (const id of changed) {
    await signal(id);
    await sleep(700);
  }
  const seen = await waitFor(
    'the page to show every change',
    async () => {
      const s = (await page.evaluate('window.__seen')) as Record<string, number>;
      return changed.every((id) => s[taskWorkflowId(id)]) ? s : undefined;
    },
    60_000,
    500,
  ).catch(async () => (await page.evaluate('window.__seen')) as Record<string, number>);
  const lags: number[] = [];
  for (const id of changed) {
    const s: TaskState = await rig.client.workflow.getHandle(taskWorkflowId(id)).query(stateQuery);
    const asked = s.events.find((e) => e.what.startsWith('dialog needs a human'));
    const at = seen[taskWorkflowId(id)];
    if (asked && at) lags.push(at - Date.parse(asked.at));
  }
  const lag = stats(lags);
  const cores = os.cpus().length;
  const added = {
    boardProcessPctOfCore: withBoard.board!.cpuPct,
    workerPctOfCore: round(withBoard.worker!.cpuPct - baseline.worker!.cpuPct),
    temporalPctOfCore: round(withBoard.temporal!.cpuPct - baseline.temporal!.cpuPct),
  };
  const totalAdded = round(added.boardProcessPctOfCore + added.workerPctOfCore + added.temporalPctOfCore);
  const result = {
    machine: { cpus: cores, model: os.cpus()[0]?.model, node: process.version, at: new Date().toISOString() },
    conditions: {
      agents: N,
      changes: K,
      windowSeconds: WINDOW_S,
      agent: 'sim, busy on screen (a line every 500 ms) until signalled, then a dangerous dialog',
      board:
        '`bin/drover board` in its own process: one visibility list per second, a task state query when its search attributes moved or 5 s passed; one Chromium page connected by server-sent events',
      loadAvgBefore: loadBefore,
    },
    baseline,
    withBoard,
    added: { ...added, totalPctOfCore: totalAdded, totalPctOfMachine: round(totalAdded / cores) },
    boardRssMb: withBoard.board!.rssMbMax,
    updateLagMs: { ...lag, seen: lags.length, of: K },
  };
  await mkdir(path.join(projectRoot(), 'bench', 'results'), { recursive: true });
  await writeFile(path.join(projectRoot(), 'bench', 'results', 'board.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nfleet board, ${N} sim agents (${cores} cores, load ${loadBefore} before)\n`);
  console.log('| what | value |');
  console.log('|---|---|');
  console.log(`| board process CPU (% of one core) | ${added.boardProcessPctOfCore} |`);
  console.log(
    `| worker CPU added (% of one core) | ${added.workerPctOfCore} (${baseline.worker!.cpuPct} → ${withBoard.worker!.cpuPct}) |`,
  );
  console.log(
    `| Temporal CPU added (% of one core) | ${added.temporalPctOfCore} (${baseline.temporal!.cpuPct} → ${withBoard.temporal!.cpuPct}) |`,
  );
  console.log(`| total added (% of one core / of the machine) | ${totalAdded} / ${round(totalAdded / cores)} |`);
  console.log(`| board RSS max (MB) | ${withBoard.board!.rssMbMax} |`);
  console.log(`| change → page (ms, ${lags.length}/${K} seen) | p50 ${lag.p50} · p95 ${lag.p95} · max ${lag.max} |`);
} finally {
  await browser.close();
  if (board?.pid) board.kill('SIGTERM');
  worker.kill('SIGTERM');
  await Promise.race([worker, sleep(10_000)]);
  await rig.close();
}
