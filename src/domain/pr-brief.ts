import { buildBrief } from './brief.js';
import { isFailedCheck } from './check-conclusion.js';
import { formatPrRef, type PrFacts } from './pull-request.js';

/** Steps a PR fix must report unless the user names others. */
export const DEFAULT_PR_STEPS = ['pr-address', 'pr-test'] as const;

function excerpt(text: string | null, maxLines = 15, maxChars = 1500): string[] {
  if (!text || !text.trim()) return [];
  const lines = text.trim().split('\n').slice(-maxLines);
  let joined = lines.join('\n');
  if (joined.length > maxChars) joined = `…${joined.slice(-maxChars)}`;
  return joined.split('\n').map((l) => `      ${l}`);
}

/** What is wrong with the pull request, as a list the agent can work through. */
export function describePrWork(facts: PrFacts): string[] {
  const lines: string[] = [];
  const failing = facts.checks.filter((c) => c.headSha === facts.headSha && isFailedCheck(c));
  if (failing.length > 0) {
    lines.push(`Failing checks on ${facts.headSha.slice(0, 10)}:`);
    for (const c of failing) {
      lines.push(`  - ${c.name}: ${c.conclusion}${c.summary ? ` — ${c.summary.replace(/\s+/g, ' ').trim()}` : ''}`);
      lines.push(...excerpt(c.text));
    }
  }
  const open = facts.threads.filter((t) => !t.isResolved);
  if (open.length > 0) {
    lines.push(`Unresolved review threads (${open.length}):`);
    for (const t of open) {
      lines.push(
        `  - thread ${t.id} on ${t.path ?? '(no file)'}${t.line ? `:${t.line}` : ''} by ${t.first?.author ?? 'a reviewer'}: ${(t.first?.body ?? '').replace(/\s+/g, ' ').trim()}`,
      );
      if (t.last && t.commentCount > 1)
        lines.push(`      latest reply by ${t.last.author}: ${t.last.body.replace(/\s+/g, ' ').trim()}`);
    }
  }
  const changes = facts.reviews.filter((r) => r.state === 'CHANGES_REQUESTED');
  if (changes.length > 0) lines.push(`Changes requested by: ${[...new Set(changes.map((r) => r.author))].join(', ')}.`);
  if (facts.mergeable === 'CONFLICTING')
    lines.push(
      `The branch conflicts with ${facts.baseRefName}: merge origin/${facts.baseRefName} and resolve the conflicts.`,
    );
  if (lines.length === 0)
    lines.push(
      'No failing check, open thread or conflict is reported right now; check the pull request and make sure it is ready.',
    );
  return lines;
}

export interface PrBriefInput {
  facts: PrFacts;
  taskId: string;
  worktree: string;
  steps: readonly string[];
  /** Extra instructions from the user (optional). */
  objective?: string;
  context?: string;
  images?: readonly string[];
}

/** The brief for a PR fix: the generic brief with the PR's failing checks, threads and conflicts as the objective. */
export function buildPrBrief(input: PrBriefInput): string {
  const { facts } = input;
  const objective = [
    `Fix the pull request ${formatPrRef(facts.pr)} "${facts.title}" (${facts.url}) on its branch ${facts.headRefName} (base ${facts.baseRefName}).`,
    ...describePrWork(facts),
    ...(input.objective ? ['', input.objective] : []),
    '',
    'For every review thread you address, run `drover report thread <thread-id> "<what you changed>"`; Drover replies on the thread with the commit and resolves it after pushing. Do not resolve threads yourself.',
    'Drover pushes your commits and waits for CI on the new head; do not push yourself.',
  ].join('\n');
  return buildBrief({
    objective,
    steps: input.steps,
    taskId: input.taskId,
    branch: facts.headRefName,
    worktree: input.worktree,
    context: input.context,
    images: input.images,
  });
}

export const SUMMARY_MARKER_PREFIX = '<!-- drover:summary';

/** The hidden marker that makes a revision's summary comment idempotent. */
export const summaryMarker = (taskId: string, revision: number): string =>
  `${SUMMARY_MARKER_PREFIX} task=${taskId} revision=${revision} -->`;

export interface SummaryInput {
  taskId: string;
  revision: number;
  sha: string;
  verdict: 'pass' | 'fail';
  reasons: readonly string[];
  addressedThreads: readonly string[];
}

/** One summary comment per revision: the commit, what was answered, and the gate's verdict. */
export function buildSummaryComment(input: SummaryInput): string {
  const lines = [
    summaryMarker(input.taskId, input.revision),
    `**Drover** — revision ${input.revision} of task \`${input.taskId}\` at commit ${input.sha}`,
    '',
    input.verdict === 'pass'
      ? 'Verified: CI is green on this commit, no review thread is open, no newer change request.'
      : 'Not verified yet; the agent was asked to fix:',
    ...input.reasons.map((r) => `- ${r.replace(/\s+/g, ' ').trim()}`),
  ];
  if (input.addressedThreads.length > 0)
    lines.push('', `Threads answered in this revision: ${input.addressedThreads.join(', ')}`);
  return lines.join('\n');
}
