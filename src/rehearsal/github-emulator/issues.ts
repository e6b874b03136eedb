/**
 * REST issues: the listing (state, labels, sort direction and pagination as GitHub does them),
 * one issue, creating one and editing it (title, body, state, labels).
 */
import { PullOpError } from './pull-edits.js';
import { field, opError, VIEWER } from './rest-pull-writes.js';
import { intParam as number, linkHeader } from './rest-paging.js';
import { githubError, type EmulatorRequest, type EmulatorResponse, type Route, type RouteContext } from './router.js';

export { linkHeader } from './rest-paging.js';

function listIssues(req: EmulatorRequest, [owner = '', name = '']: string[], ctx: RouteContext): EmulatorResponse {
  const repo = ctx.store.repo(owner, name);
  if (!repo) return githubError(404, 'Not Found');
  const q = req.url.searchParams;
  const state = q.get('state') ?? 'open';
  if (state !== 'open' && state !== 'closed' && state !== 'all') return githubError(422, 'Validation Failed');
  const wanted = (q.get('labels') ?? '')
    .split(',')
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l !== '');
  const direction = q.get('direction') === 'asc' ? 1 : -1;
  const perPage = Math.min(100, Math.max(1, number(q.get('per_page'), 30)));
  const page = Math.max(1, number(q.get('page'), 1));

  const matching = repo.issues
    .filter((i) => state === 'all' || i.state === state)
    .filter((i) => wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)))
    .sort((a, b) => direction * (a.number - b.number));
  const lastPage = Math.max(1, Math.ceil(matching.length / perPage));
  const items = matching
    .slice((page - 1) * perPage, page * perPage)
    .map((i) => ctx.store.render(repo, i, ctx.baseUrl, ctx.baseUrl));
  const link = linkHeader(new URL(req.url.pathname + req.url.search, ctx.baseUrl), page, lastPage);
  return { status: 200, body: items, ...(link ? { headers: { link } } : {}) };
}

/** `labels`: an array of names (GitHub also takes `{ name }` objects). */
function labelsOf(body: unknown): string[] | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).labels : undefined;
  if (value === undefined || value === null) return undefined;
  const names = Array.isArray(value)
    ? value.map((l: unknown) => (typeof l === 'object' && l !== null ? (l as { name?: unknown }).name : l))
    : [];
  if (!Array.isArray(value) || names.some((l) => typeof l !== 'string'))
    throw new PullOpError(422, "Invalid request.\n\nFor 'properties/labels', the value is not an array of strings.");
  return names as string[];
}

function createIssue(req: EmulatorRequest, [owner = '', name = '']: string[], ctx: RouteContext): EmulatorResponse {
  const repo = ctx.store.repo(owner, name);
  if (!repo) return githubError(404, 'Not Found');
  try {
    const title = field<string>(req.body, 'title', 'string');
    if (!title)
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }],
          documentation_url: 'https://docs.github.com/rest',
          status: '422',
        },
      };
    const issue = ctx.store.addIssueRecord(owner, name, {
      title,
      body: field<string>(req.body, 'body', 'string', true),
      labels: labelsOf(req.body),
      author: VIEWER,
    });
    const rendered = ctx.store.render(repo, issue, ctx.baseUrl, ctx.baseUrl);
    return { status: 201, body: rendered, headers: { location: String(rendered.url) } };
  } catch (error) {
    return opError(error);
  }
}

function getIssue(
  _req: EmulatorRequest,
  [owner = '', name = '', n = '']: string[],
  ctx: RouteContext,
): EmulatorResponse {
  const repo = ctx.store.repo(owner, name);
  const issue = repo?.issues.find((i) => i.number === Number(n));
  return repo && issue
    ? { status: 200, body: ctx.store.render(repo, issue, ctx.baseUrl, ctx.baseUrl) }
    : githubError(404, 'Not Found');
}

function editIssue(
  req: EmulatorRequest,
  [owner = '', name = '', n = '']: string[],
  ctx: RouteContext,
): EmulatorResponse {
  const repo = ctx.store.repo(owner, name);
  const issue = repo?.issues.find((i) => i.number === Number(n));
  if (!repo || !issue) return githubError(404, 'Not Found');
  try {
    const state = field<string>(req.body, 'state', 'string');
    if (state !== undefined && state !== null && state !== 'open' && state !== 'closed') {
      throw new PullOpError(
        422,
        `Invalid request.\n\nFor 'properties/state', "${state}" is not one of ["open", "closed"].`,
      );
    }
    const pull = repo.pulls.get(issue.number);
    if (state === 'open' && pull?.merged) throw new PullOpError(422, 'Cannot reopen a merged pull request.');
    const title = field<string>(req.body, 'title', 'string');
    const body = field<string>(req.body, 'body', 'string', true);
    const labels = labelsOf(req.body);
    if (title) issue.title = title;
    if (body !== undefined) issue.body = body;
    if (labels) issue.labels = labels;
    if (state && state !== issue.state) {
      issue.state = state;
      if (state === 'closed') issue.closedAt = ctx.store.stamp();
      else delete issue.closedAt;
    }
    return { status: 200, body: ctx.store.render(repo, issue, ctx.baseUrl, ctx.baseUrl) };
  } catch (error) {
    return opError(error);
  }
}

const R = '^\\/repos\\/([^/]+)\\/([^/]+)\\/issues';
export const issueRoutes: Route[] = [
  { method: 'GET', pattern: new RegExp(`${R}$`), name: '/repos/{owner}/{repo}/issues', handle: listIssues },
  { method: 'POST', pattern: new RegExp(`${R}$`), name: '/repos/{owner}/{repo}/issues', handle: createIssue },
  {
    method: 'GET',
    pattern: new RegExp(`${R}\\/(\\d+)$`),
    name: '/repos/{owner}/{repo}/issues/{issue_number}',
    handle: getIssue,
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`${R}\\/(\\d+)$`),
    name: '/repos/{owner}/{repo}/issues/{issue_number}',
    handle: editIssue,
  },
];
