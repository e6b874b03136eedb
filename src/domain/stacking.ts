import { z } from 'zod';
import { branchForTask, isProtectedBranch, validateTaskId } from './identifiers.js';

/**
 * Stacked dependents: where a task's branch starts when it depends on other tasks, and how a
 * dependent follows when a dependency's branch changes or merges. Strategy: merge, never rebase
 * (docs/decisions.md, "Stacked PRs: merge the new base in"), so restacking never rewrites a
 * branch a reviewer has seen and never needs a force push.
 */

export const DependencyBranchSchema = z.object({
  taskId: z.string().min(1),
  branch: z.string().min(1),
  prNumber: z.number().int().positive().optional(),
  /** Merged into the base already: its work is in the base, nothing to stack on. */
  merged: z.boolean().default(false),
});
export type DependencyBranch = z.infer<typeof DependencyBranchSchema>;

export type BranchStart =
  /** No unmerged dependency: start from the base, PR against the base. */
  | { kind: 'base'; startFrom: string; prBase: string; mergeIn: [] }
  /** One: start from its branch, PR based on it (a stacked PR) until it merges. */
  | { kind: 'stacked'; startFrom: string; prBase: string; mergeIn: []; stackedOn: DependencyBranch }
  /** Several: start from the base and merge each dependency's branch in first, in this order. */
  | { kind: 'combined'; startFrom: string; prBase: string; mergeIn: DependencyBranch[] };

/** Where the task's branch starts and what its PR is based on. */
export function branchStart(
  baseBranch: string,
  dependencies: readonly z.input<typeof DependencyBranchSchema>[],
): BranchStart {
  const open = z
    .array(DependencyBranchSchema)
    .parse(dependencies)
    .filter((d) => !d.merged);
  if (open.length === 0) return { kind: 'base', startFrom: baseBranch, prBase: baseBranch, mergeIn: [] };
  if (open.length === 1)
    return { kind: 'stacked', startFrom: open[0]!.branch, prBase: open[0]!.branch, mergeIn: [], stackedOn: open[0]! };
  // A PR can have one base only; against the base branch it shows the dependencies' commits until they merge.
  return { kind: 'combined', startFrom: baseBranch, prBase: baseBranch, mergeIn: open };
}

export interface MergeInConflict {
  branch: string;
  /** The dependency whose merge stopped on conflicts (git holds one merge at a time). */
  conflict: { dependency: DependencyBranch; files: string[] };
  /** Dependencies merged cleanly before it. */
  mergedCleanly: DependencyBranch[];
  /** Dependencies not merged yet: after the conflict is resolved. */
  remaining: DependencyBranch[];
}

const dep = (d: DependencyBranch): string =>
  `\`${d.branch}\` (task \`${d.taskId}\`${d.prNumber ? `, PR #${d.prNumber}` : ''})`;

/** The brief section for a task whose dependencies' branches conflicted when merged together. */
export function renderMergeConflictBrief(c: MergeInConflict): string {
  const lines = ['## First: finish merging your dependencies', ''];
  lines.push(`Your branch \`${c.branch}\` starts from the base with the work of the tasks it depends on merged in.`);
  if (c.mergedCleanly.length > 0) lines.push(`Merged cleanly: ${c.mergedCleanly.map(dep).join(', ')}.`);
  lines.push(
    `Merging ${dep(c.conflict.dependency)} stopped on conflicts in ${c.conflict.files.length} file${c.conflict.files.length === 1 ? '' : 's'}:`,
    '',
  );
  for (const f of c.conflict.files) lines.push(`- \`${f}\``);
  lines.push(
    '',
    "Resolve the conflict markers in those files so both sides' intent survives, `git add` them and `git commit` to conclude the merge.",
  );
  if (c.remaining.length > 0) {
    lines.push('Then merge the remaining dependencies the same way, one at a time:', '');
    for (const d of c.remaining) lines.push(`- \`git merge origin/${d.branch}\``);
  }
  lines.push(
    '',
    'Do not rebase or reset: the merge commits are how Drover and the reviewers see what came from where. Then do your own task.',
  );
  return lines.join('\n');
}

/** True only for Drover's own task branches (`drover/<task id>`), never for a protected name. */
export function mayForcePush(branch: string): boolean {
  if (isProtectedBranch(branch) || !branch.startsWith('drover/')) return false;
  const id = branch.slice('drover/'.length);
  return validateTaskId(id).ok && branchForTask(id) === branch;
}

export const RestackInputSchema = z.object({
  defaultBranch: z.string().min(1),
  dependent: z.object({
    taskId: z.string().min(1),
    branch: z.string().min(1),
    prNumber: z.number().int().positive().optional(),
    /** The dependent PR's base now. */
    prBase: z.string().min(1),
  }),
  dependency: DependencyBranchSchema.omit({ merged: true }),
  event: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('updated'), newHead: z.string().min(7) }),
    z.object({ kind: z.literal('merged'), mergeCommit: z.string().min(7) }),
  ]),
});
export type RestackInput = z.input<typeof RestackInputSchema>;

export type RestackStep =
  | { kind: 'retarget'; to: string }
  /** GitHub's update-branch: merges the PR's base into its head, no worktree needed. */
  | { kind: 'update-branch'; base: string }
  /** A merge in the worktree (when update-branch does not apply or conflicted). */
  | { kind: 'merge-in'; from: string }
  /** After update-branch: the worktree fast-forwards to the head GitHub made. */
  | { kind: 'sync-worktree' }
  /** After a local merge: a plain push (a merge only adds commits, so no force is ever needed). */
  | { kind: 'push'; forceWithLease: false }
  | { kind: 'reverify' };

export interface RestackPlan {
  steps: RestackStep[];
  /** When the merge conflicts: the agent is re-briefed in the same worktree (renderMergeConflictBrief). */
  onConflict: 'brief-agent';
  why: string;
}

/**
 * How a dependent follows its dependency. Its dependency's new commits (a review fix) or the base
 * the dependency merged into are merged into the dependent's branch; a stacked PR is retargeted
 * to the default branch once its dependency merged. Always re-verified afterwards.
 */
export function restackPlan(raw: RestackInput): RestackPlan {
  const input = RestackInputSchema.parse(raw);
  const { dependent, dependency, defaultBranch } = input;
  const stackedOnIt = dependent.prBase === dependency.branch;
  const steps: RestackStep[] = [];
  let why: string;
  if (input.event.kind === 'updated') {
    if (stackedOnIt) {
      steps.push({ kind: 'update-branch', base: dependency.branch });
      why = `${dependency.branch} moved to ${input.event.newHead.slice(0, 10)}; the PR is based on it, so GitHub's update-branch merges it in`;
    } else {
      steps.push({ kind: 'merge-in', from: `origin/${dependency.branch}` });
      why = `${dependency.branch} moved to ${input.event.newHead.slice(0, 10)}; the PR is based on ${dependent.prBase}, so the dependency is merged in the worktree`;
    }
  } else {
    if (stackedOnIt) steps.push({ kind: 'retarget', to: defaultBranch });
    const prBase = stackedOnIt ? defaultBranch : dependent.prBase;
    if (prBase === defaultBranch) steps.push({ kind: 'update-branch', base: defaultBranch });
    else steps.push({ kind: 'merge-in', from: `origin/${defaultBranch}` });
    why = `${dependency.branch} merged into ${defaultBranch} as ${input.event.mergeCommit.slice(0, 10)}${stackedOnIt ? `; the PR is retargeted from ${dependency.branch} to ${defaultBranch}` : ''} and ${defaultBranch} is merged in`;
  }
  steps.push(
    steps.some((s) => s.kind === 'merge-in') ? { kind: 'push', forceWithLease: false } : { kind: 'sync-worktree' },
    { kind: 'reverify' },
  );
  return { steps, onConflict: 'brief-agent', why };
}
