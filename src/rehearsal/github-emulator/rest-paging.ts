/** `per_page` / `page` and the `Link` header, as GitHub does them for every list endpoint. */
import type { EmulatorRequest, EmulatorResponse } from './router.js';

export const intParam = (text: string | null, fallback: number): number => {
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

/** One page of `items` (per_page default 30, max 100) as a 200 response with its Link header. */
export function paged<T>(
  req: EmulatorRequest,
  baseUrl: string,
  items: T[],
  render: (item: T) => unknown,
): EmulatorResponse {
  const q = req.url.searchParams;
  const perPage = Math.min(100, Math.max(1, intParam(q.get('per_page'), 30)));
  const page = Math.max(1, intParam(q.get('page'), 1));
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const body = items.slice((page - 1) * perPage, page * perPage).map(render);
  const link = linkHeader(new URL(req.url.pathname + req.url.search, baseUrl), page, lastPage);
  return { status: 200, body, ...(link ? { headers: { link } } : {}) };
}
