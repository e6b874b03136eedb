import { countModelTurns, lastFunctionResponse, requestedSchema, type GeminiRequest } from './gemini-request.js';
import { toGeminiCall } from './gemini-tools.js';
import {
  matchesExpectation,
  SCENARIO_COMPLETE_TEXT,
  SIDE_REPLY_TEXT,
  toolUseId,
  type ReplyBlock,
} from './reply-plan.js';
import { isToolTurn, type Scenario } from './scenario.js';

/** A model reply in Gemini terms: the parts of one `model` content. */
export type GeminiReplyPart =
  { text: string } | { functionCall: { id: string; name: string; args: Record<string, unknown> } };

export interface GeminiReplyPlan {
  parts: GeminiReplyPart[];
  /** The scenario turn served; undefined for side requests and after the last turn. */
  turnIndex?: number;
}

const textPlan = (text: string, turnIndex?: number): GeminiReplyPlan => ({
  parts: [{ text }],
  ...(turnIndex !== undefined ? { turnIndex } : {}),
});

/**
 * The reply to a main-conversation request: the turn whose index is the number of model turns
 * already in `contents` (see `countModelTurns`), with claude tool names mapped to gemini's.
 */
export function planGeminiMainReply(scenario: Scenario, request: GeminiRequest, route: string): GeminiReplyPlan {
  const turnIndex = countModelTurns(request);
  const turn = scenario.turns[turnIndex];
  if (turn === undefined) return textPlan(SCENARIO_COMPLETE_TEXT);
  if (turn.expectToolResult !== undefined) {
    const actual = lastFunctionResponse(request);
    if (actual === undefined || !matchesExpectation(actual, turn.expectToolResult)) {
      const shown = actual === undefined ? '(no tool result in the request)' : JSON.stringify(actual.slice(0, 500));
      return textPlan(
        `REHEARSAL MISMATCH at turn ${turnIndex}: the previous tool result should contain ${JSON.stringify(turn.expectToolResult)}.\nActual tool result: ${shown}`,
        turnIndex,
      );
    }
  }
  if (!isToolTurn(turn)) return textPlan(turn.text, turnIndex);
  const parts: GeminiReplyPart[] = [];
  if (turn.text !== undefined && turn.text !== '') parts.push({ text: turn.text });
  const call = toGeminiCall(turn);
  parts.push({ functionCall: { id: toolUseId(route, turnIndex), name: call.name, args: call.args } });
  return { parts, turnIndex };
}

/**
 * A value satisfying a (simple) JSON or Gemini schema (types in either case). Chosen so that
 * gemini-cli's helpers do nothing surprising: the next-speaker check gets `user` (the model
 * does not continue on its own), loop detection a confidence of 0, the router the lowest score.
 */
export function sampleGeminiSchema(schema: unknown, key = ''): unknown {
  if (typeof schema !== 'object' || schema === null) return SIDE_REPLY_TEXT;
  const s = schema as { type?: unknown; properties?: Record<string, unknown>; enum?: unknown[] };
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum.includes('user') ? 'user' : s.enum[0];
  switch (typeof s.type === 'string' ? s.type.toLowerCase() : '') {
    case 'object':
      return Object.fromEntries(
        Object.entries(s.properties ?? {}).map(([name, sub]) => [name, sampleGeminiSchema(sub, name)]),
      );
    case 'array':
      return [];
    case 'number':
    case 'integer':
      return key.includes('score') ? 1 : 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return 'Rehearsal: nothing to add.';
  }
}

/** A harmless answer to a side request: a schema sample as JSON text, or short text. */
export function planGeminiSideReply(request: GeminiRequest): GeminiReplyPlan {
  const schema = requestedSchema(request);
  if (schema !== undefined) return textPlan(JSON.stringify(sampleGeminiSchema(schema)));
  if (request.generationConfig?.responseMimeType === 'application/json') return textPlan('{}');
  return textPlan(SIDE_REPLY_TEXT);
}

/** The plan in the server's recording format (text / tool_use blocks, Anthropic-style). */
export function recordedBlocks(plan: GeminiReplyPlan): ReplyBlock[] {
  return plan.parts.map((part) =>
    'text' in part
      ? { type: 'text', text: part.text }
      : { type: 'tool_use', id: part.functionCall.id, name: part.functionCall.name, input: part.functionCall.args },
  );
}
