import { countAssistantTurns, lastToolResult, type MessagesRequest } from './messages-request.js';
import { isToolTurn, type Scenario, type Turn } from './scenario.js';

export type ReplyBlock =
  { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** What the server answers, independent of the wire format (JSON or SSE). */
export interface ReplyPlan {
  blocks: ReplyBlock[];
  stopReason: 'end_turn' | 'tool_use';
  /** The scenario turn served; undefined for side requests and after the last turn. */
  turnIndex?: number;
}

export const SCENARIO_COMPLETE_TEXT = 'Scenario complete.';
export const SIDE_REPLY_TEXT = 'OK.';

/** `/source/flags` is a regular expression; anything else a plain substring. */
export function matchesExpectation(actual: string, expected: string): boolean {
  const regex = /^\/(.+)\/([dgimsuvy]*)$/s.exec(expected);
  if (regex) {
    try {
      return new RegExp(regex[1] ?? '', regex[2]).test(actual);
    } catch {
      return actual.includes(expected);
    }
  }
  return actual.includes(expected);
}

/** Tool ids must match `^[a-zA-Z0-9_-]+$`; unique per route and turn. */
export function toolUseId(route: string, turnIndex: number): string {
  return `toolu_${route.replace(/[^a-zA-Z0-9_-]/g, '_')}_${turnIndex}`;
}

function serveTurn(turn: Turn, turnIndex: number, route: string): ReplyPlan {
  if (!isToolTurn(turn)) return { blocks: [{ type: 'text', text: turn.text }], stopReason: 'end_turn', turnIndex };
  const blocks: ReplyBlock[] = [];
  if (turn.text !== undefined && turn.text !== '') blocks.push({ type: 'text', text: turn.text });
  blocks.push({ type: 'tool_use', id: toolUseId(route, turnIndex), name: turn.tool, input: turn.input });
  return { blocks, stopReason: 'tool_use', turnIndex };
}

function mismatchText(turnIndex: number, expected: string, actual: string | undefined): string {
  const shown = actual === undefined ? '(no tool result in the request)' : JSON.stringify(actual.slice(0, 500));
  return [
    `REHEARSAL MISMATCH at turn ${turnIndex}: the previous tool result should contain ${JSON.stringify(expected)}.`,
    `Actual tool result: ${shown}`,
  ].join('\n');
}

/**
 * The reply to a main-conversation request: the turn whose index is the number of assistant
 * turns already in the conversation.
 */
export function planMainReply(scenario: Scenario, request: MessagesRequest, route: string): ReplyPlan {
  return planTurn(scenario, countAssistantTurns(request), () => lastToolResult(request), route);
}

/**
 * The reply serving turn `turnIndex`, whatever the wire protocol: `toolResult` reads the
 * previous tool result(s) from the request when the turn has an `expectToolResult`.
 */
export function planTurn(
  scenario: Scenario,
  turnIndex: number,
  toolResult: () => string | undefined,
  route: string,
): ReplyPlan {
  const turn = scenario.turns[turnIndex];
  if (turn === undefined) return { blocks: [{ type: 'text', text: SCENARIO_COMPLETE_TEXT }], stopReason: 'end_turn' };
  if (turn.expectToolResult !== undefined) {
    const actual = toolResult();
    if (actual === undefined || !matchesExpectation(actual, turn.expectToolResult)) {
      return {
        blocks: [{ type: 'text', text: mismatchText(turnIndex, turn.expectToolResult, actual) }],
        stopReason: 'end_turn',
        turnIndex,
      };
    }
  }
  return serveTurn(turn, turnIndex, route);
}

/** A value satisfying a (simple) JSON schema, for side requests that ask for structured output. */
export function sampleForSchema(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return SIDE_REPLY_TEXT;
  const s = schema as { type?: unknown; properties?: Record<string, unknown>; enum?: unknown[] };
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  switch (s.type) {
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([key, sub]) => [key, sampleForSchema(sub)]));
    case 'array':
      return [];
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return 'Rehearsal session';
  }
}

/** A harmless answer to a side request (title generation, quota probe…). */
export function planSideReply(request: MessagesRequest): ReplyPlan {
  const format = request.output_config?.format;
  const text = format?.type === 'json_schema' ? JSON.stringify(sampleForSchema(format.schema)) : SIDE_REPLY_TEXT;
  return { blocks: [{ type: 'text', text }], stopReason: 'end_turn' };
}
