/**
 * `drover demo pipeline --json`'s outcome, from facts read after the run: the manifest run's
 * final rows and what the GitHub emulator says (PRs, issues, counters, the heads its CI ran on).
 * Pure: the command gathers the facts, this decides `done` or names everything missing.
 *
 * `revisions` of a PR is the number of distinct heads the PR had that CI ran on (the emulator
 * runs CI once per new head): the first push, each fix pushed after a re-brief, and each
 * update the merge queue made to bring the branch up to date. `reBriefs` is the task's own count
 * of re-briefs (the manifest row's `revisions`).
 */
import type { TaskRow } from '../domain/manifest-run.js';

export interface PullFact {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  mergedAt: string | null;
  mergeCommit: string | null;
  /** The base now (after GitHub retargeted a stacked PR, the default branch). */
  base: string;
}

export interface IssueFact {
  number: number;
  /** The planned task that works on it. */
  task: string;
  state: 'open' | 'closed';
}

export interface PipelineFacts {
  /** Whether the run merged (`--merge`); without it every PR is expected open. */
  merge: boolean;
  webUi: string;
  /** The manifest run's name, the repository on the emulator (`owner/name`) and its bare git repository. */
  where: { run: string; repo: string; bare: string };
  /** The run's final rows; absent when the run did not finish. */
  rows: ReadonlyArray<Pick<TaskRow, 'id' | 'status' | 'reason' | 'branch' | 'revisions' | 'pullRequest'>> | undefined;
  /** Task id → the task ids it depends on (the planned manifest). */
  dependsOn: Readonly<Record<string, readonly string[]>>;
  issues: readonly IssueFact[];
  pulls: readonly PullFact[];
  /** PR number → the heads CI ran on, in order. */
  ciHeads: Readonly<Record<number, readonly string[]>>;
  counters: {
    pullsCreatedByHead: Readonly<Record<string, number>>;
    duplicatePullsRefused: number;
    commentsByMarker: Readonly<Record<string, Readonly<Record<string, number>>>>;
  };
}

export interface PrSummary {
  number: number;
  task: string;
  base: string;
  baseAtOpen: string;
  state: 'open' | 'closed' | 'merged';
  mergedAt: string | null;
  mergeCommit: string | null;
  revisions: number;
  reBriefs: number;
}

export interface PipelineSummary {
  state: 'done' | 'failed';
  run: string;
  repo: string;
  bare: string;
  issues: IssueFact[];
  prs: PrSummary[];
  /** Task ids in the order their PRs merged. */
  mergeOrder: string[];
  webUi: string;
  duplicates: { pulls: number; comments: number };
  /** What keeps it from `done`, one sentence each (empty when done). */
  missing: string[];
}

const extra = (counts: Iterable<number>): number => [...counts].reduce((n, c) => n + Math.max(0, c - 1), 0);

function prSummary(row: NonNullable<PipelineFacts['rows']>[number], facts: PipelineFacts): PrSummary | undefined {
  const pr = row.pullRequest;
  if (!pr) return undefined;
  const fact = facts.pulls.find((p) => p.number === pr.number);
  const state = fact ? (fact.merged ? 'merged' : fact.state) : pr.state;
  return {
    number: pr.number,
    task: row.id,
    base: fact?.base ?? pr.base,
    baseAtOpen: pr.baseAtOpen,
    state,
    mergedAt: fact?.mergedAt ?? pr.mergedAt ?? null,
    mergeCommit: fact?.mergeCommit ?? pr.mergeCommit ?? null,
    revisions: facts.ciHeads[pr.number]?.length ?? 0,
    reBriefs: row.revisions,
  };
}

/** Stacking and merge order: a dependent's PR opens on its dependency's branch and merges after it. */
function orderProblems(facts: PipelineFacts, rows: NonNullable<PipelineFacts['rows']>, prs: PrSummary[]): string[] {
  const out: string[] = [];
  for (const [task, deps] of Object.entries(facts.dependsOn)) {
    const pr = prs.find((p) => p.task === task);
    if (!pr || deps.length !== 1) continue;
    const dep = rows.find((r) => r.id === deps[0]);
    const depPr = prs.find((p) => p.task === deps[0]);
    if (dep && pr.baseAtOpen !== dep.branch)
      out.push(`${task}'s PR #${pr.number} was opened on ${pr.baseAtOpen}, not stacked on ${dep.branch}`);
    if (facts.merge && pr.mergedAt && depPr?.mergedAt && Date.parse(pr.mergedAt) < Date.parse(depPr.mergedAt))
      out.push(`${task}'s PR #${pr.number} merged before its dependency's PR #${depPr.number}`);
  }
  return out;
}

export function summarizePipeline(facts: PipelineFacts): PipelineSummary {
  const missing: string[] = [];
  const rows = facts.rows ?? [];
  if (!facts.rows) missing.push('the manifest run did not finish');
  const prs: PrSummary[] = [];
  for (const row of rows) {
    const pr = prSummary(row, facts);
    if (pr) prs.push(pr);
    else missing.push(`task ${row.id} has no pull request (${row.status}: ${row.reason})`);
  }
  const want = facts.merge ? 'merged' : 'open';
  for (const pr of prs)
    if (pr.state !== want) missing.push(`PR #${pr.number} (${pr.task}) is ${pr.state}, not ${want}`);
  for (const row of rows.filter((r) => r.pullRequest)) {
    const status = facts.merge ? 'merged' : 'pr_open';
    if (row.status !== status) missing.push(`task ${row.id} ended ${row.status}, not ${status}: ${row.reason}`);
  }
  if (facts.merge)
    for (const issue of facts.issues)
      if (issue.state !== 'closed') missing.push(`issue #${issue.number} (${issue.task}) is still open`);
  missing.push(...orderProblems(facts, rows, prs));
  const duplicates = {
    pulls: facts.counters.duplicatePullsRefused + extra(Object.values(facts.counters.pullsCreatedByHead)),
    comments: extra(Object.values(facts.counters.commentsByMarker).flatMap((m) => Object.values(m))),
  };
  if (duplicates.pulls > 0) missing.push(`${duplicates.pulls} duplicate pull request(s) were attempted`);
  if (duplicates.comments > 0) missing.push(`${duplicates.comments} comment(s) were posted twice`);
  const mergeOrder = prs
    .filter((p) => p.mergedAt !== null)
    .sort((a, b) => Date.parse(a.mergedAt!) - Date.parse(b.mergedAt!))
    .map((p) => p.task);
  return {
    state: missing.length === 0 ? 'done' : 'failed',
    ...facts.where,
    issues: [...facts.issues],
    prs,
    mergeOrder,
    webUi: facts.webUi,
    duplicates,
    missing,
  };
}
