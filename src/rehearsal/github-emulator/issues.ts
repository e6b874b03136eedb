/** `GET /repos/{owner}/{repo}/issues`: state, labels, sort direction and pagination as GitHub does them. */
import { githubError, type EmulatorRequest, type EmulatorResponse, type Route, type RouteContext } from './router.js';

const number = (text: string | null, fallback: number): number => {
  const n = text === null ? NaN : Number(text);
  return Number.isInteger(n) ? n : fallback;
};

/** `Link` with first/prev/next/last as GitHub sends them (absent when everything fits one page). */
export function linkHeader(url: URL, page: number, lastPage: number): string | undefined {
  if (lastPage <= 1) return undefined;
  const at = (p: number): string => {
    const u = new URL(url);
    u.searchParams.set('page', String(p));
    return `<${u.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${at(Math.min(page - 1, lastPage))}; rel="prev"`);
  if (page < lastPage) links.push(`${at(page + 1)}; rel="next"`, `${at(lastPage)}; rel="last"`);
  if (page > 1) links.push(`${at(1)}; rel="first"`);
  return links.join(', ');
}

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
  { method: 'GET', pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues$/, handle: listIssues },
];
