/** REST: issue comments (list, create), review comments (list, reply) and reviews (list). */
import { githubError, type EmulatorRequest, type EmulatorResponse, type Route, type RouteContext } from './router.js';
import { bodyString, findPull, isError, urlsOf } from './rest-lookup.js';
import { paged } from './rest-paging.js';
import * as shape from './rest-shapes.js';
import { addIssueComment, issueCommentsOf, reviewsOf } from './store-pulls.js';
import { addThreadComment, findReviewComment, threadsOf } from './store-threads.js';

/** The caller of a write: the emulator does not map tokens to users, so writes are by `octocat`. */
const VIEWER = 'octocat';

function listIssueComments(
  req: EmulatorRequest,
  [owner = '', name = '', n = '']: string[],
  ctx: RouteContext,
): EmulatorResponse {
  const repo = ctx.store.repo(owner, name);
  if (!repo || !repo.issues.some((i) => i.number === Number(n))) return githubError(404, 'Not Found');
  return paged(req, ctx.baseUrl, issueCommentsOf(repo, Number(n)), (c) => shape.issueComment(repo, c, urlsOf(ctx)));
}

function createIssueComment(
  req: EmulatorRequest,
  [owner = '', name = '', n = '']: string[],
  ctx: RouteContext,
): EmulatorResponse {
  const repo = ctx.store.repo(owner, name);
  if (!repo || !repo.issues.some((i) => i.number === Number(n))) return githubError(404, 'Not Found');
  const body = bodyString(req.body, 'body');
  if (isError(body)) return body;
  const comment = addIssueComment(ctx.store, repo, Number(n), body, VIEWER);
  const rendered = shape.issueComment(repo, comment, urlsOf(ctx));
  return { status: 201, body: rendered, headers: { location: String(rendered.url) } };
}

async function listReviewComments(
  req: EmulatorRequest,
  [owner = '', name = '', n = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const found = findPull(ctx, owner, name, n);
  if (isError(found)) return found;
  const view = await ctx.viewer.view(found.repo, found.pull);
  const rows = [];
  for (const thread of threadsOf(found.repo, Number(n))) {
    const at = await ctx.viewer.threadAt(view, thread);
    for (const comment of thread.comments) rows.push({ comment, at });
  }
  rows.sort((a, b) => a.comment.id - b.comment.id);
  return paged(req, ctx.baseUrl, rows, (r) => shape.reviewComment(found.repo, r.comment, urlsOf(ctx), r.at));
}

async function reply(
  req: EmulatorRequest,
  [owner = '', name = '', n = '', commentId = '']: string[],
  ctx: RouteContext,
): Promise<EmulatorResponse> {
  const found = findPull(ctx, owner, name, n);
  if (isError(found)) return found;
  const target = findReviewComment(found.repo, Number(n), Number(commentId));
  if (!target) return githubError(404, 'Not Found');
  const body = bodyString(req.body, 'body');
  if (isError(body)) return body;
  const view = await ctx.viewer.view(found.repo, found.pull);
  const comment = addThreadComment(
    ctx.store,
    found.repo,
    found.pull,
    target.thread,
    body,
    VIEWER,
    view.headSha ?? undefined,
  );
  const rendered = shape.reviewComment(
    found.repo,
    comment,
    urlsOf(ctx),
    await ctx.viewer.threadAt(view, target.thread),
  );
  return { status: 201, body: rendered, headers: { location: String(rendered.url) } };
}

function listReviews(
  req: EmulatorRequest,
  [owner = '', name = '', n = '']: string[],
  ctx: RouteContext,
): EmulatorResponse {
  const found = findPull(ctx, owner, name, n);
  if (isError(found)) return found;
  return paged(req, ctx.baseUrl, reviewsOf(found.repo, Number(n)), (r) => shape.review(found.repo, r, urlsOf(ctx)));
}

const R = '^\\/repos\\/([^/]+)\\/([^/]+)';
export const commentRoutes: Route[] = [
  {
    method: 'GET',
    pattern: new RegExp(`${R}\\/issues\\/(\\d+)\\/comments$`),
    name: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    handle: listIssueComments,
  },
  {
    method: 'POST',
    pattern: new RegExp(`${R}\\/issues\\/(\\d+)\\/comments$`),
    name: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    handle: createIssueComment,
  },
  {
    method: 'GET',
    pattern: new RegExp(`${R}\\/pulls\\/(\\d+)\\/comments$`),
    name: '/repos/{owner}/{repo}/pulls/{pull_number}/comments',
    handle: listReviewComments,
  },
  {
    method: 'POST',
    pattern: new RegExp(`${R}\\/pulls\\/(\\d+)\\/comments\\/(\\d+)\\/replies$`),
    name: '/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies',
    handle: reply,
  },
  {
    method: 'GET',
    pattern: new RegExp(`${R}\\/pulls\\/(\\d+)\\/reviews$`),
    name: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
    handle: listReviews,
  },
];
