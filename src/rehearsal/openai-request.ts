import { z } from 'zod';

/**
 * The parts of an OpenAI Responses API request (`POST /responses`) the model server reads.
 * Loose: codex 0.169.0 sends many more fields (reasoning, include, prompt_cache_key,
 * client_metadata…), all ignored. See docs/agents/codex.md for what it sends.
 */
export const responsesInputItemSchema = z.looseObject({
  /** `message`, `function_call`, `function_call_output`, `custom_tool_call`, `reasoning`…; a bare `{role, content}` is a message. */
  type: z.string().optional(),
  role: z.string().optional(),
  content: z.unknown().optional(),
  call_id: z.string().optional(),
  name: z.string().optional(),
  output: z.unknown().optional(),
});

export const responsesToolSchema = z.looseObject({
  /** `function`, `custom` (freeform, e.g. codex's `apply_patch`), `namespace`, `web_search`… */
  type: z.string(),
  name: z.string().optional(),
});

export const responsesRequestSchema = z.looseObject({
  model: z.string().optional(),
  input: z.union([z.string(), z.array(responsesInputItemSchema)]).default([]),
  instructions: z.string().optional(),
  tools: z.array(responsesToolSchema).optional(),
  stream: z.boolean().optional(),
  text: z
    .looseObject({
      format: z.looseObject({ type: z.string(), schema: z.unknown().optional() }).optional(),
    })
    .optional(),
});

export type ResponsesInputItem = z.infer<typeof responsesInputItemSchema>;
export type ResponsesTool = z.infer<typeof responsesToolSchema>;
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;

function items(request: ResponsesRequest): ResponsesInputItem[] {
  return typeof request.input === 'string'
    ? [{ type: 'message', role: 'user', content: request.input }]
    : request.input;
}

const ASSISTANT_ITEMS = new Set([
  'function_call',
  'custom_tool_call',
  'local_shell_call',
  'web_search_call',
  'reasoning',
]);
const RESULT_ITEMS = new Set(['function_call_output', 'custom_tool_call_output', 'local_shell_call_output']);

/** Which side of the conversation an input item belongs to; `neutral` for developer/system messages and unknown items. */
export function itemSide(item: ResponsesInputItem): 'assistant' | 'user' | 'neutral' {
  const type = item.type ?? (item.role !== undefined ? 'message' : '');
  if (type === 'message') {
    if (item.role === 'assistant') return 'assistant';
    if (item.role === 'user') return 'user';
    return 'neutral';
  }
  if (ASSISTANT_ITEMS.has(type)) return 'assistant';
  if (RESULT_ITEMS.has(type)) return 'user';
  return 'neutral';
}

/**
 * How many assistant turns the conversation already holds: runs of assistant-side items
 * (assistant messages, function/custom tool calls, reasoning), each ended by a user message
 * or a tool output. Developer messages do not end a run. Stateless, like the Messages path,
 * so `codex resume` (which resends the history) and retries are served the right turn.
 */
export function countAssistantTurns(request: ResponsesRequest): number {
  let turns = 0;
  let inRun = false;
  for (const item of items(request)) {
    const side = itemSide(item);
    if (side === 'assistant') {
      if (!inRun) turns += 1;
      inRun = true;
    } else if (side === 'user') {
      inRun = false;
    }
  }
  return turns;
}

/** Text of a tool output: a string, or a list of `input_text`/`output_text` parts. */
function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) {
    return output
      .map((part: unknown) =>
        typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string' ? part.text : '',
      )
      .join('\n');
  }
  if (typeof output === 'object' && output !== null && 'content' in output) return outputText(output.content);
  return '';
}

/** The tool outputs after the last assistant-side item, joined; undefined when there are none. */
export function lastToolResult(request: ResponsesRequest): string | undefined {
  const all = items(request);
  let start = 0;
  all.forEach((item, index) => {
    if (itemSide(item) === 'assistant') start = index + 1;
  });
  const results = all.slice(start).filter((item) => RESULT_ITEMS.has(item.type ?? ''));
  if (results.length === 0) return undefined;
  return results.map((item) => outputText(item.output)).join('\n');
}

/** Top-level tool names offered (namespaced tools are not flattened), with their wire type. */
export function offeredTools(request: ResponsesRequest): Map<string, string> {
  const tools = new Map<string, string>();
  for (const tool of request.tools ?? []) if (tool.name !== undefined) tools.set(tool.name, tool.type);
  return tools;
}

/**
 * `main` serves the next scenario turn: the conversation, which always offers tools and asks
 * for no structured output. Anything else (a title or summary request…) is a `side` request.
 */
export function classifyResponses(request: ResponsesRequest): 'main' | 'side' {
  const hasTools = (request.tools?.length ?? 0) > 0;
  const structured = request.text?.format !== undefined && request.text.format.type !== 'text';
  return hasTools && !structured ? 'main' : 'side';
}
