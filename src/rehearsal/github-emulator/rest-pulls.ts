/** REST reads: the repository and pull requests (get, list, commits). */
import { commitsBetween } from './git-refs.js';
import type { PullView } from './pull-view.js';
import { githubError, type EmulatorRequest, type EmulatorResponse, type Route, type RouteContext } from './router.js';
import { findPull, findRepo, isError, openIssueCount, urlsOf } from './rest-lookup.js';
import { paged } from './rest-paging.js';
import * as shape from './rest-shapes.js';
import * as ciShape from './rest-shapes-checks.js';
import type { StoredPull, StoredRepo } from './store.js';

export const commitCount = async (view: PullView): Promise<number> =>
  view.repo.bare && view.headSha && view.baseSha
    ? (await commitsBetween(view.repo.bare, view.baseSha, view.headSha)).length
    : 0;

async function getRepo(
  _req: EmulatorRequest,
  [owner = '', name = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const repo = findRepo(ctx, owner, name);
  if (isError(repo)) return repo;
  return { status: 200, body: shape.repository(repo, urlsOf(ctx), openIssueCount(repo)) };
}

/** One PR as REST renders it, read live. */
export async function renderPull(
  ctx: RouteContext,
  repo: StoredRepo,
  pull: StoredPull,
): Promise<Record<string, unknown>> {
  const view = await ctx.viewer.view(repo, pull);
  return shape.pull(ctx.store, view, urlsOf(ctx), {
    commits: await commitCount(view),
    openIssues: openIssueCount(repo),
  });
}

async function getPull(
  _req: EmulatorRequest,
  [owner = '', name = '', n = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const found = findPull(ctx, owner, name, n);
  if (isError(found)) return found;
  return { status: 200, body: await renderPull(ctx, found.repo, found.pull) };
}

/**
 * GitHub's `head` filter: `user:ref` matches the head's owner (any case) and branch (exact);
 * a bare login matches every PR from that owner — a bare branch name is not a branch filter.
 */
function headMatches(repo: StoredRepo, pull: StoredPull, head: string): boolean {
  const at = head.indexOf(':');
  const owner = at < 0 ? head : head.slice(0, at);
  return owner.toLowerCase() === repo.owner.toLowerCase() && (at < 0 || head.slice(at + 1) === pull.head);
}

async function listPulls(
  req: EmulatorRequest,
  [owner = '', name = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const repo = findRepo(ctx, owner, name);
  if (isError(repo)) return repo;
  const q = req.url.searchParams;
  const state = q.get('state') ?? 'open';
  if (state !== 'open' && state !== 'closed' && state !== 'all') return githubError(422, 'Validation Failed');
  const head = q.get('head');
  const base = q.get('base');
  const direction = q.get('direction') === 'asc' ? 1 : -1;
  const pulls = [...repo.pulls.values()]
    .filter((p) => state === 'all' || p.issue.state === state)
    .filter((p) => !base || p.base === base)
    .filter((p) => !head || headMatches(repo, p, head))
    .sort((a, b) => direction * (a.issue.number - b.issue.number));
  const views = await ctx.viewer.viewAll(repo, pulls);
  const counts = await Promise.all(views.map(commitCount));
  const index = new Map(views.map((v, i) => [v, counts[i] ?? 0]));
  return paged(req, ctx.baseUrl, views, (v) =>
    shape.pull(ctx.store, v, urlsOf(ctx), { commits: index.get(v) ?? 0, openIssues: openIssueCount(repo) }),
  );
}

async function pullCommits(
  req: EmulatorRequest,
  [owner = '', name = '', n = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const found = findPull(ctx, owner, name, n);
  if (isError(found)) return found;
  const view = await ctx.viewer.view(found.repo, found.pull);
  const commits =
    found.repo.bare && view.headSha && view.baseSha
      ? await commitsBetween(found.repo.bare, view.baseSha, view.headSha)
      : [];
  return paged(req, ctx.baseUrl, commits, (c) => ciShape.commit(found.repo, c, urlsOf(ctx), found.pull.issue.author));
}

const R = '^\\/repos\\/([^/]+)\\/([^/]+)';
export const pullRoutes: Route[] = [
  { method: 'GET', pattern: new RegExp(`${R}$`), name: '/repos/{owner}/{repo}', handle: getRepo },
  { method: 'GET', pattern: new RegExp(`${R}\\/pulls$`), name: '/repos/{owner}/{repo}/pulls', handle: listPulls },
  {
    method: 'GET',
    pattern: new RegExp(`${R}\\/pulls\\/(\\d+)$`),
    name: '/repos/{owner}/{repo}/pulls/{pull_number}',
    handle: getPull,
  },
  {
    method: 'GET',
    pattern: new RegExp(`${R}\\/pulls\\/(\\d+)\\/commits$`),
    name: '/repos/{owner}/{repo}/pulls/{pull_number}/commits',
    handle: pullCommits,
  },
];
