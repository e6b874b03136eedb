import type { IncomingMessage, ServerResponse } from 'node:http';
import { classifyEndpoint, classifyMessages } from './classify.js';
import { readBody, sendJson, sendSse } from './http-util.js';
import { buildMessage, errorBody } from './message.js';
import { estimateTokens, lastUserGist, messagesRequestSchema, type MessagesRequest } from './messages-request.js';
import { classifyResponses, responsesRequestSchema } from './openai-request.js';
import { answerResponses, openAiError } from './openai-responses.js';
import { planMainReply, planSideReply, type ReplyPlan } from './reply-plan.js';
import type { RecordedRequest, RouteStore } from './route-store.js';
import type { Scenario } from './scenario.js';
import { encodeSseEvent, messageEvents } from './sse.js';

export type ServerLog = (message: string) => void;

interface Context {
  store: RouteStore;
  log: ServerLog;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Answers one `messages` request (main or side) from the route's scenario. */
async function answerMessages(
  res: ServerResponse,
  route: string,
  scenario: Scenario,
  request: MessagesRequest,
  record: RecordedRequest,
): Promise<void> {
  const kind = classifyMessages(request);
  const plan: ReplyPlan = kind === 'main' ? planMainReply(scenario, request, route) : planSideReply(request);
  const message = buildMessage(plan, {
    id: `msg_${route.replace(/[^a-zA-Z0-9_-]/g, '_')}_${record.seq}`,
    model: request.model ?? 'claude-rehearsal',
    requestBody: record.body,
  });
  record.turnIndex = plan.turnIndex;
  record.reply = { content: plan.blocks, stopReason: plan.stopReason };
  const headers = { 'request-id': `req_rehearsal_${record.seq}` };
  if (request.stream === true) {
    await sendSse(res, messageEvents(message).map(encodeSseEvent), headers);
  } else {
    sendJson(res, 200, message, headers);
  }
}

/** Handles everything under `/r/<route>/…`. */
export async function handleAgentRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: { route: string; subpath: string },
  ctx: Context,
): Promise<void> {
  const method = req.method ?? 'GET';
  const text = await readBody(req);
  const body = parseJson(text);
  const endpoint = classifyEndpoint(method, target.subpath.split('?')[0] ?? '');
  const parsed = endpoint === 'messages' ? messagesRequestSchema.safeParse(body) : undefined;
  const responses = endpoint === 'responses' ? responsesRequestSchema.safeParse(body) : undefined;
  const parsedOk = parsed?.success ? parsed.data : responses?.success ? responses.data : undefined;
  const record: RecordedRequest = {
    seq: ctx.store.nextSeq(),
    at: new Date().toISOString(),
    method,
    url: req.url ?? '',
    kind:
      endpoint === 'messages'
        ? parsed?.success
          ? classifyMessages(parsed.data)
          : 'other'
        : endpoint === 'responses'
          ? responses?.success
            ? classifyResponses(responses.data)
            : 'other'
          : endpoint,
    status: 200,
    headers: req.headers,
    body,
    stream: parsedOk ? parsedOk.stream === true : undefined,
    model: parsedOk?.model,
  };
  ctx.store.record(target.route, record);
  const scenario = ctx.store.get(target.route);
  try {
    if (scenario === undefined) {
      record.status = 404;
      sendJson(
        res,
        404,
        responses
          ? openAiError('not_found_error', `unknown rehearsal route "${target.route}"`)
          : errorBody('not_found_error', `unknown rehearsal route "${target.route}"`),
      );
    } else if (responses !== undefined && !responses.success) {
      record.status = 400;
      sendJson(
        res,
        400,
        openAiError(
          'invalid_request_error',
          `malformed responses request: ${responses.error.issues[0]?.message ?? 'invalid'}`,
        ),
      );
    } else if (responses !== undefined) {
      await answerResponses(res, target.route, scenario, responses.data, record);
    } else if (endpoint === 'preflight') {
      sendJson(res, 200, { ok: true, route: target.route });
    } else if (endpoint === 'count_tokens') {
      sendJson(res, 200, { input_tokens: estimateTokens(body) });
    } else if (parsed !== undefined && !parsed.success) {
      record.status = 400;
      sendJson(
        res,
        400,
        errorBody(
          'invalid_request_error',
          `malformed messages request: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        ),
      );
    } else if (parsed !== undefined) {
      await answerMessages(res, target.route, scenario, parsed.data, record);
    } else {
      record.status = 404;
      sendJson(res, 404, errorBody('not_found_error', `rehearsal server has no ${method} ${target.subpath}`));
    }
  } finally {
    const turn = record.turnIndex !== undefined ? ` turn=${record.turnIndex}` : '';
    const gist = record.kind === 'main' && parsed?.success ? ` after ${lastUserGist(parsed.data)}` : '';
    ctx.log(
      `[${target.route}] ${method} ${target.subpath} → ${record.status} ${record.kind}${turn}${record.reply ? ` ${record.reply.stopReason}` : ''}${gist}`,
    );
  }
}
