import type { ServerResponse } from 'node:http';
import { sendJson, sendSse } from './http-util.js';
import { estimateTokens } from './messages-request.js';
import {
  classifyResponses,
  countAssistantTurns,
  lastToolResult,
  offeredTools,
  type ResponsesRequest,
} from './openai-request.js';
import { mapToolCall } from './openai-tools.js';
import { planTurn, sampleForSchema, SIDE_REPLY_TEXT, type ReplyBlock, type ReplyPlan } from './reply-plan.js';
import type { RecordedRequest } from './route-store.js';
import type { Scenario } from './scenario.js';
import { chunk, type SseEvent } from './sse.js';

/** The OpenAI Responses API subset the scripted model server answers (codex 0.169.0). */

export type OutputItem =
  | {
      type: 'message';
      id: string;
      role: 'assistant';
      status: 'completed';
      content: { type: 'output_text'; text: string; annotations: [] }[];
    }
  | { type: 'function_call'; id: string; call_id: string; name: string; arguments: string; status: 'completed' }
  | { type: 'custom_tool_call'; id: string; call_id: string; name: string; input: string; status: 'completed' };

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: 'completed';
  model: string;
  output: OutputItem[];
  usage: {
    input_tokens: number;
    input_tokens_details: { cached_tokens: 0 };
    output_tokens: number;
    output_tokens_details: { reasoning_tokens: 0 };
    total_tokens: number;
  };
}

const textItem = (id: string, text: string): OutputItem => ({
  type: 'message',
  id,
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text, annotations: [] }],
});

/** The plan's blocks as Responses output items, with the scenario's tool mapped onto the offered tools. */
export function outputItems(plan: ReplyPlan, request: ResponsesRequest, idBase: string): OutputItem[] {
  const tools = offeredTools(request);
  return plan.blocks.map((block: ReplyBlock, index): OutputItem => {
    const id = `${idBase}_${index}`;
    if (block.type === 'text') return textItem(`msg_${id}`, block.text);
    const call = mapToolCall(block.name, block.input, tools);
    // `toolu_<route>_<turn>` → `call_<route>_<turn>`: codex echoes it in the tool output.
    const cid = block.id.replace(/^toolu_/, 'call_');
    if (call.kind === 'error')
      return textItem(`msg_${id}`, `REHEARSAL ERROR at turn ${plan.turnIndex ?? '?'}: ${call.message}`);
    if (call.kind === 'custom')
      return {
        type: 'custom_tool_call',
        id: `ctc_${id}`,
        call_id: cid,
        name: call.name,
        input: call.input,
        status: 'completed',
      };
    return {
      type: 'function_call',
      id: `fc_${id}`,
      call_id: cid,
      name: call.name,
      arguments: call.arguments,
      status: 'completed',
    };
  });
}

function itemEvents(item: OutputItem, outputIndex: number): SseEvent[] {
  const ev = (type: string, data: Record<string, unknown>): SseEvent => ({ event: type, data: { type, ...data } });
  const events: SseEvent[] = [];
  if (item.type === 'message') {
    const text = item.content[0]?.text ?? '';
    events.push(
      ev('response.output_item.added', {
        output_index: outputIndex,
        item: { ...item, status: 'in_progress', content: [] },
      }),
    );
    const where = { item_id: item.id, output_index: outputIndex, content_index: 0 };
    events.push(
      ev('response.content_part.added', { ...where, part: { type: 'output_text', text: '', annotations: [] } }),
    );
    for (const piece of chunk(text, 48)) events.push(ev('response.output_text.delta', { ...where, delta: piece }));
    events.push(ev('response.output_text.done', { ...where, text }));
    events.push(ev('response.content_part.done', { ...where, part: item.content[0] }));
  } else if (item.type === 'function_call') {
    events.push(
      ev('response.output_item.added', {
        output_index: outputIndex,
        item: { ...item, status: 'in_progress', arguments: '' },
      }),
    );
    for (const piece of chunk(item.arguments, 64))
      events.push(
        ev('response.function_call_arguments.delta', { item_id: item.id, output_index: outputIndex, delta: piece }),
      );
    events.push(
      ev('response.function_call_arguments.done', {
        item_id: item.id,
        output_index: outputIndex,
        arguments: item.arguments,
      }),
    );
  } else {
    events.push(
      ev('response.output_item.added', {
        output_index: outputIndex,
        item: { ...item, status: 'in_progress', input: '' },
      }),
    );
    for (const piece of chunk(item.input, 64))
      events.push(
        ev('response.custom_tool_call_input.delta', { item_id: item.id, output_index: outputIndex, delta: piece }),
      );
    events.push(
      ev('response.custom_tool_call_input.done', { item_id: item.id, output_index: outputIndex, input: item.input }),
    );
  }
  events.push(ev('response.output_item.done', { output_index: outputIndex, item }));
  return events;
}

/** created, in_progress, per item added/deltas/done, completed (with the full output and usage). */
export function responseEvents(response: ResponseObject): SseEvent[] {
  const start = { ...response, status: 'in_progress', output: [] };
  let seq = 0;
  const events: SseEvent[] = [
    { event: 'response.created', data: { type: 'response.created', response: start } },
    { event: 'response.in_progress', data: { type: 'response.in_progress', response: start } },
    ...response.output.flatMap((item, index) => itemEvents(item, index)),
    { event: 'response.completed', data: { type: 'response.completed', response } },
  ];
  for (const e of events) e.data.sequence_number = seq++;
  return events;
}

/** The OpenAI error envelope. */
export function openAiError(
  type: string,
  message: string,
): { error: { message: string; type: string; code: string | null } } {
  return { error: { message, type, code: null } };
}

function sidePlan(request: ResponsesRequest): ReplyPlan {
  const format = request.text?.format;
  const text = format?.type === 'json_schema' ? JSON.stringify(sampleForSchema(format.schema)) : SIDE_REPLY_TEXT;
  return { blocks: [{ type: 'text', text }], stopReason: 'end_turn' };
}

/** Answers one `POST /responses` from the route's scenario; SSE when `stream` is true. */
export async function answerResponses(
  res: ServerResponse,
  route: string,
  scenario: Scenario,
  request: ResponsesRequest,
  record: RecordedRequest,
): Promise<void> {
  const plan =
    classifyResponses(request) === 'main'
      ? planTurn(scenario, countAssistantTurns(request), () => lastToolResult(request), route)
      : sidePlan(request);
  const idBase = `${route.replace(/[^a-zA-Z0-9_-]/g, '_')}_${record.seq}`;
  const output = outputItems(plan, request, idBase);
  const inputTokens = estimateTokens(record.body);
  const outputTokens = estimateTokens(output);
  const response: ResponseObject = {
    id: `resp_${idBase}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model: request.model ?? 'gpt-rehearsal',
    output,
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + outputTokens,
    },
  };
  record.turnIndex = plan.turnIndex;
  record.reply = { content: plan.blocks, stopReason: plan.stopReason };
  const headers = { 'x-request-id': `req_rehearsal_${record.seq}` };
  if (request.stream === true) {
    await sendSse(
      res,
      responseEvents(response).map((e) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`),
      headers,
    );
  } else {
    sendJson(res, 200, response, headers);
  }
}
