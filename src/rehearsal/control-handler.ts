import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-util.js';
import type { RouteStore } from './route-store.js';
import { parseScenarioText, ScenarioError } from './scenario.js';

type ControlTarget =
  { type: 'control-list' } | { type: 'control-route'; route: string } | { type: 'control-requests'; route: string };

function methodNotAllowed(res: ServerResponse, allowed: string): void {
  sendJson(res, 405, { error: `method not allowed; use ${allowed}` }, { allow: allowed });
}

/**
 * The control API, so another process can drive the server:
 * - `GET /_control/routes` → `{ routes: string[] }`
 * - `PUT /_control/routes/<route>` (scenario JSON body) → registers or replaces the scenario
 * - `GET /_control/routes/<route>` → the scenario; `DELETE` removes it and its recordings
 * - `GET /_control/routes/<route>/requests` → the recorded requests (kept for unknown routes too)
 */
export async function handleControlRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: ControlTarget,
  store: RouteStore,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (target.type === 'control-list') {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    return sendJson(res, 200, { routes: store.routes() });
  }
  if (target.type === 'control-requests') {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    return sendJson(res, 200, store.requests(target.route));
  }
  const { route } = target;
  if (method === 'PUT') {
    const text = await readBody(req);
    try {
      const scenario = parseScenarioText(text, `PUT /_control/routes/${route}.json`);
      store.set(route, scenario);
      return sendJson(res, 200, { route, turns: scenario.turns.length });
    } catch (error) {
      if (error instanceof ScenarioError) return sendJson(res, 400, { error: error.message });
      throw error;
    }
  }
  if (method === 'GET') {
    const scenario = store.get(route);
    return scenario === undefined
      ? sendJson(res, 404, { error: `unknown route "${route}"` })
      : sendJson(res, 200, scenario);
  }
  if (method === 'DELETE') {
    const existed = store.delete(route);
    return sendJson(
      res,
      existed ? 200 : 404,
      existed ? { route, deleted: true } : { error: `unknown route "${route}"` },
    );
  }
  return methodNotAllowed(res, 'GET, PUT, DELETE');
}
