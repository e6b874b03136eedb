/**
 * Measures, on this machine, with the real claude CLI against the scripted model server:
 *  - start → brief: from launching `drover task` (the CLI process) to the brief being submitted;
 *  - done → reaction: from the agent's ORCHESTRATOR:DONE line appearing on its screen (seen by an
 *    independent 20 ms poller) to the workflow recording "done marker seen on screen".
 * Prints a table and writes bench/results/task-latency.json. Not a test: no assertions.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { repoKey } from '../src/host/worktree/base-clone.js';
import { projectRoot } from '../src/config/config.js';
import { taskWorkflowId } from '../src/domain/identifiers.js';
import type { TaskState } from '../src/domain/task.js';
import { stateQuery } from '../src/workflows/task-messages.js';
import { startRig } from '../test/support/harness.js';
import { makeRepo } from '../test/support/repo.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return {
    n: values.length,
    p50: pick(0.5),
    p95: pick(0.95),
    max: sorted[sorted.length - 1] ?? NaN,
    min: sorted[0] ?? NaN,
  };
}

const rig = await startRig('bench');
await rig.startWorkers();
const tmux = rig.workers!.tmux;
const startToBrief: number[] = [];
const doneToReaction: number[] = [];
try {
  for (let i = 0; i < RUNS; i += 1) {
    const taskId = `bench-${i}`;
    const repo = await makeRepo(path.join(rig.tmp, `repo-${i}`));
    const wt = path.join(rig.config.workspace, 'repos', repoKey(repo), 'worktrees', taskId);
    const scenario = {
      turns: [
        { tool: 'Read', input: { file_path: `${wt}/a.txt` } },
        { tool: 'Write', input: { file_path: `${wt}/a.txt`, content: 'fixed\n' } },
        { tool: 'Bash', input: { command: 'git add -A && git commit -q -m Fix', description: 'Commit' } },
        { tool: 'Bash', input: { command: 'git status && sleep 2', description: 'Pause' } },
        { text: 'Finished.\nCHECKPOINT:fix\nORCHESTRATOR:DONE' },
      ],
    };
    const scenarioFile = path.join(rig.tmp, `scenario-${i}.json`);
    await writeFile(scenarioFile, JSON.stringify(scenario));
    const t0 = Date.now();
    await execa(
      'node',
      [
        path.join(projectRoot(), 'bin', 'drover.mjs'),
        'task',
        '--repo',
        repo,
        '--objective',
        'Fix a.txt',
        '--steps',
        'fix',
        '--id',
        taskId,
        '--scenario',
        scenarioFile,
      ],
      {
        env: {
          TEMPORAL_ADDRESS: rig.config.temporal.address,
          DROVER_HOME: rig.config.droverHome,
          DROVER_TASK_QUEUE: rig.config.taskQueue,
          DROVER_HOST_ID: rig.config.hostId,
          DROVER_TMUX_SOCKET: rig.config.tmuxSocket,
        },
      },
    );
    const handle = rig.client.workflow.getHandle(taskWorkflowId(taskId));
    let markerSeenAt: number | undefined;
    for (;;) {
      const s: TaskState = await handle.query(stateQuery);
      if (s.paneId && markerSeenAt === undefined) {
        const screen = await tmux.capture(s.paneId, 0).catch(() => '');
        if (/^\s+ORCHESTRATOR:DONE\s*$/m.test(screen)) markerSeenAt = Date.now();
      }
      if (s.finishedAt) {
        const reacted = s.events.find((e) => e.what === 'done marker seen on screen');
        if (s.briefSubmittedAt) startToBrief.push(Date.parse(s.briefSubmittedAt) - t0);
        if (reacted && markerSeenAt) doneToReaction.push(Math.max(0, Date.parse(reacted.at) - markerSeenAt));
        console.error(`run ${i}: ${s.phase}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
} finally {
  await rig.close();
}

const result = {
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, at: new Date().toISOString() },
  conditions: `${RUNS} sequential tasks, one agent at a time, real claude CLI 2.1.197 against the scripted model server, Temporal dev server on SQLite`,
  startToBriefMs: stats(startToBrief),
  doneMarkerToReactionMs: stats(doneToReaction),
};
console.log(`\n${result.conditions}\n`);
console.log('metric                         n    p50     p95     max');
for (const [name, s] of [
  ['drover task → brief submitted', result.startToBriefMs],
  ['done marker → workflow reacts', result.doneMarkerToReactionMs],
] as const) {
  console.log(
    `${name.padEnd(30)} ${String(s.n).padStart(2)} ${String(s.p50).padStart(6)}ms ${String(s.p95).padStart(6)}ms ${String(s.max).padStart(6)}ms`,
  );
}
await writeFile(
  path.join(projectRoot(), 'bench', 'results', 'task-latency.json'),
  JSON.stringify(result, null, 2) + '\n',
);
process.exit(0);
