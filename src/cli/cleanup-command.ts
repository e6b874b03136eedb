import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { decideWorktree, type WorktreeFacts } from '../domain/cleanup.js';
import { tmuxWindowName, validateManifestName } from '../domain/identifiers.js';
import type { TaskState } from '../domain/task.js';
import { visible } from '../domain/visible-text.js';
import { git } from '../host/git/git.js';
import { endAgentWindow } from '../host/tmux/end-agent-window.js';
import { TmuxClient } from '../host/tmux/tmux-client.js';
import { CliError, openContext, type CliContext } from './context.js';
import { table } from './status-view.js';
import { readTask } from './task-read.js';

interface Outcome {
  task: string;
  /** How the task ended (failed, terminated, aborted, done …) and why. */
  ended: string;
  /** What was done with its agent. */
  agent: string;
  /** What was done with its worktree: removed, kept, skipped. */
  action: 'removed' | 'kept' | 'skipped';
  why: string;
}

/** The facts about a task's worktree the decision needs (domain/cleanup.ts). */
async function worktreeFacts(s: TaskState, workspace: string): Promise<WorktreeFacts> {
  const worktree = s.worktree;
  const base = { taskId: s.taskId, worktree, branch: s.branch, dirtyFiles: 0, unpushed: 0, onRemote: false };
  if (!worktree || !existsSync(worktree)) return { ...base, exists: false, insideWorkspace: false };
  const insideWorkspace = path.resolve(worktree).startsWith(path.resolve(workspace) + path.sep);
  const dirty = await git(worktree, ['status', '--porcelain']);
  const dirtyFiles = dirty.ok ? dirty.stdout.split('\n').filter((l) => l.trim() !== '').length : 1;
  const fetched = await git(worktree, ['fetch', '--quiet', '--prune', 'origin']);
  if (!fetched.ok)
    return {
      ...base,
      exists: true,
      insideWorkspace,
      dirtyFiles,
      unpushed: undefined,
      unknownWhy: fetched.stderr.trim(),
    };
  // commits no branch of the remote holds: none made, or all pushed (or merged) → nothing to lose
  const ahead = await git(worktree, ['rev-list', '--count', 'HEAD', '--not', '--remotes=origin']);
  const remote = await git(worktree, ['ls-remote', '--heads', 'origin', `refs/heads/${s.branch}`]);
  return {
    ...base,
    exists: true,
    insideWorkspace,
    dirtyFiles,
    unpushed: ahead.ok ? Number(ahead.stdout.trim()) : undefined,
    unknownWhy: ahead.ok ? undefined : ahead.stderr.trim(),
    onRemote: remote.ok && remote.stdout.trim() !== '',
  };
}

/** Ends the task's agent (its process group) and window, when they live on this host. */
async function endAgent(ctx: CliContext, tmux: TmuxClient, taskId: string, s: TaskState | undefined, dryRun: boolean) {
  if (s?.host && s.host !== ctx.config.hostId)
    return `on host ${s.host}, not this one (${ctx.config.hostId}): run drover cleanup there`;
  const window = await tmux.findWindow(tmuxWindowName(taskId)).catch(() => undefined);
  if (!window) return 'no agent window';
  if (dryRun) return `would end pid ${window.panePid} and its process group, and close its window (dry run)`;
  const ended = await endAgentWindow(tmux, taskId);
  if (!ended) return 'no agent window';
  if (!ended.wasAlive) return 'had exited; window closed';
  return `ended pid ${ended.pid}${ended.group ? ' and its process group' : ''}; window closed`;
}

async function removeWorktree(worktree: string, branch: string): Promise<string | undefined> {
  const common = await git(worktree, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
  const base = path.dirname(common.stdout);
  const removed = await git(base, ['worktree', 'remove', '--force', worktree]);
  if (!removed.ok) return `git worktree remove failed: ${removed.stderr.trim()}`;
  await git(base, ['branch', '-D', '--', branch]);
  return undefined;
}

async function cleanTask(
  ctx: CliContext,
  tmux: TmuxClient,
  wf: { workflowId: string; status: string; memo?: Record<string, unknown> },
  run: string,
  dryRun: boolean,
): Promise<Outcome> {
  const task = await readTask(ctx.client, wf.workflowId, wf.status, wf.memo ?? {});
  const { state: s, shown } = task;
  const ended = visible(`${shown.phase}: ${shown.decision}`).slice(0, 160);
  const taskId = s?.taskId ?? wf.workflowId.slice(`task/${run}/`.length);
  const agent = await endAgent(ctx, tmux, taskId, s, dryRun);
  if (!s) return { task: taskId, ended, agent, action: 'skipped', why: 'its state cannot be read (no worker?)' };
  const verdict = decideWorktree(await worktreeFacts(s, ctx.config.workspace));
  if (verdict.action === 'skip') return { task: taskId, ended, agent, action: 'skipped', why: verdict.why };
  if (verdict.action === 'keep') return { task: taskId, ended, agent, action: 'kept', why: verdict.why };
  if (dryRun)
    return {
      task: taskId,
      ended,
      agent,
      action: 'removed',
      why: `would remove ${s.worktree} (dry run): ${verdict.why}`,
    };
  const failed = await removeWorktree(s.worktree!, s.branch);
  if (failed) return { task: taskId, ended, agent, action: 'kept', why: failed };
  return {
    task: taskId,
    ended,
    agent,
    action: 'removed',
    why: `removed ${s.worktree} and local branch ${s.branch}: ${verdict.why}`,
  };
}

/** `drover cleanup RUN`: the agents, windows, worktrees and local branches of a run's finished tasks, never unpushed work. */
export function registerCleanupCommand(program: Command): void {
  program
    .command('cleanup <run>')
    .description(
      'end the agents of finished tasks of a run (a manifest name, or "adhoc") and remove their worktrees, windows and local branches when nothing would be lost; keeps and names worktrees with unpushed work',
    )
    .option('--dry-run', 'say what would be done')
    .option('--json', 'machine-readable output')
    .action(async (run: string, opts: { dryRun?: boolean; json?: boolean }) => {
      const check = validateManifestName(run);
      if (!check.ok) throw new CliError(`run "${run}" refused: ${check.error}`);
      const ctx = await openContext();
      const outcomes: Outcome[] = [];
      let serverNote: string | undefined;
      try {
        const tmux = new TmuxClient({
          socket: ctx.config.tmuxSocket,
          session: 'drover',
          width: 220,
          height: 50,
          serverEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        });
        for await (const wf of ctx.client.workflow.list({
          query: `WorkflowType='agentTaskWorkflow' AND WorkflowId STARTS_WITH 'task/${run}/'`,
        })) {
          if (wf.status.name === 'RUNNING')
            outcomes.push({
              task: wf.workflowId,
              ended: 'running',
              agent: 'left running',
              action: 'skipped',
              why: 'still running (abort it first)',
            });
          else outcomes.push(await cleanTask(ctx, tmux, { ...wf, status: wf.status.name }, run, opts.dryRun ?? false));
        }
        // the server itself stays (a worker's control-mode client is attached to it): say how to end it
        const left = (await tmux.listPanes().catch(() => undefined))?.filter((p) => p.windowName !== 'drover');
        if (left?.length === 0)
          serverNote = `no agent window is left in tmux server ${ctx.config.tmuxSocket}; with no worker running on this host, end it with: tmux -L ${ctx.config.tmuxSocket} kill-server`;
      } finally {
        await ctx.close();
      }
      if (opts.json) console.log(JSON.stringify(outcomes));
      else if (outcomes.length === 0) console.log(`no tasks found for run ${run}`);
      else
        console.log(
          table([
            ['TASK', 'ENDED', 'AGENT', 'WORKTREE', 'WHY'],
            ...outcomes.map((o) => [o.task, o.ended, o.agent, o.action, o.why]),
          ]),
        );
      if (!opts.json && serverNote) console.log(`\n${serverNote}`);
    });
}
