/**
 * The one way Drover talks to GitHub: Octokit REST + GraphQL with the throttling, retry and
 * GraphQL-pagination plugins. The token comes from the worker's environment (`GITHUB_TOKEN`),
 * never from workflow input; the API base URL is configurable (GitHub Enterprise, the emulator).
 */
import { Octokit } from '@octokit/rest';
import { paginateGraphQL } from '@octokit/plugin-paginate-graphql';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export const DEFAULT_API_URL = 'https://api.github.com';

const DroverOctokit = Octokit.plugin(throttling, retry, paginateGraphQL);
export type GithubClient = InstanceType<typeof DroverOctokit>;

export interface GithubClientOptions {
  /** REST root, e.g. https://api.github.com, https://ghe.example.com/api/v3 or the emulator's URL. */
  apiUrl?: string;
  token?: string;
  /** Retries after a primary or secondary rate limit before giving up (the activity retries later). */
  rateLimitRetries?: number;
  /** Retries after a server error or a network failure (plugin-retry; 3 by default, 0 for none). */
  retries?: number;
  /** Where throttling warnings go (one line each). */
  warn?: (line: string) => void;
  /** Counts every HTTP request sent (for API-calls-per-cycle figures). */
  onRequest?: (method: string, url: string) => void;
  /** GET responses remembered for conditional requests (0 turns it off). */
  etagCacheSize?: number;
  /** The `fetch` requests go through (tests hand in their own). */
  fetch?: typeof fetch;
}

interface Cached {
  etag: string;
  response: { status: number; url: string; headers: Record<string, unknown>; data: unknown };
}

/**
 * Conditional requests: a GET repeated with `If-None-Match` costs nothing against GitHub's rate
 * limit when nothing changed (304), so polling CI while waiting is cheap. The remembered answer
 * is returned in place of the 304. Keys are the full URL (query included), per client.
 */
const copyOf = (r: Cached['response']): Cached['response'] => ({
  ...r,
  headers: { ...r.headers },
  data: structuredClone(r.data),
});

function useConditionalRequests(octokit: GithubClient, size: number): void {
  if (size <= 0) return;
  const cache = new Map<string, Cached>();
  octokit.hook.wrap('request', async (request, options) => {
    if (options.method !== 'GET') return request(options);
    const key = octokit.request.endpoint(options).url;
    const hit = cache.get(key);
    if (hit) options.headers = { ...options.headers, 'if-none-match': hit.etag };
    try {
      const response = await request(options);
      const etag = response.headers.etag;
      if (typeof etag === 'string') {
        cache.delete(key);
        // a copy: octokit's paginate rewrites response.data in place (list responses like check runs)
        cache.set(key, { etag, response: copyOf(response as Cached['response']) });
        if (cache.size > size) cache.delete(cache.keys().next().value as string);
      }
      return response;
    } catch (error) {
      if (hit && (error as { status?: number }).status === 304)
        return copyOf(hit.response) as Awaited<ReturnType<typeof request>>;
      throw error;
    }
  });
}

/** How Octokit logs a 304 or a 4xx answer ("GET /repos/… - 404 with id …"). */
const QUIET = /^[A-Z]+ \S+ - (304|4\d\d) with id /;

/** GraphQL lives at `<root>/graphql` on github.com and `<host>/api/graphql` on GitHub Enterprise. */
export function graphqlUrl(apiUrl: string): string {
  const root = apiUrl.replace(/\/+$/, '');
  return root.endsWith('/api/v3') ? `${root.slice(0, -3)}graphql` : `${root}/graphql`;
}

export function createGithubClient(options: GithubClientOptions = {}): GithubClient {
  const apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, '');
  const retries = options.rateLimitRetries ?? 3;
  const warn = options.warn ?? (() => undefined);
  const octokit = new DroverOctokit({
    baseUrl: apiUrl,
    ...(options.token ? { auth: options.token } : {}),
    userAgent: 'drover',
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (m: string) => warn(m),
      // a 304 (an ETag revalidation answered from the cache) is the point of conditional requests, and
      // a 4xx is thrown to the caller, which decides (a missing protection is "unprotected"): neither is news
      error: (m: string) => (QUIET.test(m) ? undefined : warn(m)),
    },
    throttle: {
      onRateLimit: (retryAfter: number, req: { method: string; url: string }, _o: unknown, retryCount: number) => {
        warn(
          `GitHub rate limit reached on ${req.method} ${req.url}; retry ${retryCount + 1}/${retries} in ${retryAfter}s`,
        );
        return retryCount < retries;
      },
      onSecondaryRateLimit: (
        retryAfter: number,
        req: { method: string; url: string },
        _o: unknown,
        retryCount: number,
      ) => {
        warn(
          `GitHub secondary rate limit on ${req.method} ${req.url}; retry ${retryCount + 1}/${retries} in ${retryAfter}s`,
        );
        return retryCount < retries;
      },
    },
    retry: {
      doNotRetry: [400, 401, 403, 404, 410, 422, 451],
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
    },
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
  });
  if (options.onRequest) {
    const count = options.onRequest;
    octokit.hook.before('request', (req) => count(req.method, req.url));
  }
  useConditionalRequests(octokit, options.etagCacheSize ?? 500);
  return octokit;
}

/** A GraphQL call on the right endpoint for GitHub Enterprise as well. */
export function graphqlOptions(apiUrl: string | undefined): { baseUrl?: string; url?: string } {
  if (!apiUrl || !apiUrl.replace(/\/+$/, '').endsWith('/api/v3')) return {};
  return { url: graphqlUrl(apiUrl) };
}
