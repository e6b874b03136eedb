import type { AssistantMessage } from './message.js';
import type { ReplyBlock } from './reply-plan.js';

/** One server-sent event of the Messages streaming protocol. */
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Splits a string into pieces of at most `size` characters (at least one piece). */
export function chunk(text: string, size: number): string[] {
  if (text.length === 0) return [''];
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

function blockEvents(block: ReplyBlock, index: number): SseEvent[] {
  const delta = (d: Record<string, unknown>): SseEvent => ({
    event: 'content_block_delta',
    data: { type: 'content_block_delta', index, delta: d },
  });
  const events: SseEvent[] = [];
  if (block.type === 'text') {
    events.push({
      event: 'content_block_start',
      data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
    });
    for (const piece of chunk(block.text, 48)) events.push(delta({ type: 'text_delta', text: piece }));
  } else {
    events.push({
      event: 'content_block_start',
      data: {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      },
    });
    for (const piece of chunk(JSON.stringify(block.input), 64))
      events.push(delta({ type: 'input_json_delta', partial_json: piece }));
  }
  events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  return events;
}

/**
 * The event sequence for a complete message: message_start (empty content, output_tokens 1),
 * ping, per block start/deltas/stop, message_delta (stop_reason, final usage), message_stop.
 */
export function messageEvents(message: AssistantMessage): SseEvent[] {
  const start = { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } };
  return [
    { event: 'message_start', data: { type: 'message_start', message: start } },
    { event: 'ping', data: { type: 'ping' } },
    ...message.content.flatMap((block, index) => blockEvents(block, index)),
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: message.stop_reason, stop_sequence: null },
        usage: { output_tokens: message.usage.output_tokens },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
}

export function encodeSseEvent(event: SseEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** Parses an SSE stream body back into events (for tests and debugging). */
export function parseSse(body: string): SseEvent[] {
  return body
    .split(/\n\n+/)
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const lines = frame.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length) ?? 'message';
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice('data: '.length))
        .join('\n');
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}
