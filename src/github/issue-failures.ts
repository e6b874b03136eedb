/**
 * What a user reads when listing a repository's issues fails: Octokit's errors (HTTP answers,
 * network failures) and the same-origin guard's refusals, as messages that say what to do.
 * The token never appears in them.
 */
import { redactTokens } from '../domain/identifiers.js';
import { SameOriginError } from './same-origin.js';

export interface FailureContext {
  repo: string;
  apiUrl: string;
  /** Whether GITHUB_TOKEN was sent (the advice differs). */
  token?: string;
  /** Epoch milliseconds, for "it resets in N min". */
  now: number;
  /** The API root used when GITHUB_API_URL is unset. */
  defaultApiUrl: string;
}

interface OctokitFailure {
  status?: number;
  message?: string;
  cause?: { message?: string; cause?: { code?: string; message?: string } };
  response?: { headers?: Record<string, unknown>; data?: unknown };
}

const header = (headers: Record<string, unknown>, name: string): string | null => {
  const value = headers[name];
  return value === undefined || value === null ? null : String(value);
};

function when(resetSeconds: string | null, now: number): string {
  const reset = Number(resetSeconds);
  if (!resetSeconds || !Number.isFinite(reset)) return '';
  const minutes = Math.max(0, Math.ceil((reset * 1000 - now) / 60_000));
  return ` It resets at ${new Date(reset * 1000).toISOString()} (in ${minutes} min).`;
}

/** GitHub's own `message`, from a JSON body or (first 200 characters of) a text one. */
function githubSaid(data: unknown, token: string | undefined): string {
  let message = '';
  if (typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string') {
    message = (data as { message: string }).message;
  } else if (typeof data === 'string') {
    try {
      const parsed = JSON.parse(data) as { message?: unknown };
      if (typeof parsed?.message === 'string') message = parsed.message;
    } catch {
      message = data;
    }
  }
  message = redactTokens(message.slice(0, 200));
  if (token) message = message.split(token).join('[REDACTED]');
  return message ? ` (GitHub said: ${message})` : '';
}

function httpFailure(status: number, headers: Record<string, unknown>, data: unknown, ctx: FailureContext): string {
  const { repo } = ctx;
  const hasToken = ctx.token !== undefined;
  const said = githubSaid(data, ctx.token);
  const retryAfter = header(headers, 'retry-after');
  const limited =
    status === 429 ||
    (status === 403 &&
      (header(headers, 'x-ratelimit-remaining') === '0' || retryAfter !== null || /rate limit/i.test(said)));
  if (status === 401) {
    return hasToken
      ? `GitHub refused GITHUB_TOKEN (401)${said}; set GITHUB_TOKEN to a valid token that can read the issues of ${repo}`
      : `GitHub requires authentication (401)${said}; set GITHUB_TOKEN to a token that can read the issues of ${repo}`;
  }
  if (limited) {
    const wait =
      retryAfter !== null ? ` Retry after ${retryAfter} s.` : when(header(headers, 'x-ratelimit-reset'), ctx.now);
    return `GitHub API rate limit hit (${status})${said}.${wait}${hasToken ? '' : ' Set GITHUB_TOKEN for a higher limit.'}`;
  }
  if (status === 404)
    return `no repository ${repo}, or no access to it${hasToken ? ' with this GITHUB_TOKEN' : ' (a private repository needs GITHUB_TOKEN)'}`;
  if (status === 403)
    return `GitHub refused access to the issues of ${repo} (403)${said}; ${hasToken ? 'give GITHUB_TOKEN read access to issues' : 'set GITHUB_TOKEN'}`;
  if (status === 410) return `issues are disabled for ${repo} (410)`;
  if (status >= 500) return `GitHub API error ${status}${said}; try again in a moment`;
  return `GitHub API answered ${status}${said}`;
}

function refusal(error: SameOriginError, ctx: FailureContext): string {
  const r = error.refusal;
  if (r.kind === 'link') return `the GitHub API's next page link: ${r.detail}`;
  if (r.kind === 'redirect') return `${ctx.repo} moved (${r.status}): ${r.detail}`;
  if (r.kind === 'too-many-redirects') return `${ctx.repo}: too many redirects`;
  return `the GitHub API at ${ctx.apiUrl} answered with something that is not JSON`;
}

/** The message for an error thrown while listing the issues of `ctx.repo`. */
export function describeIssuesFailure(error: unknown, ctx: FailureContext): string {
  if (error instanceof SameOriginError) return refusal(error, ctx);
  const err = (error ?? {}) as OctokitFailure;
  if (typeof err.status === 'number' && err.response)
    return httpFailure(err.status, err.response.headers ?? {}, err.response.data, ctx);
  // no answer: Octokit wraps fetch's TypeError ("fetch failed") whose cause carries the system error code
  const cause = err.cause?.cause;
  const why = cause?.code ?? cause?.message ?? err.cause?.message ?? err.message ?? String(error);
  return redactTokens(
    `cannot reach the GitHub API at ${ctx.apiUrl}: ${why}${ctx.apiUrl === ctx.defaultApiUrl ? '' : ' (GITHUB_API_URL)'}`,
  );
}
