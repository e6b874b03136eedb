/** Shared lookups for REST handlers: the repository and pull request named by the path, or GitHub's 404. */
import { githubError, type EmulatorResponse, type RouteContext } from './router.js';
import type { Urls } from './rest-shapes.js';
import type { StoredPull, StoredRepo } from './store.js';

export const urlsOf = (ctx: RouteContext): Urls => ({ api: ctx.baseUrl, html: ctx.baseUrl });

export function findRepo(ctx: RouteContext, owner: string, name: string): StoredRepo | EmulatorResponse {
  return ctx.store.repo(owner, name) ?? githubError(404, 'Not Found');
}

export function findPull(
  ctx: RouteContext,
  owner: string,
  name: string,
  number: string,
): { repo: StoredRepo; pull: StoredPull } | EmulatorResponse {
  const repo = ctx.store.repo(owner, name);
  const pull = repo?.pulls.get(Number(number));
  return repo && pull ? { repo, pull } : githubError(404, 'Not Found');
}

export const isError = (x: unknown): x is EmulatorResponse =>
  typeof x === 'object' && x !== null && 'status' in x && 'body' in x;

export const openIssueCount = (repo: StoredRepo): number => repo.issues.filter((i) => i.state === 'open').length;

/** The body's string field, or a 422 GitHub-style validation error. */
export function bodyString(body: unknown, field: string): string | EmulatorResponse {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  return typeof value === 'string' && value !== ''
    ? value
    : githubError(422, `Invalid request.\n\n"${field}" wasn't supplied.`);
}
