import { estimateTokens } from './messages-request.js';
import type { ReplyBlock, ReplyPlan } from './reply-plan.js';

/** An Anthropic Messages API response message (`type: "message"`). */
export interface AssistantMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ReplyBlock[];
  stop_reason: ReplyPlan['stopReason'];
  stop_sequence: null;
  usage: Usage;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface MessageOptions {
  id: string;
  model: string;
  /** The request body, to estimate input tokens from. */
  requestBody: unknown;
}

export function buildMessage(plan: ReplyPlan, options: MessageOptions): AssistantMessage {
  return {
    id: options.id,
    type: 'message',
    role: 'assistant',
    model: options.model,
    content: plan.blocks,
    stop_reason: plan.stopReason,
    stop_sequence: null,
    usage: {
      input_tokens: estimateTokens(options.requestBody),
      output_tokens: estimateTokens(plan.blocks),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
}

/** The Messages API error envelope. */
export function errorBody(type: string, message: string): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type, message } };
}
