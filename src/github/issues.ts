/**
 * Lists a repository's open issues over the GitHub REST API with `fetch`, following
 * `Link: rel="next"`. Failures come back as messages a user can act on; the token never
 * appears in them and is never sent to another origin than the API's.
 */
import { z } from 'zod';
import type { PlanIssue } from '../domain/plan.js';

export const REPO_PATTERN = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
export const DEFAULT_API_URL = 'https://api.github.com';
/** Pages followed at most (100 issues each by default). */
export const MAX_PAGES = 100;

export interface GithubOptions {
  /** REST base URL, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  apiUrl: string;
  token?: string;
  /** 1-100; GitHub's maximum by default. */
  perPage: number;
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

/** The URL of `rel="next"` in a Link header (`<url>; rel="next", <url>; rel="last"`), if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const [, target, params] of header.matchAll(/<([^>]*)>([^<]*)/g)) {
    for (const param of (params ?? '').split(/[;,]/)) {
      const rel = /^\s*rel\s*=\s*"?([^"]*)"?\s*$/i.exec(param)?.[1];
      if (rel !== undefined && rel.trim().split(/\s+/).includes('next')) return target;
    }
  }
  return undefined;
}

function when(resetSeconds: string | null, now: number): string {
  const reset = Number(resetSeconds);
  if (!resetSeconds || !Number.isFinite(reset)) return '';
  const minutes = Math.max(0, Math.ceil((reset * 1000 - now) / 60_000));
  return ` It resets at ${new Date(reset * 1000).toISOString()} (in ${minutes} min).`;
}

async function failure(res: Response, repo: string, hasToken: boolean, now: number): Promise<string> {
  const body = await res.text().catch(() => '');
  let message = '';
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message.slice(0, 200);
  } catch {
    message = body.slice(0, 200);
  }
  const said = message ? ` (GitHub said: ${message})` : '';
  const retryAfter = res.headers.get('retry-after');
  const limited =
    res.status === 429 ||
    (res.status === 403 &&
      (res.headers.get('x-ratelimit-remaining') === '0' || retryAfter !== null || /rate limit/i.test(message)));
  if (res.status === 401) {
    return hasToken
      ? `GitHub refused GITHUB_TOKEN (401)${said}; set GITHUB_TOKEN to a valid token that can read the issues of ${repo}`
      : `GitHub requires authentication (401)${said}; set GITHUB_TOKEN to a token that can read the issues of ${repo}`;
  }
  if (limited) {
    const wait =
      retryAfter !== null ? ` Retry after ${retryAfter} s.` : when(res.headers.get('x-ratelimit-reset'), now);
    return `GitHub API rate limit hit (${res.status})${said}.${wait}${hasToken ? '' : ' Set GITHUB_TOKEN for a higher limit.'}`;
  }
  if (res.status === 404)
    return `no repository ${repo}, or no access to it${hasToken ? ' with this GITHUB_TOKEN' : ' (a private repository needs GITHUB_TOKEN)'}`;
  if (res.status === 403)
    return `GitHub refused access to the issues of ${repo} (403)${said}; ${hasToken ? 'give GITHUB_TOKEN read access to issues' : 'set GITHUB_TOKEN'}`;
  if (res.status === 410) return `issues are disabled for ${repo} (410)`;
  if (res.status >= 500) return `GitHub API error ${res.status}${said}; try again in a moment`;
  return `GitHub API answered ${res.status}${said}`;
}

/** `target` resolved against `from`, if it stays on `origin` (the token must not leave it). */
function sameOrigin(
  target: string | null,
  from: string,
  origin: string,
): { ok: true; url: string } | { ok: false; error: string } {
  if (!target) return { ok: false, error: 'no location given' };
  let resolved: URL;
  try {
    resolved = new URL(target, from);
  } catch {
    return { ok: false, error: `${target.slice(0, 200)} is not a URL` };
  }
  if (resolved.origin !== origin)
    return { ok: false, error: `it points to another origin (${resolved.origin}); refusing to send the token there` };
  return { ok: true, url: resolved.toString() };
}

/** Open issues (and pull requests, which the caller skips) of `owner/repo`, every page. */
export async function listOpenIssues(repo: string, opts: GithubOptions & { label?: string }): Promise<IssuesResult> {
  if (!REPO_PATTERN.test(repo))
    return {
      ok: false,
      error: `"${repo}" is not OWNER/REPO (letters, digits and '-' / letters, digits, '.', '_' and '-')`,
    };
  const doFetch = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  const base = new URL(`${opts.apiUrl.replace(/\/+$/, '')}/repos/${repo}/issues`);
  base.searchParams.set('state', 'open');
  base.searchParams.set('per_page', String(opts.perPage));
  if (opts.label !== undefined) base.searchParams.set('labels', opts.label);
  const headers: Record<string, string> = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': 'drover',
  };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;

  const issues: PlanIssue[] = [];
  let url: string | undefined = base.toString();
  let pages = 0;
  let redirects = 0;
  while (url !== undefined) {
    if (pages >= MAX_PAGES)
      return {
        ok: false,
        error: `${repo} has more than ${MAX_PAGES * opts.perPage} open issues and pull requests; narrow the plan with --label`,
      };
    let res: Response;
    try {
      res = await doFetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return {
        ok: false,
        error: `cannot reach the GitHub API at ${opts.apiUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}${opts.apiUrl === DEFAULT_API_URL ? '' : ' (GITHUB_API_URL)'}`,
      };
    }
    if ([301, 302, 307, 308].includes(res.status)) {
      // A renamed or transferred repository: follow on the same origin only (the token goes with it).
      const moved = sameOrigin(res.headers.get('location'), url, base.origin);
      if (!moved.ok) return { ok: false, error: `${repo} moved (${res.status}): ${moved.error}` };
      if (++redirects > 5) return { ok: false, error: `${repo}: too many redirects` };
      await res.body?.cancel().catch(() => undefined);
      url = moved.url;
      continue;
    }
    if (!res.ok) return { ok: false, error: await failure(res, repo, opts.token !== undefined, now()) };
    let data: unknown;
    try {
      data = await res.json();
    } catch {
      return { ok: false, error: `the GitHub API at ${opts.apiUrl} answered with something that is not JSON` };
    }
    const parsed = IssuePageSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        ok: false,
        error: `the GitHub API answered with an unexpected issue list (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'bad shape'})`,
      };
    }
    for (const item of parsed.data) {
      issues.push({
        number: item.number,
        title: item.title,
        body: item.body ?? null,
        labels: item.labels.map((l) => (typeof l === 'string' ? l : l.name)),
        ...(item.pull_request != null ? { pull_request: item.pull_request } : {}),
      });
    }
    pages += 1;
    const next = nextLink(res.headers.get('link'));
    if (next === undefined) break;
    const nextUrl = sameOrigin(next, url, base.origin);
    if (!nextUrl.ok) return { ok: false, error: `the GitHub API's next page link: ${nextUrl.error}` };
    url = nextUrl.url;
  }
  return { ok: true, issues, pages };
}
