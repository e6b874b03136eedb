/** REST: a commit, its check runs and its combined status. `{ref}` may be a SHA, a branch or a tag. */
import { commit as readCommit, resolveCommit } from './git-refs.js';
import { githubError, type EmulatorRequest, type EmulatorResponse, type Route, type RouteContext } from './router.js';
import { findRepo, isError, openIssueCount, urlsOf } from './rest-lookup.js';
import { paged } from './rest-paging.js';
import * as shape from './rest-shapes.js';
import * as ciShape from './rest-shapes-checks.js';
import type { StoredRepo } from './store.js';
import { checkRunsFor, combinedState, statusesFor } from './store-checks.js';

async function resolve(
  ctx: RouteContext,
  owner: string,
  name: string,
  ref: string,
): Promise<{ repo: StoredRepo; sha: string } | EmulatorResponse> {
  const repo = findRepo(ctx, owner, name);
  if (isError(repo)) return repo;
  const sha = repo.bare ? await resolveCommit(repo.bare, ref) : undefined;
  return sha ? { repo, sha } : githubError(422, `No commit found for SHA: ${ref}`);
}

async function getCommit(
  _req: EmulatorRequest,
  [owner = '', name = '', ref = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const found = await resolve(ctx, owner, name, ref);
  if (isError(found)) return found;
  const c = await readCommit(found.repo.bare ?? '', found.sha);
  if (!c) return githubError(422, `No commit found for SHA: ${ref}`);
  return { status: 200, body: ciShape.commit(found.repo, c, urlsOf(ctx), found.repo.owner) };
}

async function checkRuns(
  req: EmulatorRequest,
  [owner = '', name = '', ref = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const found = await resolve(ctx, owner, name, ref);
  if (isError(found)) return found;
  const { repo, sha } = found;
  const q = req.url.searchParams;
  const wantedName = q.get('check_name');
  const wantedStatus = q.get('status');
  const all =
    q.get('filter') === 'all'
      ? repo.checkRuns.filter((r) => r.headSha === sha).sort((a, b) => b.id - a.id)
      : checkRunsFor(repo, sha);
  const runs = all.filter(
    (r) => (!wantedName || r.name === wantedName) && (!wantedStatus || r.status === wantedStatus),
  );
  const pulls = [...repo.pulls.values()]
    .filter((p) => p.observedHead === sha && p.issue.state === 'open')
    .map((p) => ({ number: p.issue.number, head: p.head, headSha: sha, base: p.base, baseSha: '' }));
  const page = paged(req, ctx.baseUrl, runs, (r) => ciShape.checkRun(repo, r, urlsOf(ctx), pulls));
  return { ...page, body: { total_count: runs.length, check_runs: page.body } };
}

async function combinedStatus(
  req: EmulatorRequest,
  [owner = '', name = '', ref = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const found = await resolve(ctx, owner, name, ref);
  if (isError(found)) return found;
  const { repo, sha } = found;
  const statuses = statusesFor(repo, sha);
  const api = `${ctx.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const page = paged(req, ctx.baseUrl, statuses, (s) => ciShape.status(repo, s, urlsOf(ctx)));
  const full = shape.repository(repo, urlsOf(ctx), openIssueCount(repo));
  return {
    ...page,
    body: {
      state: combinedState(statuses),
      statuses: page.body,
      sha,
      total_count: statuses.length,
      repository: full,
      commit_url: `${api}/commits/${sha}`,
      url: `${api}/commits/${sha}/status`,
    },
  };
}

const R = '^\\/repos\\/([^/]+)\\/([^/]+)\\/commits\\/(.+?)';
export const checkRoutes: Route[] = [
  {
    method: 'GET',
    pattern: new RegExp(`${R}\\/check-runs$`),
    name: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
    handle: checkRuns,
  },
  {
    method: 'GET',
    pattern: new RegExp(`${R}\\/status$`),
    name: '/repos/{owner}/{repo}/commits/{ref}/status',
    handle: combinedStatus,
  },
  { method: 'GET', pattern: new RegExp(`${R}$`), name: '/repos/{owner}/{repo}/commits/{ref}', handle: getCommit },
];
