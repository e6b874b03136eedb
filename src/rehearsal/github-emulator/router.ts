/**
 * The GitHub emulator's routing: a table of (method, path pattern) → handler. Handlers are
 * plain functions from a parsed request to a JSON response; the HTTP server adds ETags,
 * conditional requests and rate-limit headers around them. New endpoints (pulls, comments,
 * reviews, …) are new entries in the table.
 */
import type { GithubStore } from './store.js';

export interface EmulatorRequest {
  method: string;
  url: URL;
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
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Matched against the decoded path; capture groups become `params`. */
  pattern: RegExp;
  handle(req: EmulatorRequest, params: string[], ctx: RouteContext): EmulatorResponse;
}

const DOCS = 'https://docs.github.com/rest';

/** GitHub's error body. */
export function githubError(status: number, message: string): EmulatorResponse {
  return { status, body: { message, documentation_url: DOCS, status: String(status) } };
}

export function dispatch(routes: readonly Route[], req: EmulatorRequest, ctx: RouteContext): EmulatorResponse {
  let path: string;
  try {
    path = decodeURIComponent(req.url.pathname).replace(/\/+$/, '');
  } catch {
    return githubError(400, 'Bad path');
  }
  let pathMatched = false;
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.method === req.method) return route.handle(req, match.slice(1), ctx);
  }
  return pathMatched ? githubError(405, 'Method Not Allowed') : githubError(404, 'Not Found');
}
