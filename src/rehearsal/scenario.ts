import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * A substring, or a regular expression written `/source/flags`, that the tool result the CLI
 * sends back must contain before the turn is served.
 */
const expectation = z.string().min(1);

/** Assistant text that ends the turn (`stop_reason: end_turn`). */
export const textTurnSchema = z
  .object({
    text: z.string(),
    expectToolResult: expectation.optional(),
  })
  .strict();

/** One tool call (`stop_reason: tool_use`), optionally preceded by assistant text. */
export const toolTurnSchema = z
  .object({
    tool: z.string().min(1),
    input: z.record(z.string(), z.unknown()),
    text: z.string().optional(),
    expectToolResult: expectation.optional(),
  })
  .strict();

export const turnSchema = z.union([toolTurnSchema, textTurnSchema]);

export const scenarioSchema = z
  .object({
    name: z.string().optional(),
    turns: z.array(turnSchema),
    /**
     * Rehearsal fault: agents (by profile name) that must die on every start, e.g. `["gemini"]`
     * (gemini: its HOME gets an unparsable settings.json, exit 52 at once; any other CLI is replaced by a
     * process that exits 1 at once). For fallback-chain and crash-cap tests.
     */
    crashOnStart: z.array(z.string().min(1)).optional(),
    /** Like crashOnStart, but the first start works: the agent dies on every relaunch (after a crash). */
    crashOnRestart: z.array(z.string().min(1)).optional(),
    /**
     * Per-agent turns for fallback chains: the agent named here is served these turns instead of
     * `turns` (each agent of a chain starts its own conversation on the task's route).
     */
    agents: z.record(z.string().min(1), z.object({ turns: z.array(turnSchema) }).strict()).optional(),
  })
  .strict();

export type TextTurn = z.infer<typeof textTurnSchema>;
export type ToolTurn = z.infer<typeof toolTurnSchema>;
export type Turn = z.infer<typeof turnSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;

export function isToolTurn(turn: Turn): turn is ToolTurn {
  return 'tool' in turn;
}

/** Thrown when a scenario cannot be read, parsed or validated; names the source and field. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): string[] {
  return issues.map((issue) => {
    const fullPath = [...prefix, ...issue.path];
    const where = fullPath.length > 0 ? fullPath.map(String).join('.') : '(root)';
    return `  ${where}: ${issue.message}`;
  });
}

/**
 * A union reports only "Invalid input"; validate each turn against the variant it looks like
 * (has `tool` → tool turn, else text turn) so the message names the bad field.
 */
function turnIssues(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || !('turns' in value) || !Array.isArray(value.turns)) return [];
  return value.turns.flatMap((turn: unknown, index) => {
    const schema = typeof turn === 'object' && turn !== null && 'tool' in turn ? toolTurnSchema : textTurnSchema;
    const result = schema.safeParse(turn);
    return result.success ? [] : describeIssues(result.error.issues, ['turns', index]);
  });
}

/** Validates an already parsed value; `source` names it in error messages. */
export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(value);
  if (!result.success) {
    const precise = turnIssues(value);
    const general = describeIssues(result.error.issues.filter((issue) => issue.code !== 'invalid_union'));
    const lines = [...general, ...precise];
    const text = lines.length > 0 ? lines : describeIssues(result.error.issues);
    throw new ScenarioError(`Invalid scenario ${source}:\n${text.join('\n')}`);
  }
  return result.data;
}

/** Parses scenario text as JSON (`.json`) or YAML (anything else; YAML accepts JSON too). */
export function parseScenarioText(text: string, source: string): Scenario {
  let value: unknown;
  try {
    value = path.extname(source).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ScenarioError(`Cannot parse scenario ${source}: ${reason}`);
  }
  return parseScenario(value, source);
}

/** Reads a scenario file (JSON or YAML). */
export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ScenarioError(`Cannot read scenario ${file}: ${reason}`);
  }
  return parseScenarioText(text, file);
}
