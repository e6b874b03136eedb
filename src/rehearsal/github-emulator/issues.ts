/** `GET /repos/{owner}/{repo}/issues`: state, labels, sort direction and pagination as GitHub does them. */
import { intParam as number, linkHeader } from './rest-paging.js';
import { githubError, type EmulatorRequest, type EmulatorResponse, type Route, type RouteContext } from './router.js';

export { linkHeader } from './rest-paging.js';

function listIssues(req: EmulatorRequest, [owner = '', name = '']: string[], ctx: RouteContext): EmulatorResponse {
  const repo = ctx.store.repo(owner, name);
  if (!repo) return githubError(404, 'Not Found');
  const q = req.url.searchParams;
  const state = q.get('state') ?? 'open';
  if (state !== 'open' && state !== 'closed' && state !== 'all') return githubError(422, 'Validation Failed');
  const wanted = (q.get('labels') ?? '').split(',').map((l) => l.trim().toLowerCase()).filter((l) => l !== '');
  const direction = q.get('direction') === 'asc' ? 1 : -1;
  const perPage = Math.min(100, Math.max(1, number(q.get('per_page'), 30)));
  const page = Math.max(1, number(q.get('page'), 1));

  const matching = repo.issues
    .filter((i) => state === 'all' || i.state === state)
    .filter((i) => wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)))
    .sort((a, b) => direction * (a.number - b.number));
  const lastPage = Math.max(1, Math.ceil(matching.length / perPage));
  const items = matching.slice((page - 1) * perPage, page * perPage).map((i) => ctx.store.render(repo, i, ctx.baseUrl, ctx.baseUrl));
  const link = linkHeader(new URL(req.url.pathname + req.url.search, ctx.baseUrl), page, lastPage);
  return { status: 200, body: items, ...(link ? { headers: { link } } : {}) };
}

export const issueRoutes: Route[] = [
  { method: 'GET', pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues$/, name: '/repos/{owner}/{repo}/issues', handle: listIssues },
];
