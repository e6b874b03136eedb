import { buildPrBrief } from '../domain/pr-brief.js';
import type { ResolvedTaskInput } from '../domain/task.js';
import { sharedActivities, type hostActivities } from './activity-proxies.js';
import type { TaskRecord } from './task-record.js';

export interface WorktreeSource {
  repo: string;
  branch: string;
  baseRef: string;
}

/**
 * The prepare phase (docs/design.md §2) on the task's current host: the worktree on the task branch
 * (local, else pushed, else new from the base); PR mode: the pull request's head branch, from its
 * repository's clone URL. `closed`: a pull request with nothing left to fix.
 */
export async function prepareTaskWorktree(ctx: {
  input: ResolvedTaskInput;
  record: TaskRecord;
  host: ReturnType<typeof hostActivities>;
}): Promise<{ baseCommit: string; source: WorktreeSource } | { closed: string }> {
  const { input, record: rec } = ctx;
  let repo = input.repo;
  let baseRef = input.baseRef;
  if (input.pr) {
    rec.phase('preparing', `reading pull request ${input.pr.owner}/${input.pr.repo}#${input.pr.number}`);
    const loaded = await sharedActivities.loadPullRequest({ pr: input.pr });
    if (loaded.state !== 'open') return { closed: `the pull request is ${loaded.state}; nothing to fix` };
    repo = loaded.cloneUrl;
    baseRef = loaded.headSha;
    rec.onBranch(loaded.headRefName);
    rec.decide(
      `pull request "${loaded.title}": head ${loaded.headRefName} at ${loaded.headSha.slice(0, 10)}, base ${loaded.baseRefName}`,
    );
  }
  rec.phase('preparing', 'creating the worktree');
  const task = rec.state;
  const made = await ctx.host.prepareWorktree({ repo, taskId: task.taskId, branch: task.branch, baseRef });
  rec.worktreeAt(made.worktree);
  rec.decide(`${made.reused ? 'reused' : 'created'} worktree ${made.worktree} on ${made.branch}`);
  return { baseCommit: made.baseCommit, source: { repo, branch: task.branch, baseRef } };
}

/** PR mode: the brief from the pull request's facts (failing checks, unresolved threads, conflicts). */
export async function prBriefFor(ctx: {
  input: ResolvedTaskInput;
  record: TaskRecord;
  worktree: string;
}): Promise<string> {
  const { input, record: rec } = ctx;
  const facts = await sharedActivities.readPrFacts({ pr: input.pr! });
  const brief = buildPrBrief({
    facts,
    taskId: rec.state.taskId,
    worktree: ctx.worktree,
    steps: input.steps,
    objective: input.objective,
    context: input.context,
    images: input.images,
  });
  rec.decide(
    `brief built from the pull request: ${facts.checks.filter((c) => c.conclusion && !['success', 'neutral', 'skipped'].includes(c.conclusion)).length} failing check(s), ${facts.threads.filter((t) => !t.isResolved).length} unresolved thread(s), ${facts.mergeable === 'CONFLICTING' ? 'conflicts' : 'no conflicts'}`,
  );
  return brief;
}
