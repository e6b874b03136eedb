/** REST: the repository, pull requests (get, list, commits) and merging them in the bare repository. */
import { commitsBetween, mergeInto } from './git-refs.js';
import type { PullView } from './pull-view.js';
import { githubError, type EmulatorRequest, type EmulatorResponse, type Route, type RouteContext } from './router.js';
import { findPull, findRepo, isError, openIssueCount, urlsOf } from './rest-lookup.js';
import { paged } from './rest-paging.js';
import * as shape from './rest-shapes.js';

const commitCount = async (view: PullView): Promise<number> =>
  view.repo.bare && view.headSha && view.baseSha ? (await commitsBetween(view.repo.bare, view.baseSha, view.headSha)).length : 0;

async function getRepo(_req: EmulatorRequest, [owner = '', name = '']: string[], ctx: RouteContext): Promise<EmulatorResponse> {
  const repo = findRepo(ctx, owner, name);
  if (isError(repo)) return repo;
  return { status: 200, body: shape.repository(repo, urlsOf(ctx), openIssueCount(repo)) };
}

async function getPull(_req: EmulatorRequest, [owner = '', name = '', n = '']: string[], ctx: RouteContext): Promise<EmulatorResponse> {
  const found = findPull(ctx, owner, name, n);
  if (isError(found)) return found;
  const view = await ctx.viewer.view(found.repo, found.pull);
  return { status: 200, body: shape.pull(ctx.store, view, urlsOf(ctx), { commits: await commitCount(view), openIssues: openIssueCount(found.repo) }) };
}

async function listPulls(req: EmulatorRequest, [owner = '', name = '']: string[], ctx: RouteContext): Promise<EmulatorResponse> {
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
    .filter((p) => !head || `${repo.owner}:${p.head}`.toLowerCase() === head.toLowerCase() || p.head === head)
    .sort((a, b) => direction * (a.issue.number - b.issue.number));
  const views = await ctx.viewer.viewAll(repo, pulls);
  const counts = await Promise.all(views.map(commitCount));
  const index = new Map(views.map((v, i) => [v, counts[i] ?? 0]));
  return paged(req, ctx.baseUrl, views, (v) => shape.pull(ctx.store, v, urlsOf(ctx), { commits: index.get(v) ?? 0, openIssues: openIssueCount(repo) }));
}

async function pullCommits(req: EmulatorRequest, [owner = '', name = '', n = '']: string[], ctx: RouteContext): Promise<EmulatorResponse> {
  const found = findPull(ctx, owner, name, n);
  if (isError(found)) return found;
  const view = await ctx.viewer.view(found.repo, found.pull);
  const commits = found.repo.bare && view.headSha && view.baseSha ? await commitsBetween(found.repo.bare, view.baseSha, view.headSha) : [];
  return paged(req, ctx.baseUrl, commits, (c) => shape.commit(found.repo, c, urlsOf(ctx), found.pull.issue.author));
}

async function merge(req: EmulatorRequest, [owner = '', name = '', n = '']: string[], ctx: RouteContext): Promise<EmulatorResponse> {
  const found = findPull(ctx, owner, name, n);
  if (isError(found)) return found;
  const { repo, pull } = found;
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  const method = typeof body.merge_method === 'string' ? body.merge_method : 'merge';
  if (method !== 'merge' && method !== 'squash' && method !== 'rebase') return githubError(422, `Invalid request.\n\n"${method}" is not a merge method.`);
  if (method === 'rebase') return githubError(405, 'Rebase merges are not allowed on this repository.');
  if (pull.merged || pull.issue.state !== 'open') return githubError(405, 'Pull Request is not mergeable');
  const view = await ctx.viewer.view(repo, pull);
  if (typeof body.sha === 'string' && body.sha !== view.headSha) return githubError(409, 'Head branch was modified. Review and try the merge again.');
  if (pull.draft || view.mergeable !== true || !repo.bare || !view.headSha || !view.baseSha) return githubError(405, 'Pull Request is not mergeable');
  const check = await ctx.viewer.mergeCheck(repo.bare, view.baseSha, view.headSha);
  if (!check.clean) return githubError(405, 'Pull Request is not mergeable');
  const title = typeof body.commit_title === 'string' ? body.commit_title
    : method === 'squash' ? `${pull.issue.title} (#${n})` : `Merge pull request #${n} from ${repo.owner}/${pull.head}`;
  const extra = typeof body.commit_message === 'string' ? body.commit_message : method === 'squash' ? '' : pull.issue.title;
  let sha: string;
  try {
    sha = await mergeInto(repo.bare, {
      branch: pull.base, expected: view.baseSha, head: view.headSha, tree: check.tree,
      message: extra ? `${title}\n\n${extra}` : title, squash: method === 'squash',
    });
  } catch (error) {
    return githubError(409, `Base branch was modified. Review and try the merge again. (${(error as Error).message})`);
  }
  const at = ctx.store.stamp();
  pull.merged = { sha, at, by: 'octocat', baseSha: view.baseSha, headSha: view.headSha };
  pull.issue.state = 'closed';
  pull.issue.closedAt = at;
  pull.updatedAt = at;
  return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
}

const R = '^\\/repos\\/([^/]+)\\/([^/]+)';
export const pullRoutes: Route[] = [
  { method: 'GET', pattern: new RegExp(`${R}$`), name: '/repos/{owner}/{repo}', handle: getRepo },
  { method: 'GET', pattern: new RegExp(`${R}\\/pulls$`), name: '/repos/{owner}/{repo}/pulls', handle: listPulls },
  { method: 'GET', pattern: new RegExp(`${R}\\/pulls\\/(\\d+)$`), name: '/repos/{owner}/{repo}/pulls/{pull_number}', handle: getPull },
  { method: 'GET', pattern: new RegExp(`${R}\\/pulls\\/(\\d+)\\/commits$`), name: '/repos/{owner}/{repo}/pulls/{pull_number}/commits', handle: pullCommits },
  { method: 'PUT', pattern: new RegExp(`${R}\\/pulls\\/(\\d+)\\/merge$`), name: '/repos/{owner}/{repo}/pulls/{pull_number}/merge', handle: merge },
];
