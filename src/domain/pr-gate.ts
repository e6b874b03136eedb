import { isFailedCheck } from './check-conclusion.js';
import type { CheckFact, PrFacts, ReviewThread } from './pull-request.js';

/**
 * The verification gate for pull requests (docs/design.md §2 verify): "never done without evidence".
 * Pure rules over facts an activity read from GitHub; the workflow acts on the outcome.
 */
export interface PrGateInput {
  facts: PrFacts;
  /** The commit Drover pushed for this revision (the worktree's HEAD). */
  pushedSha: string;
  steps: readonly string[];
  checkpoints: readonly string[];
  /** SHAs of the PR branch's commits: a thread answer must name one of them. Empty = any SHA-looking token. */
  branchCommits: readonly string[];
}

export type PrGateOutcome =
  | { verdict: 'pass' }
  /** Only CI is missing on the pushed head: wait and look again (bounded by the caller). */
  | { verdict: 'wait'; pending: string }
  | { verdict: 'fail'; reasons: string[] };

const COMMIT_TOKEN = /\b[0-9a-f]{7,40}\b/gi;

const short = (sha: string): string => sha.slice(0, 10);
const quote = (text: string, max = 160): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `"${flat.length > max ? `${flat.slice(0, max)}…` : flat}"`;
};
const where = (t: ReviewThread): string => `${t.path ?? '(no file)'}${t.line ? `:${t.line}` : ''}`;

/** True when the text names a commit: a 7-40 hex token that is a prefix of a known commit (or any, when none are known). */
export function referencesCommit(text: string, commits: readonly string[]): boolean {
  const tokens = text.match(COMMIT_TOKEN) ?? [];
  if (commits.length === 0) return tokens.length > 0;
  return tokens.some((tok) => commits.some((sha) => sha.toLowerCase().startsWith(tok.toLowerCase())));
}

/** CI on `head` by the gate's rules: failed checks (reasons) and what is still pending. */
export function checkReasons(
  checks: readonly CheckFact[],
  head: string,
  olderGreenSha: string | null,
): { fail: string[]; pending?: string } {
  const onHead = checks.filter((c) => c.headSha === head);
  if (onHead.length === 0) {
    const older = olderGreenSha
      ? `; the last green checks are on the older commit ${short(olderGreenSha)}, which does not count`
      : '';
    return { fail: [], pending: `no check has reported on the pushed head ${short(head)} yet${older}` };
  }
  const failed = onHead.filter(isFailedCheck);
  const running = onHead.filter((c) => c.status !== 'completed');
  const fail = failed.map((c) => {
    const detail = [c.summary, c.text].filter((t): t is string => Boolean(t && t.trim())).map((t) => quote(t, 300));
    return `check "${c.name}" concluded ${c.conclusion ?? 'without a conclusion'} on ${short(head)}${detail.length ? `: ${detail.join(' ')}` : ''}`;
  });
  return running.length > 0
    ? {
        fail,
        pending: `${running.length} check${running.length > 1 ? 's' : ''} still running on ${short(head)}: ${running.map((c) => c.name).join(', ')}`,
      }
    : { fail };
}

/** The latest decisive review of each author (COMMENTED and PENDING never override a decision). */
export function decisiveReviews(facts: PrFacts): PrFacts['reviews'] {
  const latest = new Map<string, PrFacts['reviews'][number]>();
  for (const r of facts.reviews) {
    if (r.state === 'COMMENTED' || r.state === 'PENDING' || !r.submittedAt) continue;
    const prev = latest.get(r.author);
    if (!prev || (prev.submittedAt ?? '') <= r.submittedAt) latest.set(r.author, r);
  }
  return [...latest.values()];
}

/** Judges a pull request after the agent reported done. Reasons are written for the agent to act on. */
export function judgePullRequest(input: PrGateInput): PrGateOutcome {
  const { facts, pushedSha } = input;
  const reasons: string[] = [];

  const missing = input.steps.filter((s) => !input.checkpoints.includes(s));
  if (missing.length > 0)
    reasons.push(
      `missing checkpoint${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (run \`drover report checkpoint <step>\` after each)`,
    );

  if (facts.state !== 'OPEN')
    reasons.push(`the pull request is ${facts.state.toLowerCase()}; nothing more can be verified on it`);
  if (facts.headSha !== pushedSha) {
    reasons.push(
      `the pull request's head is ${short(facts.headSha)}, not ${short(pushedSha)} that was pushed from your worktree: fetch origin/${facts.headRefName}, integrate it, commit`,
    );
  }
  if (facts.mergeable === 'CONFLICTING') {
    reasons.push(
      `the branch conflicts with ${facts.baseRefName}: merge origin/${facts.baseRefName} into ${facts.headRefName}, resolve the conflicts, commit`,
    );
  }

  for (const t of facts.threads) {
    if (!t.isResolved) {
      reasons.push(
        `unresolved review thread ${t.id} on ${where(t)} by ${t.first?.author ?? 'a reviewer'}: ${quote(t.first?.body ?? '')} — address it, then run \`drover report thread ${t.id} "<what you changed>"\``,
      );
    } else if (!t.last || !referencesCommit(t.last.body, input.branchCommits)) {
      reasons.push(
        `review thread ${t.id} on ${where(t)} was resolved without a commit reference (last comment ${quote(t.last?.body ?? '')}): treat it as open — address it, then run \`drover report thread ${t.id} "<what you changed>"\``,
      );
    }
  }

  const lastCommitAt = facts.headCommittedAt ?? '';
  for (const r of decisiveReviews(facts)) {
    if (r.state === 'CHANGES_REQUESTED' && (r.submittedAt ?? '') > lastCommitAt) {
      reasons.push(
        `${r.author} requested changes at ${r.submittedAt}, after the last commit (${lastCommitAt || 'unknown time'}): read the review, address it and commit`,
      );
    }
  }

  const ci = checkReasons(facts.checks, facts.headSha, facts.olderGreenSha);
  reasons.push(...ci.fail);
  if (reasons.length > 0) return { verdict: 'fail', reasons: ci.pending ? [...reasons, ci.pending] : reasons };
  if (ci.pending) return { verdict: 'wait', pending: ci.pending };
  return { verdict: 'pass' };
}
