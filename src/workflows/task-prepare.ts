import { buildPrBrief } from '../domain/pr-brief.js';
import { branchStart, renderMergeConflictBrief, type BranchStart } from '../domain/stacking.js';
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
}): Promise<{ baseCommit: string; source: WorktreeSource; conflictBrief?: string } | { closed: string }> {
  const { input, record: rec } = ctx;
  let repo = input.repo;
  let baseRef = input.baseRef;
  let start: BranchStart | undefined;
  if (input.openPr && !input.pr) {
    const planned = await pullRequestStart(input, rec);
    repo = planned.repo;
    start = planned.start;
    baseRef = start.startFrom;
  }
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
  const source = { repo, branch: task.branch, baseRef };
  if (!start || start.kind !== 'combined' || made.reused) return { baseCommit: made.baseCommit, source };
  const merged = await ctx.host.mergeInBranches({
    worktree: made.worktree,
    branches: start.mergeIn.map((d) => d.branch),
  });
  if (!merged.conflict) {
    rec.decide(`merged the dependencies' branches in: ${merged.merged.join(', ')}`);
    return { baseCommit: made.baseCommit, source };
  }
  const { conflict } = merged;
  const dependency = start.mergeIn.find((d) => d.branch === conflict.branch)!;
  rec.decide(`merging ${conflict.branch} in conflicted on ${conflict.files.join(', ')}: the agent resolves it first`);
  const conflictBrief = renderMergeConflictBrief({
    branch: task.branch,
    conflict: { dependency, files: conflict.files },
    mergedCleanly: start.mergeIn.filter((d) => merged.merged.includes(d.branch)),
    remaining: start.mergeIn.filter((d) => d !== dependency && !merged.merged.includes(d.branch)),
  });
  return { baseCommit: made.baseCommit, source, conflictBrief };
}

/**
 * A task that opens a PR works on the GitHub repository's clone and starts where its
 * dependencies left off (docs/pull-requests-pipeline.md, stacked dependents): none → the base;
 * one → its branch; several → the base with their branches merged in.
 */
async function pullRequestStart(
  input: ResolvedTaskInput,
  rec: TaskRecord,
): Promise<{ repo: string; start: BranchStart; defaultBranch: string }> {
  const want = input.openPr!;
  rec.phase('preparing', `reading the repository ${want.owner}/${want.repo}`);
  const loaded = await sharedActivities.loadRepository({ owner: want.owner, repo: want.repo });
  const start = branchStart(want.base ?? loaded.defaultBranch, want.stackedOn);
  if (start.kind !== 'base')
    rec.decide(
      start.kind === 'stacked'
        ? `stacked on ${start.stackedOn.taskId}: starting from its branch ${start.startFrom}`
        : `depends on ${start.mergeIn.map((d) => d.taskId).join(', ')}: starting from ${start.startFrom} with their branches merged in`,
    );
  return { repo: loaded.cloneUrl, start, defaultBranch: loaded.defaultBranch };
}

/** Where the task's PR is opened (a stacked PR: on its dependency's branch) and the base it finally merges into. */
export async function pullRequestBases(
  input: ResolvedTaskInput,
): Promise<{ prBase: string; finalBase: string; repoUrl: string }> {
  const want = input.openPr!;
  const loaded = await sharedActivities.loadRepository({ owner: want.owner, repo: want.repo });
  const finalBase = want.base ?? loaded.defaultBranch;
  return { prBase: branchStart(finalBase, want.stackedOn).prBase, finalBase, repoUrl: loaded.cloneUrl };
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
