/**
 * Lists a repository's open issues over the GitHub REST API with Drover's Octokit client,
 * following `Link: rel="next"` (octokit.paginate). Failures come back as messages a user can
 * act on (issue-failures.ts); the token never appears in them and is never sent to another
 * origin than the API's (same-origin.ts).
 */
import { z } from 'zod';
import type { PlanIssue } from '../domain/plan.js';
import { createGithubClient, DEFAULT_API_URL } from './client.js';
import { describeIssuesFailure } from './issue-failures.js';
import { keepTokenOnOrigin } from './same-origin.js';

export const REPO_PATTERN = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
/** Pages followed at most (100 issues each by default). */
export const MAX_PAGES = 100;

export interface GithubOptions {
  /** REST base URL, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  apiUrl: string;
  token?: string;
  /** 1-100; GitHub's maximum by default. */
  perPage: number;
  /** The `fetch` Octokit sends through (tests hand in their own). */
  fetch?: typeof fetch;
  /** For messages about rate-limit resets. */
  now?: () => number;
}

export type IssuesResult = { ok: true; issues: PlanIssue[]; pages: number } | { ok: false; error: string };

/** `GITHUB_API_URL`, `GITHUB_TOKEN` and (for tests) `DROVER_GITHUB_PER_PAGE`. */
export function githubOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): { ok: true; options: GithubOptions } | { ok: false; error: string } {
  const apiUrl = (env.GITHUB_API_URL?.trim() || DEFAULT_API_URL).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(apiUrl);
  } catch {
    return {
      ok: false,
      error: `GITHUB_API_URL "${apiUrl}" is not a URL; unset it for github.com or set it to your API root (e.g. https://ghe.example.com/api/v3)`,
    };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return { ok: false, error: `GITHUB_API_URL "${apiUrl}" must be an http(s) URL` };
  const perPageText = env.DROVER_GITHUB_PER_PAGE?.trim();
  const perPage = perPageText ? Number(perPageText) : 100;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100)
    return {
      ok: false,
      error: `DROVER_GITHUB_PER_PAGE must be a whole number from 1 to 100, not "${perPageText ?? ''}"`,
    };
  const token = env.GITHUB_TOKEN?.trim();
  return { ok: true, options: { apiUrl, perPage, ...(token ? { token } : {}) } };
}

const LabelSchema = z.union([z.string(), z.object({ name: z.string() })]);
const IssueSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullable().optional(),
  labels: z.array(LabelSchema).default([]),
  pull_request: z.unknown().optional(),
});
const IssuePageSchema = z.array(IssueSchema);

const toPlanIssue = (item: z.infer<typeof IssueSchema>): PlanIssue => ({
  number: item.number,
  title: item.title,
  body: item.body ?? null,
  labels: item.labels.map((l) => (typeof l === 'string' ? l : l.name)),
  ...(item.pull_request != null ? { pull_request: item.pull_request } : {}),
});

/** A `rel="next"` link, as octokit's paginator reads it. */
const HAS_NEXT = /<[^<>]+>;\s*rel="next"/;

/** Open issues (and pull requests, which the caller skips) of `owner/repo`, every page. */
export async function listOpenIssues(repo: string, opts: GithubOptions & { label?: string }): Promise<IssuesResult> {
  if (!REPO_PATTERN.test(repo))
    return {
      ok: false,
      error: `"${repo}" is not OWNER/REPO (letters, digits and '-' / letters, digits, '.', '_' and '-')`,
    };
  const apiUrl = opts.apiUrl.replace(/\/+$/, '');
  // a one-shot command: a rate limit or a failure is reported at once, not waited out
  const octokit = createGithubClient({
    apiUrl,
    rateLimitRetries: 0,
    retries: 0,
    etagCacheSize: 0,
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  keepTokenOnOrigin(octokit, apiUrl);
  const [owner = '', name = ''] = repo.split('/');
  const listing = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    owner,
    repo: name,
    state: 'open',
    per_page: opts.perPage,
    ...(opts.label !== undefined ? { labels: opts.label } : {}),
  });
  const issues: PlanIssue[] = [];
  let pages = 0;
  try {
    for await (const page of listing) {
      const parsed = IssuePageSchema.safeParse(page.data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return {
          ok: false,
          error: `the GitHub API answered with an unexpected issue list (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'bad shape'})`,
        };
      }
      issues.push(...parsed.data.map(toPlanIssue));
      pages += 1;
      if (pages >= MAX_PAGES && HAS_NEXT.test(page.headers.link ?? ''))
        return {
          ok: false,
          error: `${repo} has more than ${MAX_PAGES * opts.perPage} open issues and pull requests; narrow the plan with --label`,
        };
    }
  } catch (error) {
    const now = (opts.now ?? Date.now)();
    const context = { repo, apiUrl, now, defaultApiUrl: DEFAULT_API_URL, ...(opts.token ? { token: opts.token } : {}) };
    return { ok: false, error: describeIssuesFailure(error, context) };
  }
  return { ok: true, issues, pages };
}
