/**
 * `drover plan`: a task manifest drafted from a repository's open issues, for a human to review
 * before `drover run`. Pure: no I/O.
 *
 * - pull requests are skipped (the issues API lists them too);
 * - one task per issue, id `i<number>`, with the issue's number and title, in issue order;
 * - `files`: the paths the body names (see plan-text.ts);
 * - `dependsOn`: "depends on #N", "after #N", "blocked by #N" where #N is another planned
 *   issue; any other #N (closed, a pull request, filtered out) is a warning, a self-reference
 *   is ignored;
 * - everything goes into one phase; the result is checked with validateManifest and its
 *   errors (a dependency cycle, …) are returned, never silently repaired.
 */
import type { ManifestInput } from './manifest-schema.js';
import { validateManifest } from './manifest-validate.js';
import { dependenciesIn, filesIn } from './plan-text.js';

export interface PlanIssue {
  number: number;
  title: string;
  body: string | null;
  labels: string[];
  pull_request?: unknown;
}

export interface PlanOptions {
  /** The manifest's `project` (also the default run name of `drover run`). */
  project: string;
  /** `owner/repo`, recorded in the manifest. */
  repo: string;
  /** Default "Open issues". */
  phaseName?: string;
}

export type PlannedTask = {
  id: string;
  issue: number;
  title: string;
  files: string[];
  dependsOn: string[];
};

export type PlannedManifest = {
  project: string;
  repo: string;
  phases: Array<{ name: string; tasks: PlannedTask[] }>;
};

export interface Plan {
  manifest: PlannedManifest;
  /** Dependencies left out, and validateManifest's warnings (e.g. a task naming no files). */
  warnings: string[];
  /** validateManifest's errors (e.g. a dependency cycle); the manifest cannot run until they are fixed. */
  errors: string[];
  /** Pull requests in the input, skipped. */
  skippedPullRequests: number;
}

/** Files listed per task at most; more are dropped with a warning. */
export const MAX_FILES_PER_TASK = 50;

export const taskIdForIssue = (n: number): string => `i${n}`;

const isPullRequest = (issue: PlanIssue): boolean => issue.pull_request !== undefined && issue.pull_request !== null;

export function planFromIssues(issues: readonly PlanIssue[], opts: PlanOptions): Plan {
  const pulls = new Set(issues.filter(isPullRequest).map((i) => i.number));
  const byNumber = new Map<number, PlanIssue>();
  for (const issue of issues)
    if (!isPullRequest(issue) && !byNumber.has(issue.number)) byNumber.set(issue.number, issue);
  const planned = [...byNumber.values()].sort((a, b) => a.number - b.number);
  const warnings: string[] = [];

  const tasks = planned.map((issue): PlannedTask => {
    const body = typeof issue.body === 'string' ? issue.body : '';
    const id = taskIdForIssue(issue.number);
    let files = filesIn(body);
    if (files.length > MAX_FILES_PER_TASK) {
      warnings.push(
        `issue #${issue.number} names ${files.length} files; ${id} keeps the first ${MAX_FILES_PER_TASK}, edit its files list if others matter`,
      );
      files = files.slice(0, MAX_FILES_PER_TASK);
    }
    const deps = new Set<number>();
    for (const n of dependenciesIn(body)) {
      if (n === issue.number || deps.has(n)) continue;
      if (byNumber.has(n)) {
        deps.add(n);
        continue;
      }
      const why = pulls.has(n)
        ? 'a pull request, not an issue'
        : 'not among the open issues planned (closed, filtered out by label, or not in this repository)';
      const warning = `issue #${issue.number} waits for #${n}, which is ${why}; ${id} does not depend on it — add it by hand if it must`;
      if (!warnings.includes(warning)) warnings.push(warning);
    }
    const dependsOn = [...deps].sort((a, b) => a - b).map(taskIdForIssue);
    return { id, issue: issue.number, title: issue.title, files, dependsOn };
  });

  const manifest: PlannedManifest = {
    project: opts.project,
    repo: opts.repo,
    phases: [{ name: opts.phaseName ?? 'Open issues', tasks }],
  };
  const checked = validateManifest(manifest satisfies ManifestInput);
  return {
    manifest,
    warnings: [...warnings, ...(checked.ok ? checked.warnings : [])],
    errors: checked.ok ? [] : checked.errors,
    skippedPullRequests: pulls.size,
  };
}
