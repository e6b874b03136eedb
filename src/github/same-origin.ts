/**
 * Keeps an Octokit client's token on the API's origin. Every request (the first one, each
 * `Link: rel="next"` page that `octokit.paginate` follows) must go to the origin of the API root;
 * redirects are not left to `fetch` but followed here, on that origin only (a renamed or
 * transferred repository answers 301). Each request gets a timeout, and a 200 whose body is not
 * JSON is refused before the paginator reads it.
 */
import type { GithubClient } from './client.js';

const REDIRECTS = [301, 302, 307, 308];
const MAX_REDIRECTS = 5;
/** The request options that are not parameters of the request (`endpoint.parse` would add those to the URL). */
const KEEP_ON_REDIRECT = new Set(['method', 'baseUrl', 'url', 'headers', 'request', 'mediaType']);

export type SameOriginRefusal =
  | { kind: 'link'; detail: string }
  | { kind: 'redirect'; status: number; detail: string }
  | { kind: 'too-many-redirects' }
  | { kind: 'not-json' };

/** Thrown by the guard instead of sending a request it will not send, or of returning an answer it cannot read. */
export class SameOriginError extends Error {
  constructor(readonly refusal: SameOriginRefusal) {
    super(`GitHub request refused (${refusal.kind})`);
    this.name = 'SameOriginError';
  }
}

const ON_ORIGIN = 'refusing to send the token there';

/** `target` resolved against `from`, if it stays on `origin`; otherwise why not. */
function resolveOnOrigin(
  target: string | undefined,
  from: string,
  origin: string,
): { ok: true; url: string } | { ok: false; detail: string } {
  if (!target) return { ok: false, detail: 'no location given' };
  let resolved: URL;
  try {
    resolved = new URL(target, from);
  } catch {
    return { ok: false, detail: `${target.slice(0, 200)} is not a URL` };
  }
  if (resolved.origin !== origin)
    return { ok: false, detail: `it points to another origin (${resolved.origin}); ${ON_ORIGIN}` };
  return { ok: true, url: resolved.toString() };
}

/** Installs the guard as the outermost request hook of `octokit` (call it after every other hook). */
export function keepTokenOnOrigin(octokit: GithubClient, apiUrl: string, timeoutMs = 30_000): void {
  const origin = new URL(apiUrl).origin;
  octokit.hook.wrap('request', async (request, options) => {
    let url = octokit.request.endpoint(options).url;
    const target = new URL(url);
    if (target.origin !== origin)
      throw new SameOriginError({
        kind: 'link',
        detail: `it points to another origin (${target.origin}); ${ON_ORIGIN}`,
      });
    // the hooks inside this one hold `options` itself, so it is changed in place, not replaced
    options.request = { ...options.request, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) };
    for (let redirects = 0; ; redirects++) {
      const response = await request(options);
      if (REDIRECTS.includes(response.status)) {
        const location = response.headers.location;
        const moved = resolveOnOrigin(typeof location === 'string' ? location : undefined, url, origin);
        if (!moved.ok) throw new SameOriginError({ kind: 'redirect', status: response.status, detail: moved.detail });
        if (redirects >= MAX_REDIRECTS) throw new SameOriginError({ kind: 'too-many-redirects' });
        url = moved.url;
        // the new location's query string replaces the first request's parameters
        for (const key of Object.keys(options)) if (!KEEP_ON_REDIRECT.has(key)) delete options[key];
        options.url = url;
        continue;
      }
      if (response.status === 200 && (response.data === null || typeof response.data !== 'object'))
        throw new SameOriginError({ kind: 'not-json' });
      return response;
    }
  });
}
