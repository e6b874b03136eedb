/**
 * Classifies GitHub failures: retryable ones (5xx, 429, secondary limit, network) are left to
 * Temporal's activity retry; final ones (404, 422, bad credentials, missing scope) fail the
 * activity at once with a message a user can act on. Tokens never appear in the message.
 */
import { ApplicationFailure } from '@temporalio/common';
import { redactTokens } from '../domain/identifiers.js';

export interface GithubErrorInfo {
  retryable: boolean;
  status: number | null;
  message: string;
}

interface OctokitLikeError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
  errors?: Array<{ message?: string; type?: string }>;
}

function apiMessage(err: OctokitLikeError): string {
  const data = err.response?.data as { message?: unknown; errors?: Array<{ message?: string }> } | undefined;
  const base = typeof data?.message === 'string' ? data.message : (err.message ?? 'unknown error');
  const details = (data?.errors ?? err.errors ?? []).map((e) => e.message).filter(Boolean);
  return redactTokens(details.length > 0 ? `${base} (${details.join('; ')})` : base).slice(0, 400);
}

export function classifyGithubError(error: unknown, what: string): GithubErrorInfo {
  const err = (error ?? {}) as OctokitLikeError;
  const status = typeof err.status === 'number' ? err.status : null;
  const message = apiMessage(err);
  const headers = err.response?.headers ?? {};
  if (status === null) {
    const graphqlErrors = err.errors ?? [];
    if (graphqlErrors.length > 0) {
      const limited = graphqlErrors.some((e) => e.type === 'RATE_LIMITED');
      return { retryable: limited, status, message: `${what}: GitHub GraphQL error: ${message}` };
    }
    return { retryable: true, status, message: `${what}: could not reach GitHub (${message}); will retry` };
  }
  if (status >= 500 || status === 429)
    return { retryable: true, status, message: `${what}: GitHub answered ${status} (${message}); will retry` };
  if (
    status === 403 &&
    (/secondary rate/i.test(message) ||
      headers['retry-after'] !== undefined ||
      headers['x-ratelimit-remaining'] === '0')
  ) {
    return {
      retryable: true,
      status,
      message: `${what}: GitHub rate limit (${message}); will retry after the limit resets`,
    };
  }
  if (status === 401)
    return {
      retryable: false,
      status,
      message: `${what}: bad credentials: set GITHUB_TOKEN in the worker's environment to a valid token`,
    };
  if (status === 403)
    return {
      retryable: false,
      status,
      message: `${what}: forbidden (${message}): the token lacks a scope (needs repo / pull_requests:write) or access to this repository`,
    };
  if (status === 404)
    return {
      retryable: false,
      status,
      message: `${what}: not found (${message}): check OWNER/REPO and the number, and that the token can see the repository`,
    };
  if (status === 422) return { retryable: false, status, message: `${what}: GitHub refused the request (${message})` };
  return {
    retryable: status >= 400 && status < 500 ? false : true,
    status,
    message: `${what}: GitHub answered ${status} (${message})`,
  };
}

/** Runs a GitHub call inside an activity: final errors become non-retryable failures with an actionable message. */
export async function githubCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    // a decision already made inside (e.g. a PR Drover must not adopt) keeps its own type
    if (error instanceof ApplicationFailure) throw error;
    const info = classifyGithubError(error, what);
    if (info.retryable) throw ApplicationFailure.retryable(info.message, 'GithubRetryable');
    throw ApplicationFailure.nonRetryable(info.message, 'GithubFinal');
  }
}
