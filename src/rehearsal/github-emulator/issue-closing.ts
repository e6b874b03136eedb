/**
 * Issues closed by a merged PR, as GitHub does it: a closing keyword (close, closes, closed, fix,
 * fixes, fixed, resolve, resolves, resolved; any case, optional colon) before `#N` in the PR's
 * body or its commit messages closes issue N — only when the PR merges into the default branch.
 */
import type { GithubStore, StoredIssue, StoredRepo } from './store.js';

const CLOSING = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)\b/gi;

/** The issue numbers `text` closes, in order of first mention. */
export function closingReferences(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(CLOSING)) {
    const n = Number(m[1]);
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** Closes the open issues (not PRs) that `texts` name with a closing keyword; returns them. */
export function closeReferencedIssues(
  store: GithubStore,
  repo: StoredRepo,
  base: string,
  texts: string[],
): StoredIssue[] {
  if (base !== repo.defaultBranch) return [];
  const numbers = closingReferences(texts.join('\n'));
  const closed: StoredIssue[] = [];
  for (const issue of repo.issues) {
    if (!numbers.includes(issue.number) || issue.isPullRequest || issue.state !== 'open') continue;
    issue.state = 'closed';
    issue.closedAt = store.stamp();
    closed.push(issue);
  }
  return closed;
}
