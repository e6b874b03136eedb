/**
 * The GitHub emulator's routing: a table of (method, path pattern) → handler. Handlers are
 * plain functions from a parsed request to a JSON response; the HTTP server adds ETags,
 * conditional requests and rate-limit headers around them. New endpoints (pulls, comments,
 * reviews, …) are new entries in the table.
 */
import type { PullViewer } from './pull-view.js';
import type { GithubStore } from './store.js';

export interface EmulatorRequest {
  method: string;
  url: URL;
  /** The parsed JSON body (undefined when there was none). */
  body?: unknown;
}

export interface EmulatorResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  store: GithubStore;
  /** The emulator's own base URL (API and html links point back at it). */
  baseUrl: string;
  /** Live pull-request state (git reads, CI observation); absent only in bare unit uses. */
  viewer: PullViewer;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Matched against the decoded path; capture groups become `params`. */
  pattern: RegExp;
  /** GitHub's path template, e.g. `/repos/{owner}/{repo}/pulls/{pull_number}` (request log, counts). */
  name?: string;
  handle(req: EmulatorRequest, params: string[], ctx: RouteContext): EmulatorResponse | Promise<EmulatorResponse>;
}

const DOCS = 'https://docs.github.com/rest';

/** GitHub's error body. */
export function githubError(status: number, message: string): EmulatorResponse {
  return { status, body: { message, documentation_url: DOCS, status: String(status) } };
}

/** The route for a request, or the error GitHub would answer (404 unknown path, 405 wrong method). */
export function findRoute(
  routes: readonly Route[],
  req: EmulatorRequest,
): { route: Route; params: string[] } | { error: EmulatorResponse } {
  let path: string;
  try {
    path = decodeURIComponent(req.url.pathname).replace(/\/+$/, '');
  } catch {
    return { error: githubError(400, 'Bad path') };
  }
  let pathMatched = false;
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.method === req.method) return { route, params: match.slice(1) };
  }
  return { error: pathMatched ? githubError(405, 'Method Not Allowed') : githubError(404, 'Not Found') };
}

export async function dispatch(
  routes: readonly Route[],
  req: EmulatorRequest,
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const found = findRoute(routes, req);
  return 'error' in found ? found.error : found.route.handle(req, found.params, ctx);
}
