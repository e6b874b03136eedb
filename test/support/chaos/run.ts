/**
 * One chaos run: a manifest of scripted claude tasks, an agent that crashes on every start and a
 * PR fix under GitHub fault storms run together on a spawned worker, while faults fire at chosen
 * moments (worker SIGKILLs, a Temporal restart, the tmux server killed, a worktree deleted).
 * Then every invariant is measured (verdict.ts) and summed up.
 */
import path from 'node:path';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { repoKey } from '../../../src/host/worktree/base-clone.js';
import type { ManifestRunInput, ManifestRunState } from '../../../src/domain/manifest-run.js';
import type { TaskInput, TaskResult } from '../../../src/domain/task.js';
import { manifestStateQuery } from '../../../src/workflows/manifest.js';
import { rigTmux, startRig } from '../harness.js';
import { git, makeRepo } from '../repo.js';
import {
  deleteWorktree,
  FaultLog,
  KillableWorker,
  killTmuxServer,
  restartTemporal,
  type FaultRecord,
} from './faults.js';
import { CHAOS_REPO_FILES, chaosManifest, chaosScenario } from './manifest.js';
import { ChaosObserver } from './observer.js';
import { prVerdict, setUpPrStorm, startPrFix, type PrVerdict } from './pr-storm.js';
import { crashyVerdict, manifestVerdicts, taskVerdict, type CrashyVerdict, type TaskVerdict } from './verdict.js';

export interface ChaosPlan {
  name: string;
  taskIds?: string[];
  slots: number;
  /** SIGKILL (and restart) the worker when this many manifest tasks have started. */
  workerKillsAtStarts: number[];
  /** Kill the tmux server once this many tasks have started and as many agents as slots (at most 3) are live. */
  tmuxKillAtStarts?: number;
  /** Kill and restart Temporal once this many tasks have completed. */
  temporalRestartAtCompleted?: number;
  temporalDownMs?: number;
  /** Delete this task's worktree right after its agent committed (its scenario pauses there). */
  deleteWorktreeOf?: string;
  crashy?: { crashCap: number; humanWaitSeconds: number };
  prStorm: boolean;
  timeoutMs: number;
  print?: (line: string) => void;
}

export interface ChaosReport {
  name: string;
  startedAt: string;
  wallSeconds: number;
  faults: FaultRecord[];
  faultsNotFired: string[];
  workerUnexpectedExits: number;
  tasks: TaskVerdict[];
  completed: number;
  total: number;
  crashy?: CrashyVerdict;
  pr?: PrVerdict & {
    state: string;
    reason: string;
    crashes: number;
    extraLaunches: number;
    maxWindows: number;
    lostCommits: string[];
  };
  duplicates: {
    windows: number;
    launches: number;
    starts: number;
    prs: number;
    comments: number;
    replies: number;
    pushes: number;
    total: number;
  };
  lostCommits: number;
  summary: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A workflow's result, retried across a Temporal restart (the long poll fails while it is down). */
async function resultOf<T>(handle: WorkflowHandle, deadline: number): Promise<T> {
  for (;;) {
    try {
      return (await handle.result()) as T;
    } catch (error) {
      // the workflow's own failure is an answer; anything else (the server down, a long poll cut) is retried
      if (error instanceof WorkflowFailedError || Date.now() > deadline) throw error;
      await sleep(1000);
    }
  }
}

export async function runChaos(plan: ChaosPlan): Promise<ChaosReport> {
  const print = plan.print ?? (() => undefined);
  const startedAt = new Date();
  const deadline = Date.now() + plan.timeoutMs;
  const rig = await startRig(`chaos-${plan.name}`);
  const faults = new FaultLog(print);
  let worker: KillableWorker | undefined;
  let observer: ChaosObserver | undefined;
  const pr = plan.prStorm ? await setUpPrStorm(rig.tmp) : undefined;
  try {
    const repo = await makeRepo(path.join(rig.tmp, 'repo'), CHAOS_REPO_FILES);
    const baseCommit = await git(repo, ['rev-parse', 'main']);
    const baseClone = path.join(rig.config.workspace, 'repos', repoKey(repo), 'base');
    const prBase = pr ? path.join(rig.config.workspace, 'repos', repoKey(pr.bare), 'base') : undefined;
    observer = new ChaosObserver(rigTmux(rig), [
      { dir: repo, prefix: 'refs/heads/drover/' },
      { dir: baseClone, prefix: 'refs/heads/drover/' },
      ...(pr && prBase
        ? [
            { dir: pr.bare, prefix: 'refs/heads/feature-' },
            { dir: prBase, prefix: 'refs/heads/feature-' },
          ]
        : []),
    ]);
    observer.start();
    worker = new KillableWorker(rig, pr?.workerEnv ?? {});

    const name = plan.name;
    const manifest = chaosManifest(name, plan.taskIds);
    const ids = manifest.phases.flatMap((p) => p.tasks.map((t) => t.id));
    const scenarios = Object.fromEntries(
      ids.map((id) => [id, chaosScenario(id, id === plan.deleteWorktreeOf ? { pauseSeconds: 8 } : {})]),
    );
    const input: ManifestRunInput = {
      name,
      manifest,
      repo,
      gates: 'deps',
      slots: plan.slots,
      scenarios,
      policy: { idleSeconds: 5, humanWaitSeconds: 60 },
    };
    const mHandle = await rig.client.workflow.start('manifestWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: `manifest/${name}`,
      args: [input],
    });

    const crashyId = `${name}-crashy`;
    const crashyWf = `task/adhoc/${crashyId}`;
    const crashyHandle = plan.crashy
      ? await rig.client.workflow.start('agentTaskWorkflow', {
          taskQueue: rig.config.taskQueue,
          workflowId: crashyWf,
          args: [
            {
              taskId: crashyId,
              repo,
              branch: `drover/${crashyId}`,
              objective: 'Edit audit_log.js (this agent dies on every start)',
              steps: [],
              scenario: { crashOnStart: ['claude'], turns: [] },
              policy: { crashCap: plan.crashy.crashCap, humanWaitSeconds: plan.crashy.humanWaitSeconds },
            } satisfies TaskInput,
          ],
        })
      : undefined;
    const prRun = pr ? await startPrFix(rig.client, rig.config.taskQueue, pr) : undefined;

    // progress: the manifest's last known state (queries fail while the worker or Temporal is down)
    let last: ManifestRunState | undefined;
    let finished = false;
    const statusSeen = new Map<string, string>();
    const poll = (async () => {
      while (!finished) {
        try {
          last = await mHandle.query(manifestStateQuery);
          for (const t of last.tasks) {
            if (statusSeen.get(t.id) !== t.status && !['pending', 'blocked'].includes(t.status))
              print(`  ${t.id.padEnd(4)} ${t.status}${t.status === 'running' ? '' : `  ${t.reason.slice(0, 90)}`}`);
            statusSeen.set(t.id, t.status);
          }
        } catch {
          // down: keep the last state
        }
        await sleep(500);
      }
    })();
    const starts = () => last?.log.filter((l) => l.event === 'start').length ?? 0;
    const completed = () => last?.tasks.filter((t) => t.status === 'complete').length ?? 0;

    // the scheduled faults, in order
    type Step = { label: string; ready: () => boolean; fire: () => Promise<void> };
    const steps: Step[] = [];
    for (const n of plan.workerKillsAtStarts) {
      steps.push({
        label: `worker SIGKILL at ${n} starts`,
        ready: () => starts() >= n,
        fire: async () =>
          faults.add(
            'worker-sigkill',
            `pid ${await worker!.sigkill()} killed at ${starts()} starts; a new worker started`,
          ),
      });
    }
    if (plan.tmuxKillAtStarts !== undefined) {
      const n = plan.tmuxKillAtStarts;
      steps.push({
        label: `tmux kill-server at ${n} starts`,
        ready: () => starts() >= n && observer!.livePanes >= Math.min(3, plan.slots),
        fire: async () =>
          faults.add(
            'tmux-kill-server',
            `${await killTmuxServer(rig)} panes killed (socket ${rig.config.tmuxSocket}) at ${starts()} starts`,
          ),
      });
    }
    if (plan.temporalRestartAtCompleted !== undefined) {
      const n = plan.temporalRestartAtCompleted;
      const down = plan.temporalDownMs ?? 5000;
      steps.push({
        label: `Temporal restart at ${n} completed`,
        ready: () => completed() >= n,
        fire: async () => {
          faults.add(
            'temporal-kill',
            `dev server pid ${rig.server.pid} SIGKILLed at ${completed()} completed; down for ${down / 1000} s`,
          );
          const r = await restartTemporal(rig, down);
          faults.add('temporal-restart', `dev server pid ${r.newPid} on the same port and SQLite file`);
        },
      });
    }
    const pending = [...steps];
    const faultLoop = (async () => {
      while (pending.length > 0 && !finished && Date.now() < deadline) {
        const ready = pending.findIndex((p) => p.ready());
        if (ready >= 0) await pending.splice(ready, 1)[0]!.fire();
        else await sleep(300);
      }
    })();
    const deletion = (async () => {
      const id = plan.deleteWorktreeOf;
      if (!id) return;
      const branch = `refs/heads/drover/${name}-${id}`;
      const worktree = path.join(rig.config.workspace, 'repos', repoKey(repo), 'worktrees', `${name}-${id}`);
      while (!finished && Date.now() < deadline) {
        const head = await git(baseClone, ['rev-parse', '--verify', '--quiet', branch]).catch(() => '');
        if (head && head !== baseCommit) {
          await deleteWorktree(worktree);
          faults.add(
            'worktree-deleted',
            `${worktree} removed under the running agent of ${id} (its commit ${head.slice(0, 10)} not yet pushed)`,
          );
          return;
        }
        await sleep(200);
      }
    })();

    const state = await resultOf<ManifestRunState>(mHandle, deadline);
    const crashyResult = crashyHandle ? await resultOf<TaskResult>(crashyHandle, deadline) : undefined;
    const prResult = prRun ? await resultOf<TaskResult>(prRun.handle, deadline) : undefined;
    finished = true;
    await Promise.all([poll, faultLoop, deletion]);
    await observer.stop();

    const tasks = await manifestVerdicts(rig.client, observer, state, { origin: repo, baseClone });
    const crashy =
      crashyResult && plan.crashy
        ? await crashyVerdict(rig.client, crashyWf, crashyResult, plan.crashy.crashCap)
        : undefined;
    let prReport: ChaosReport['pr'];
    if (pr && prRun && prResult) {
      const v = await prVerdict(pr, prResult.commit);
      const t = await taskVerdict({
        client: rig.client,
        observer,
        id: 'pr',
        workflowId: prRun.handle.workflowId,
        taskId: prRun.taskId,
        branch: pr.branch,
        branchKey: pr.branch.replace(/^feature-/, ''),
        status: prResult.state,
        commit: prResult.commit,
        origin: pr.bare,
        gitDirs: prBase ? [prBase] : [],
        starts: 1,
        attempts: 1,
      });
      prReport = {
        ...v,
        state: prResult.state,
        reason: prResult.reason,
        crashes: t.crashes,
        extraLaunches: t.extraLaunches,
        maxWindows: t.maxWindows,
        lostCommits: t.lostCommits,
      };
    }
    const done = tasks.filter((t) => t.status === 'complete' && t.commitPushed).length;
    const sum = (f: (t: TaskVerdict) => number) => tasks.reduce((a, t) => a + f(t), 0);
    const duplicates = {
      windows: sum((t) => Math.max(0, t.maxWindows - 1)) + Math.max(0, (prReport?.maxWindows ?? 0) - 1),
      launches: sum((t) => t.extraLaunches) + (prReport?.extraLaunches ?? 0),
      starts: sum((t) => Math.max(0, t.starts - 1)),
      prs: prReport?.pullsCreated ?? 0,
      comments: Math.max(0, (prReport?.summaries ?? 1) - 1),
      replies: Math.max(0, (prReport?.replies ?? 1) - 1),
      pushes: Math.max(0, (prReport?.commitsOnBranch ?? 2) - 2),
      total: 0,
    };
    duplicates.total = Object.values(duplicates).reduce((a, b) => a + b, 0);
    const lostCommits =
      sum((t) => t.lostCommits.length + (t.commit && !t.commitPushed ? 1 : 0)) +
      (prReport ? prReport.lostCommits.length + (prReport.headIsResult ? 0 : 1) : 0);
    return {
      name,
      startedAt: startedAt.toISOString(),
      wallSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      faults: faults.entries,
      faultsNotFired: pending.map((p) => p.label),
      workerUnexpectedExits: worker.unexpectedExits,
      tasks,
      completed: done,
      total: tasks.length,
      crashy,
      pr: prReport,
      duplicates,
      lostCommits,
      summary: `chaos: ${done}/${tasks.length} tasks completed, ${duplicates.total} duplicates, ${lostCommits} lost commits`,
    };
  } finally {
    await observer?.stop().catch(() => undefined);
    await worker?.stop().catch(() => undefined);
    await rig.close().catch(() => undefined);
    await pr?.close().catch(() => undefined);
  }
}
