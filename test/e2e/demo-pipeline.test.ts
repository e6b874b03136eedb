/**
 * `drover demo pipeline --json` exactly as a user runs it, in an isolated Drover home against the
 * rig's Temporal dev server: three issues → plan → three scripted claude agents → PRs (B stacked on
 * A, C re-briefed after red CI) → the merge queue merges A, B, C and the issues close. Then the same
 * with the worker in its own process, SIGKILLed once while a PR is being opened and once inside
 * the merge queue: the same end, nothing opened or merged twice.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSummary } from '../../src/cli/demo-pipeline-summary.js';
import { projectRoot } from '../../src/config/config.js';
import type { ManifestRunState } from '../../src/domain/manifest-run.js';
import type { MergeQueueState } from '../../src/domain/merge-queue.js';
import type { TaskState } from '../../src/domain/task.js';
import { manifestStateQuery } from '../../src/workflows/manifest.js';
import { mergeQueueStateQuery } from '../../src/workflows/merge-queue-messages.js';
import { stateQuery } from '../../src/workflows/task-messages.js';
import { rigEnv, startRig, type Rig } from '../support/harness.js';
import { git, waitFor } from '../support/repo.js';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig('demopipe');
});

afterAll(async () => {
  await rig?.close();
});

/** The demo as a user starts it (progress on stderr, one JSON object on stdout). */
function demo(extra: string[] = [], timeout = 600_000): ResultPromise<{ reject: false }> {
  return execa('node', [path.join(projectRoot(), 'bin', 'drover.mjs'), 'demo', 'pipeline', '--json', ...extra], {
    env: rigEnv(rig),
    reject: false,
    timeout,
  });
}

/** The summary (printed also when the demo failed: its `missing` says why), and exit 0 only when done. */
function parse(res: { stdout: string; stderr: string; exitCode?: number }): PipelineSummary {
  const out = res.stdout.trim() === '' ? undefined : (JSON.parse(res.stdout) as PipelineSummary);
  expect(out?.missing ?? [], res.stderr.slice(-4000)).toEqual([]);
  expect(res.exitCode, res.stderr.slice(-4000)).toBe(0);
  return out!;
}

/** The must-show end: 3 PRs merged (B stacked on A, merged after it), C re-briefed, issues closed, nothing twice. */
async function expectMergedPipeline(out: PipelineSummary): Promise<void> {
  expect(out.missing, JSON.stringify(out, null, 2)).toEqual([]);
  expect(out.state).toBe('done');
  expect(out.prs).toHaveLength(3);
  const [a, b, c] = ['i1', 'i2', 'i3'].map((t) => out.prs.find((p) => p.task === t)!);
  for (const pr of [a!, b!, c!]) {
    expect(pr.state).toBe('merged');
    expect(pr.base).toBe('main');
    expect(pr.mergeCommit).toMatch(/^[0-9a-f]{40}$/);
  }
  expect(a!.baseAtOpen).toBe('main');
  expect(b!.baseAtOpen).toBe(`drover/${out.run}-i1`);
  expect(out.mergeOrder.indexOf('i2')).toBeGreaterThan(out.mergeOrder.indexOf('i1'));
  expect(out.mergeOrder).toHaveLength(3);
  // C: the head CI failed, the fix after the re-brief (and any update the queue made)
  expect(c!.revisions).toBeGreaterThanOrEqual(2);
  expect(c!.reBriefs).toBe(1);
  expect(out.issues.map((i) => i.state)).toEqual(['closed', 'closed', 'closed']);
  expect(out.duplicates).toEqual({ pulls: 0, comments: 0 });
  // nothing merged twice: main is the sample commit plus exactly one commit per PR, each PR's own
  const mainLog = (await git(out.bare, ['rev-list', '--first-parent', 'main'])).split('\n');
  expect(mainLog).toHaveLength(4);
  expect(new Set(out.prs.map((p) => p.mergeCommit))).toEqual(new Set(mainLog.slice(0, 3)));
}

describe('drover demo pipeline --json', () => {
  it('issues → plan → stacked PRs → the merge queue merges A, B, C and closes the issues', async () => {
    const res = await demo();
    expect(res.stderr).toContain('planned i2: ');
    expect(res.stderr).toContain('(depends on i1)');
    await expectMergedPipeline(parse(res));
  }, 600_000);
});

describe('drover demo pipeline with its worker SIGKILLed twice', () => {
  it('ends the same after a kill while a PR is opened and one inside the merge queue', async () => {
    const envFile = path.join(rig.tmp, 'demo-worker.json');
    // a worker killed inside an activity without heartbeats (e.g. loadRepository while the PR opens)
    // leaves it to its start-to-close timeout (180 s) before a retry: allow for two of those
    const run = demo(['--external-worker', envFile], 1_100_000);
    const settings = await waitFor(
      'the demo to write the worker settings',
      async () => (existsSync(envFile) ? (JSON.parse(await readFile(envFile, 'utf8')) as WorkerSettings) : undefined),
      120_000,
    );
    const workers = new WorkerProcesses(rig, settings.env);
    try {
      workers.start();
      // 1: while A's or C's PR is being opened. Not B's: a kill there delays B's PR past A's merge,
      // and B's PR on A's deleted branch is refused (docs/demo-pipeline.md, known problem)
      const runName = settings.manifestWorkflowId.replace(/^manifest\//, '');
      const opening = await waitFor(
        "A's or C's task in phase opening-pr",
        async () => {
          if (run.exitCode !== null) return ENDED;
          for (const id of ['i1', 'i3']) {
            const s = await rig.client.workflow
              .getHandle(`task/${runName}/${id}`)
              .query<TaskState>(stateQuery)
              .catch(() => undefined);
            if (s?.phase === 'opening-pr') return id;
          }
          return undefined;
        },
        300_000,
        50,
      );
      if (opening !== ENDED) await workers.killAndRestart();
      // 2: inside the merge queue, while it works on B's PR (retargeted to main once A merged)
      const manifest = rig.client.workflow.getHandle(settings.manifestWorkflowId);
      const step = await waitFor(
        "the merge queue working on B's PR",
        async () => {
          if (run.exitCode !== null) return ENDED;
          const rows = (await manifest.query<ManifestRunState>(manifestStateQuery)).tasks;
          const b = rows.find((t) => t.id === 'i2')?.pullRequest?.number;
          const q = await rig.client.workflow
            .getHandle(settings.mergeQueueWorkflowId)
            .query<MergeQueueState>(mergeQueueStateQuery);
          return b !== undefined && q.current?.number === b ? q.current.step : undefined;
        },
        600_000,
        100,
      );
      if (step !== ENDED) await workers.killAndRestart();
      console.log(`killed the worker while ${opening} opened its PR and while the queue was ${step} B's PR`);
      const res = await run;
      await expectMergedPipeline(parse(res));
      expect(workers.kills).toBe(2);
      const state = await rig.client.workflow
        .getHandle(settings.manifestWorkflowId)
        .query<ManifestRunState>(manifestStateQuery);
      expect(state.tasks.map((t) => t.status)).toEqual(['merged', 'merged', 'merged']);
      // each task ran once: a restart replays, it starts nothing again
      expect(state.tasks.map((t) => t.attempts)).toEqual([1, 1, 1]);
    } finally {
      workers.stop();
      run.kill('SIGTERM');
    }
  }, 1_200_000);
});

/** What a wait returns when the demo ended first (its summary then says why). */
const ENDED = 'not reached: the demo ended';

interface WorkerSettings {
  env: Record<string, string>;
  manifestWorkflowId: string;
  mergeQueueWorkflowId: string;
}

/** `bin/drover worker` processes for the demo (the launcher execs node: the pid is the worker's). */
class WorkerProcesses {
  private current: ResultPromise | undefined;
  private started = 0;
  kills = 0;

  constructor(
    private readonly rig: Rig,
    private readonly env: Record<string, string>,
  ) {}

  start(): void {
    const n = this.started++;
    this.current = execa(path.join(projectRoot(), 'bin', 'drover'), ['worker'], {
      env: { ...rigEnv(this.rig), ...this.env },
      reject: false,
      stdin: 'ignore',
      stdout: { file: path.join(this.rig.tmp, `demo-worker-${n}.log`) },
      stderr: { file: path.join(this.rig.tmp, `demo-worker-${n}.err`) },
    });
  }

  async killAndRestart(): Promise<void> {
    const child = this.current!;
    expect(child.pid).toBeGreaterThan(0);
    process.kill(child.pid!, 'SIGKILL');
    await child;
    this.kills += 1;
    this.start();
  }

  stop(): void {
    if (this.current?.exitCode === null) this.current.kill('SIGKILL');
  }
}
