import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerLog } from './agent-handler.js';
import { chunk } from './sse.js';
import { readBody, sendJson, sendSse } from './http-util.js';
import { estimateTokens } from './messages-request.js';
import { classifyGeminiRequest, geminiRequestSchema, parseGeminiPath, type GeminiEndpoint } from './gemini-request.js';
import {
  planGeminiMainReply,
  planGeminiSideReply,
  recordedBlocks,
  type GeminiReplyPart,
  type GeminiReplyPlan,
} from './gemini-reply.js';
import type { RecordedRequest, RouteStore } from './route-store.js';

/**
 * The Gemini API (`generativelanguage.googleapis.com`) subset gemini-cli 0.61.0 uses with an
 * API key and `GOOGLE_GEMINI_BASE_URL=<server>/r/<route>`:
 * - `POST /v1beta/models/<model>:streamGenerateContent?alt=sse` → SSE `data: <response>` frames
 * - `POST /v1beta/models/<model>:generateContent` → one response
 * - `POST /v1beta/models/<model>:countTokens` → `{totalTokens}`
 * - `GET /v1beta/models[/<model>]` → a model listing / one model
 */

interface Context {
  store: RouteStore;
  log: ServerLog;
}

/** True when a route subpath is a Gemini API call (so model-server.ts hands it here). */
export function isGeminiSubpath(subpath: string): boolean {
  return parseGeminiPath(subpath) !== undefined;
}

/** The Google API error envelope. */
export function geminiError(
  code: number,
  status: string,
  message: string,
): { error: { code: number; message: string; status: string } } {
  return { error: { code, message, status } };
}

function usage(requestBody: unknown, plan: GeminiReplyPlan): Record<string, number> {
  const prompt = estimateTokens(requestBody);
  const candidates = estimateTokens(plan.parts);
  return { promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates };
}

function response(
  parts: GeminiReplyPart[],
  model: string,
  responseId: string,
  extra: { finish?: boolean; usage?: Record<string, number> },
): Record<string, unknown> {
  return {
    candidates: [
      { content: { role: 'model', parts }, index: 0, ...(extra.finish === true ? { finishReason: 'STOP' } : {}) },
    ],
    ...(extra.usage !== undefined ? { usageMetadata: extra.usage } : {}),
    modelVersion: model,
    responseId,
  };
}

/** A complete `GenerateContentResponse`. */
export function geminiResponse(
  plan: GeminiReplyPlan,
  model: string,
  responseId: string,
  requestBody: unknown,
): Record<string, unknown> {
  return response(plan.parts, model, responseId, { finish: true, usage: usage(requestBody, plan) });
}

/**
 * The SSE chunks of a streamed reply: text in 48-character pieces, each function call whole
 * (the API never splits one), `finishReason: STOP` and usage on the last chunk.
 */
export function geminiStreamChunks(
  plan: GeminiReplyPlan,
  model: string,
  responseId: string,
  requestBody: unknown,
): Record<string, unknown>[] {
  const pieces: GeminiReplyPart[] = plan.parts.flatMap((part): GeminiReplyPart[] =>
    'text' in part ? chunk(part.text, 48).map((text) => ({ text })) : [part],
  );
  return pieces.map((part, i) =>
    i === pieces.length - 1
      ? response([part], model, responseId, { finish: true, usage: usage(requestBody, plan) })
      : response([part], model, responseId, {}),
  );
}

export function encodeGeminiSse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\r\n\r\n`;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function modelEntry(name: string): Record<string, unknown> {
  return {
    name: `models/${name}`,
    displayName: name,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
  };
}

async function answer(
  res: ServerResponse,
  route: string,
  endpoint: GeminiEndpoint,
  body: unknown,
  record: RecordedRequest,
  ctx: Context,
): Promise<void> {
  const scenario = ctx.store.get(route);
  const method = endpoint.method;
  if (scenario === undefined) {
    record.status = 404;
    return sendJson(res, 404, geminiError(404, 'NOT_FOUND', `unknown rehearsal route "${route}"`));
  }
  if (method === undefined) {
    record.kind = 'preflight';
    const names = ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite'];
    return sendJson(
      res,
      200,
      endpoint.model === undefined ? { models: names.map(modelEntry) } : modelEntry(endpoint.model),
    );
  }
  if (method === 'countTokens') {
    record.kind = 'count_tokens';
    return sendJson(res, 200, { totalTokens: estimateTokens(body) });
  }
  if (method !== 'generateContent' && method !== 'streamGenerateContent') {
    record.status = 404;
    return sendJson(res, 404, geminiError(404, 'NOT_FOUND', `rehearsal server has no method ${method}`));
  }
  const parsed = geminiRequestSchema.safeParse(body ?? {});
  if (!parsed.success) {
    record.status = 400;
    return sendJson(
      res,
      400,
      geminiError(400, 'INVALID_ARGUMENT', `malformed request: ${parsed.error.issues[0]?.message ?? 'invalid'}`),
    );
  }
  const kind = classifyGeminiRequest(method, parsed.data);
  record.kind = kind;
  const plan = kind === 'main' ? planGeminiMainReply(scenario, parsed.data, route) : planGeminiSideReply(parsed.data);
  record.turnIndex = plan.turnIndex;
  record.reply = {
    content: recordedBlocks(plan),
    stopReason: plan.parts.some((p) => 'functionCall' in p) ? 'tool_use' : 'end_turn',
  };
  const model = endpoint.model ?? 'gemini-rehearsal';
  const responseId = `rehearsal-${route.replace(/[^a-zA-Z0-9_-]/g, '_')}-${record.seq}`;
  if (method === 'streamGenerateContent') {
    return sendSse(res, geminiStreamChunks(plan, model, responseId, body).map(encodeGeminiSse));
  }
  return sendJson(res, 200, geminiResponse(plan, model, responseId, body));
}

/** Handles a Gemini API call under `/r/<route>/…` (see `isGeminiSubpath`). */
export async function handleGeminiRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: { route: string; subpath: string },
  ctx: Context,
): Promise<void> {
  const method = req.method ?? 'GET';
  const body = parseJson(await readBody(req));
  const endpoint = parseGeminiPath(target.subpath) ?? { apiVersion: 'v1beta' };
  const record: RecordedRequest = {
    seq: ctx.store.nextSeq(),
    at: new Date().toISOString(),
    method,
    url: req.url ?? '',
    kind: 'other',
    status: 200,
    headers: req.headers,
    body,
    stream: endpoint.method === 'streamGenerateContent',
    model: endpoint.model,
  };
  ctx.store.record(target.route, record);
  try {
    await answer(res, target.route, endpoint, body, record, ctx);
  } finally {
    const turn = record.turnIndex !== undefined ? ` turn=${record.turnIndex}` : '';
    ctx.log(
      `[${target.route}] ${method} ${target.subpath} → ${record.status} ${record.kind}${turn}${record.reply ? ` ${record.reply.stopReason}` : ''}`,
    );
  }
}
