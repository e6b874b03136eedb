/** What a chaos run proves, task by task: completed, started once, one window, no launch beyond its relaunches, no lost commit. */
import type { Client } from '@temporalio/client';
import { execa } from 'execa';
import { tmuxWindowName } from '../../../src/domain/identifiers.js';
import type { ManifestRunState } from '../../../src/domain/manifest-run.js';
import type { TaskResult, TaskState } from '../../../src/domain/task.js';
import type { ChaosObserver } from './observer.js';

export interface TaskVerdict {
  id: string;
  status: string;
  reason?: string;
  /** Starts in the manifest's log (must be 1). */
  starts: number;
  attempts: number;
  launched: number;
  relaunched: number;
  reused: number;
  crashes: number;
  /** Agent launches beyond the first and one per crash (must be 0). */
  extraLaunches: number;
  /** Most windows with the task's name at one moment (must be ≤ 1). */
  maxWindows: number;
  /** Distinct window ids over the run (a new one after the tmux server was killed). */
  windowIds: number;
  worktreeRestored: boolean;
  commit?: string;
  /** The reported commit is the head of the task branch in the origin repository. */
  commitPushed: boolean;
  /** Commits the task branch pointed at during the run (origin or base clone) that the final head no longer contains. */
  lostCommits: string[];
  events?: string[];
  /** A task that did not complete: every event with its time, and the last screen lines Drover recorded (to find out why). */
  diagnosis?: { events: string[]; screenTail: string[] };
}

export async function childState(client: Client, workflowId: string): Promise<TaskState | undefined> {
  const described = await client.workflow.getHandle(workflowId).describe();
  return described.memo?.droverState as TaskState | undefined;
}

const count = (s: TaskState | undefined, re: RegExp) => s?.events.filter((e) => re.test(e.what)).length ?? 0;

async function isAncestor(dirs: string[], sha: string, head: string): Promise<boolean> {
  for (const dir of dirs) {
    const r = await execa('git', ['-C', dir, 'merge-base', '--is-ancestor', sha, head], { reject: false });
    if (r.exitCode === 0) return true;
  }
  return false;
}

/** The task branch's head in `origin`, or undefined. */
async function headOf(origin: string, branch: string): Promise<string | undefined> {
  const r = await execa('git', ['-C', origin, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {
    reject: false,
  });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** Launch counts, windows and commits of one task workflow (manifest child or standalone). */
export async function taskVerdict(opts: {
  client: Client;
  observer: ChaosObserver;
  id: string;
  workflowId: string;
  taskId: string;
  branch: string;
  /** `seenCommits` key of the branch (its name under the observer's prefix). */
  branchKey: string;
  status: string;
  reason?: string;
  commit?: string;
  origin: string;
  /** Where unpushed commits live (the base clone), for the ancestry check. */
  gitDirs: string[];
  starts: number;
  attempts: number;
}): Promise<TaskVerdict> {
  const s = await childState(opts.client, opts.workflowId).catch(() => undefined);
  const launched = count(s, /^agent launched/);
  const relaunched = count(s, /^agent relaunched/);
  const crashes = s?.crashes ?? 0;
  const name = tmuxWindowName(opts.taskId);
  const head = await headOf(opts.origin, opts.branch);
  const lostCommits: string[] = [];
  for (const sha of opts.observer.seenCommits.get(opts.branchKey) ?? []) {
    if (!head || !(await isAncestor([opts.origin, ...opts.gitDirs], sha, head))) lostCommits.push(sha);
  }
  return {
    id: opts.id,
    status: opts.status,
    reason: opts.reason,
    starts: opts.starts,
    attempts: opts.attempts,
    launched,
    relaunched,
    reused: count(s, /^agent reused/),
    crashes,
    extraLaunches: Math.max(0, launched + relaunched - 1 - crashes),
    maxWindows: opts.observer.maxWindows.get(name) ?? 0,
    windowIds: opts.observer.windowIds.get(name)?.size ?? 0,
    worktreeRestored: count(s, /worktree restored from/) > 0,
    commit: opts.commit,
    commitPushed: opts.commit !== undefined && head === opts.commit,
    lostCommits,
    events: s?.events
      .map((e) => e.what)
      .filter((w) =>
        /^agent |crash|worktree|escalat|verification failed|submitted|not delivered|needs a human/.test(w),
      ),
    ...(opts.status !== 'complete' && s
      ? { diagnosis: { events: s.events.map((e) => `${e.at} ${e.what}`), screenTail: s.screenTail } }
      : {}),
  };
}

/** Every manifest task's verdict. */
export async function manifestVerdicts(
  client: Client,
  observer: ChaosObserver,
  state: ManifestRunState,
  opts: { origin: string; baseClone: string },
): Promise<TaskVerdict[]> {
  const out: TaskVerdict[] = [];
  for (const t of state.tasks) {
    out.push(
      await taskVerdict({
        client,
        observer,
        id: t.id,
        workflowId: t.workflowId,
        taskId: `${state.name}-${t.id}`,
        branch: t.branch,
        branchKey: t.branch.replace(/^drover\//, ''),
        status: t.status,
        reason: t.reason,
        commit: t.commit,
        origin: opts.origin,
        gitDirs: [opts.baseClone],
        starts: state.log.filter((l) => l.task === t.id && l.event === 'start').length,
        attempts: t.attempts,
      }),
    );
  }
  return out;
}

export interface CrashyVerdict {
  state: TaskResult['state'];
  reason: string;
  escalated: boolean;
  launches: number;
  crashes: number;
  crashCap: number;
  /** Ended (no endless relaunch loop) within the crash cap's launches. */
  bounded: boolean;
}

/** The agent that crashes on every start: escalated at the cap, then ended when nobody answered. */
export async function crashyVerdict(
  client: Client,
  workflowId: string,
  result: TaskResult,
  crashCap: number,
): Promise<CrashyVerdict> {
  const s = await childState(client, workflowId);
  const launches = count(s, /^agent (launched|relaunched)/);
  const escalated = count(s, /crashed \d+ times \(cap/) > 0 && /escalated/.test(result.reason);
  return {
    state: result.state,
    reason: result.reason,
    escalated,
    launches,
    crashes: s?.crashes ?? 0,
    crashCap,
    bounded: launches <= crashCap + 1,
  };
}
