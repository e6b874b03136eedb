/**
 * REST on branches and repository settings: classic branch protection (GET/PUT/DELETE),
 * deleting a branch through `git/refs` (which retargets PRs stacked on it), and
 * `PATCH /repos/{o}/{r}` for `delete_branch_on_merge`.
 */
import { PullOpError } from './pull-edits.js';
import { deleteHead } from './pull-merges.js';
import { field, opError, opsOf } from './rest-pull-writes.js';
import { findRepo, isError, openIssueCount, urlsOf } from './rest-lookup.js';
import { githubError, type EmulatorRequest, type EmulatorResponse, type Route, type RouteContext } from './router.js';
import * as shape from './rest-shapes.js';
import { protectionBody, renderProtection, toProtection } from './store-protection.js';

const protectionUrl = (ctx: RouteContext, owner: string, name: string, branch: string): string =>
  `${ctx.baseUrl}/repos/${owner}/${name}/branches/${encodeURIComponent(branch)}/protection`;

async function branchExists(ctx: RouteContext, owner: string, name: string, branch: string) {
  const repo = findRepo(ctx, owner, name);
  if (isError(repo)) return repo;
  return (await ctx.viewer.branches(repo)).has(branch) ? repo : githubError(404, 'Branch not found');
}

async function getProtection(
  _req: EmulatorRequest,
  [owner = '', name = '', branch = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const repo = await branchExists(ctx, owner, name, branch);
  if (isError(repo)) return repo;
  const p = repo.protections.get(branch);
  return p
    ? { status: 200, body: renderProtection(p, protectionUrl(ctx, owner, name, branch)) }
    : githubError(404, 'Branch not protected');
}

async function putProtection(
  req: EmulatorRequest,
  [owner = '', name = '', branch = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const repo = await branchExists(ctx, owner, name, branch);
  if (isError(repo)) return repo;
  const parsed = protectionBody.safeParse(req.body ?? {});
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `For 'properties/${i.path.join('/')}', ${i.message}.`).join('\n');
    return githubError(422, `Invalid request.\n\n${why}`);
  }
  const p = toProtection(parsed.data);
  repo.protections.set(branch, p);
  return { status: 200, body: renderProtection(p, protectionUrl(ctx, owner, name, branch)) };
}

async function deleteProtection(
  _req: EmulatorRequest,
  [owner = '', name = '', branch = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const repo = await branchExists(ctx, owner, name, branch);
  if (isError(repo)) return repo;
  if (!repo.protections.delete(branch)) return githubError(404, 'Branch not protected');
  return { status: 204, body: undefined };
}

async function deleteRef(
  _req: EmulatorRequest,
  [owner = '', name = '', branch = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const repo = findRepo(ctx, owner, name);
  if (isError(repo)) return repo;
  try {
    if (branch === repo.defaultBranch) throw new PullOpError(422, 'Cannot delete the default branch');
    const p = repo.protections.get(branch);
    if (p && !p.allowDeletions) throw new PullOpError(422, 'Cannot delete this protected branch');
    await deleteHead(opsOf(ctx), repo, branch);
    return { status: 204, body: undefined };
  } catch (error) {
    return opError(error);
  }
}

function patchRepo(req: EmulatorRequest, [owner = '', name = '']: string[], ctx: RouteContext): EmulatorResponse {
  const repo = findRepo(ctx, owner, name);
  if (isError(repo)) return repo;
  try {
    const deleteOnMerge = field<boolean>(req.body, 'delete_branch_on_merge', 'boolean');
    if (typeof deleteOnMerge === 'boolean') repo.deleteBranchOnMerge = deleteOnMerge;
    return { status: 200, body: shape.repository(repo, urlsOf(ctx), openIssueCount(repo)) };
  } catch (error) {
    return opError(error);
  }
}

const R = '^\\/repos\\/([^/]+)\\/([^/]+)';
const PROTECTION = '/repos/{owner}/{repo}/branches/{branch}/protection';
export const branchRoutes: Route[] = [
  { method: 'PATCH', pattern: new RegExp(`${R}$`), name: '/repos/{owner}/{repo}', handle: patchRepo },
  {
    method: 'GET',
    pattern: new RegExp(`${R}\\/branches\\/(.+)\\/protection$`),
    name: PROTECTION,
    handle: getProtection,
  },
  {
    method: 'PUT',
    pattern: new RegExp(`${R}\\/branches\\/(.+)\\/protection$`),
    name: PROTECTION,
    handle: putProtection,
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`${R}\\/branches\\/(.+)\\/protection$`),
    name: PROTECTION,
    handle: deleteProtection,
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`${R}\\/git\\/refs\\/heads\\/(.+)$`),
    name: '/repos/{owner}/{repo}/git/refs/{ref}',
    handle: deleteRef,
  },
];
