import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAgentRequest, type ServerLog } from './agent-handler.js';
import { handleControlRequest } from './control-handler.js';
import { handleGeminiRequest, isGeminiSubpath } from './gemini-api.js';
import { sendJson } from './http-util.js';
import { errorBody } from './message.js';
import { RouteStore, type RecordedRequest } from './route-store.js';
import { ROUTE_NAME, parseTarget } from './routing.js';
import { parseScenario, type Scenario } from './scenario.js';

export type { RecordedRequest } from './route-store.js';
export type { ServerLog } from './agent-handler.js';

export interface ModelServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Only loopback: the server has no authentication. */
  host?: '127.0.0.1';
  /** Initial scenarios by route name. */
  scenarios?: Record<string, Scenario>;
  /** One line per request handled. */
  log?: ServerLog;
}

export interface ModelServer {
  /** `http://127.0.0.1:<port>`; an agent's base URL is `${url}/r/<route>` (see `routeUrl`). */
  url: string;
  port: number;
  /** `ANTHROPIC_BASE_URL` for an agent on this route. */
  routeUrl(route: string): string;
  setScenario(route: string, scenario: Scenario): void;
  requests(route: string): RecordedRequest[];
  close(): Promise<void>;
}

function checkRoute(route: string): void {
  if (!ROUTE_NAME.test(route)) throw new Error(`invalid route name "${route}" (allowed: ${ROUTE_NAME.source})`);
}

/**
 * A scripted stand-in for the Anthropic Messages API (docs/design.md §5). Every agent gets its own
 * route, `http://127.0.0.1:<port>/r/<route>`, whose scenario decides each reply.
 */
export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const store = new RouteStore();
  const log: ServerLog = options.log ?? (() => undefined);
  const setScenario = (route: string, scenario: Scenario): void => {
    checkRoute(route);
    store.set(route, parseScenario(scenario, `for route "${route}"`));
  };
  for (const [route, scenario] of Object.entries(options.scenarios ?? {})) setScenario(route, scenario);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = parseTarget(req.url ?? '/');
    if (target.type === 'agent' && isGeminiSubpath(target.subpath))
      return handleGeminiRequest(req, res, target, { store, log });
    if (target.type === 'agent') return handleAgentRequest(req, res, target, { store, log });
    if (target.type === 'none') {
      log(`${req.method ?? '?'} ${req.url ?? ''} → 404 (${target.reason})`);
      req.resume();
      return sendJson(res, 404, errorBody('not_found_error', target.reason));
    }
    return handleControlRequest(req, res, target, store);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      log(`${req.method ?? '?'} ${req.url ?? ''} → 500 ${message}`);
      if (!res.headersSent) sendJson(res, 500, errorBody('api_error', message));
      else res.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;

  return {
    url,
    port,
    routeUrl: (route) => `${url}/r/${encodeURIComponent(route)}`,
    setScenario,
    requests: (route) => store.requests(route),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
