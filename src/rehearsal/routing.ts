/** Route names: what goes between `/r/` and the API path, e.g. `task-42`. */
export const ROUTE_NAME = /^[A-Za-z0-9._-]{1,128}$/;

/** Where an incoming request is addressed. */
export type Target =
  | { type: 'agent'; route: string; subpath: string }
  | { type: 'control-list' }
  | { type: 'control-route'; route: string }
  | { type: 'control-requests'; route: string }
  | { type: 'none'; reason: string };

function routeName(raw: string): string | undefined {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  return ROUTE_NAME.test(name) ? name : undefined;
}

/**
 * `/r/<route>/v1/messages?beta=true` → agent request (the CLI's `ANTHROPIC_BASE_URL` is
 * `http://host:port/r/<route>`); `/_control/routes[/<route>[/requests]]` → control API.
 */
export function parseTarget(url: string): Target {
  const pathname = url.split('?')[0] ?? '';
  const parts = pathname.split('/');
  // parts[0] is '' (leading slash).
  if (parts[1] === 'r') {
    const route = routeName(parts[2] ?? '');
    if (route === undefined) return { type: 'none', reason: 'missing or invalid route name after /r/' };
    return { type: 'agent', route, subpath: '/' + parts.slice(3).join('/') };
  }
  if (parts[1] === '_control' && parts[2] === 'routes') {
    const rest = parts.slice(3).filter((part) => part !== '');
    if (rest.length === 0) return { type: 'control-list' };
    const route = routeName(rest[0] ?? '');
    if (route === undefined) return { type: 'none', reason: 'invalid route name' };
    if (rest.length === 1) return { type: 'control-route', route };
    if (rest.length === 2 && rest[1] === 'requests') return { type: 'control-requests', route };
  }
  return { type: 'none', reason: `no handler for ${pathname}` };
}
