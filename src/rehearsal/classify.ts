import type { MessagesRequest } from './messages-request.js';

/**
 * What a request under `/r/<route>` is for:
 * - `main`: the agent's conversation (serves the next scenario turn);
 * - `side`: a helper call the CLI makes on its own (session title, quota probe…), answered with
 *   harmless text and never consuming a turn;
 * - `count_tokens`: `POST /v1/messages/count_tokens`;
 * - `preflight`: the `HEAD /r/<route>` reachability check the CLI sends at startup;
 * - `other`: anything else (answered 404).
 */
export type RequestKind = 'main' | 'side' | 'count_tokens' | 'preflight' | 'other';

/** The path under the route, without its query: `/v1/messages`, `/v1/messages/count_tokens`… */
export function classifyEndpoint(method: string, subpath: string): RequestKind | 'messages' | 'responses' {
  const clean = subpath.replace(/\/+$/, '');
  // OpenAI Responses API (codex): the provider's base_url is the route, with or without /v1.
  if (method === 'POST' && (clean === '/responses' || clean === '/v1/responses')) return 'responses';
  if ((method === 'HEAD' || method === 'GET') && clean === '') return 'preflight';
  if (method === 'POST' && clean === '/v1/messages') return 'messages';
  if (method === 'POST' && clean === '/v1/messages/count_tokens') return 'count_tokens';
  return 'other';
}

/**
 * Observed with claude 2.1.197: the main conversation always carries the full tool list
 * (27–28 tools) and no structured-output format; side requests carry `tools: []` or none, and
 * the title generator asks for `output_config.format` = json_schema.
 */
export function classifyMessages(request: MessagesRequest): 'main' | 'side' {
  const hasTools = (request.tools?.length ?? 0) > 0;
  const wantsStructuredOutput = request.output_config?.format !== undefined;
  return hasTools && !wantsStructuredOutput ? 'main' : 'side';
}
