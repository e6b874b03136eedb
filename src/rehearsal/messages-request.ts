import { z } from 'zod';

/**
 * The parts of an Anthropic Messages API request body the model server reads. Loose: the
 * claude CLI sends many more fields (thinking, metadata, context_management…), all ignored.
 */
const contentBlockSchema = z.looseObject({ type: z.string() });

export const requestMessageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});

export const messagesRequestSchema = z.looseObject({
  model: z.string().optional(),
  messages: z.array(requestMessageSchema).default([]),
  system: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]).optional(),
  tools: z.array(z.looseObject({ name: z.string().optional() })).optional(),
  stream: z.boolean().optional(),
  output_config: z
    .looseObject({
      format: z.looseObject({ type: z.string(), schema: z.unknown().optional() }).optional(),
    })
    .optional(),
});

export type RequestMessage = z.infer<typeof requestMessageSchema>;
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;

/** The system prompt as one string, whichever form the request used. */
export function systemText(request: MessagesRequest): string {
  if (request.system === undefined) return '';
  if (typeof request.system === 'string') return request.system;
  return request.system.map((block) => block.text ?? '').join('\n');
}

/** Text of a tool_result block's `content` (a string or a list of text blocks). */
function toolResultText(block: Record<string, unknown>): string {
  const content = block.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string' ? part.text : '',
    )
    .join('\n');
}

/** The tool results carried by the last user message, joined; undefined when there are none. */
export function lastToolResult(request: MessagesRequest): string | undefined {
  const last = [...request.messages].reverse().find((message) => message.role === 'user');
  if (last === undefined || typeof last.content === 'string') return undefined;
  const results = last.content.filter((block) => block.type === 'tool_result');
  if (results.length === 0) return undefined;
  return results.map((block) => toolResultText(block)).join('\n');
}

/** The last user message in brief (its text, or the kinds of its blocks), for the server's log. */
export function lastUserGist(request: MessagesRequest, max = 60): string {
  const last = [...request.messages].reverse().find((message) => message.role === 'user');
  if (last === undefined) return '(none)';
  const text =
    typeof last.content === 'string'
      ? last.content
      : last.content
          .map((block) => (block.type === 'text' && typeof block.text === 'string' ? block.text : `[${block.type}]`))
          .join(' ');
  return JSON.stringify(text.replace(/\s+/g, ' ').slice(-max));
}

/**
 * How many assistant turns the conversation already holds: runs of assistant messages, each
 * ended by a user message (a `system` message in between does not end a run). Stateless, so a
 * resumed session or a retried HTTP request is served the same turn again.
 */
export function countAssistantTurns(request: MessagesRequest): number {
  let turns = 0;
  let inAssistantRun = false;
  for (const message of request.messages) {
    if (message.role === 'assistant') {
      if (!inAssistantRun) turns += 1;
      inAssistantRun = true;
    } else if (message.role === 'user') {
      inAssistantRun = false;
    }
  }
  return turns;
}

/** A rough token estimate (4 characters a token), for plausible usage numbers. */
export function estimateTokens(value: unknown): number {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return Math.max(1, Math.ceil(text.length / 4));
}
