import { endAgentWindow } from '../host/tmux/end-agent-window.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { git } from '../host/git/git.js';
import { TmuxClient } from '../host/tmux/tmux-client.js';
import { validateManifestName } from '../domain/identifiers.js';
import type { TaskState } from '../domain/task.js';
import { CliError, openContext } from './context.js';
import { table } from './status-view.js';

interface Outcome {
  task: string;
  action: 'removed' | 'kept' | 'skipped';
  why: string;
}

/** Why a task's branch must be kept: uncommitted work, or commits its remote does not have. */
async function unsafeToRemove(worktree: string, branch: string): Promise<string | undefined> {
  const dirty = await git(worktree, ['status', '--porcelain']);
  if (dirty.ok && dirty.stdout.trim()) return `uncommitted changes in ${worktree}`;
  const head = await git(worktree, ['rev-parse', 'HEAD']);
  const remote = await git(worktree, ['ls-remote', '--heads', 'origin', `refs/heads/${branch}`]);
  if (!remote.ok) return `cannot reach the remote to check ${branch}: ${remote.stderr.trim()}`;
  const remoteHead = remote.stdout.split(/\s/)[0] ?? '';
  if (!remoteHead) return `${branch} was never pushed`;
  if (remoteHead === head.stdout) return undefined;
  await git(worktree, ['fetch', '--quiet', 'origin', `refs/heads/${branch}`]);
  const ahead = await git(worktree, ['rev-list', '--count', `${remoteHead}..HEAD`]);
  if (!ahead.ok) return `cannot compare ${branch} with its remote`;
  return Number(ahead.stdout) > 0 ? `${ahead.stdout} commit(s) on ${branch} are not on the remote` : undefined;
}

async function cleanTask(s: TaskState, workspace: string, tmux: TmuxClient, dryRun: boolean): Promise<Outcome> {
  const worktree = s.worktree;
  if (!worktree || !existsSync(worktree)) return { task: s.taskId, action: 'skipped', why: 'no worktree on this host' };
  const root = path.resolve(workspace) + path.sep;
  if (!path.resolve(worktree).startsWith(root))
    return { task: s.taskId, action: 'kept', why: `worktree ${worktree} is outside the workspace ${workspace}` };
  const unsafe = await unsafeToRemove(worktree, s.branch);
  if (unsafe) return { task: s.taskId, action: 'kept', why: unsafe };
  if (dryRun)
    return { task: s.taskId, action: 'removed', why: `would remove ${worktree} and branch ${s.branch} (dry run)` };
  const hadWindow = await endAgentWindow(tmux, s.taskId);
  const common = await git(worktree, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
  const base = path.dirname(common.stdout);
  const removed = await git(base, ['worktree', 'remove', '--force', worktree]);
  if (!removed.ok)
    return { task: s.taskId, action: 'kept', why: `git worktree remove failed: ${removed.stderr.trim()}` };
  await git(base, ['branch', '-D', '--', s.branch]);
  return {
    task: s.taskId,
    action: 'removed',
    why: `removed ${worktree}${hadWindow ? ', its window' : ''} and local branch ${s.branch} (pushed: the remote keeps it)`,
  };
}

/** `drover cleanup RUN`: worktrees, windows and local branches of a finished run, never unpushed work. */
export function registerCleanupCommand(program: Command): void {
  program
    .command('cleanup <run>')
    .description(
      'remove the worktrees, windows and local branches of finished tasks of a run (a manifest name, or "adhoc"); never a branch with unpushed commits',
    )
    .option('--dry-run', 'say what would be removed')
    .option('--json', 'machine-readable output')
    .action(async (run: string, opts: { dryRun?: boolean; json?: boolean }) => {
      const check = validateManifestName(run);
      if (!check.ok) throw new CliError(`run "${run}" refused: ${check.error}`);
      const ctx = await openContext();
      const outcomes: Outcome[] = [];
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
          const state = wf.memo?.droverState as TaskState | undefined;
          if (wf.status.name === 'RUNNING')
            outcomes.push({ task: wf.workflowId, action: 'skipped', why: 'still running (abort it first)' });
          else if (!state) outcomes.push({ task: wf.workflowId, action: 'skipped', why: 'no final state recorded' });
          else outcomes.push(await cleanTask(state, ctx.config.workspace, tmux, opts.dryRun ?? false));
        }
      } finally {
        await ctx.close();
      }
      if (opts.json) console.log(JSON.stringify(outcomes));
      else if (outcomes.length === 0) console.log(`no tasks found for run ${run}`);
      else console.log(table([['TASK', 'ACTION', 'WHY'], ...outcomes.map((o) => [o.task, o.action, o.why])]));
    });
}
