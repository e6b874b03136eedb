import type { ToolTurn } from './scenario.js';

/**
 * Scenarios are written with claude's tool names; gemini-cli 0.61.0 declares its own tools
 * (observed in the request's `tools`): `run_shell_command {command, description?, dir_path?,
 * is_background?}`, `write_file {file_path, content}`, `read_file {file_path, start_line?,
 * end_line?}`, `replace {file_path, instruction, old_string, new_string, allow_multiple?}`,
 * `list_directory`, `glob`, `grep_search`… Any other tool name is passed through verbatim,
 * so a scenario may also call gemini's own tools directly.
 */
export interface GeminiCall {
  name: string;
  args: Record<string, unknown>;
}

function pick(input: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => input[key] !== undefined).map((key) => [key, input[key]]));
}

const MAPPERS: Record<string, (input: Record<string, unknown>) => GeminiCall> = {
  Bash: (input) => ({ name: 'run_shell_command', args: pick(input, ['command', 'description']) }),
  Write: (input) => ({ name: 'write_file', args: pick(input, ['file_path', 'content']) }),
  Read: (input) => ({ name: 'read_file', args: pick(input, ['file_path']) }),
  Edit: (input) => ({
    name: 'replace',
    args: {
      ...pick(input, ['file_path', 'old_string', 'new_string']),
      instruction:
        typeof input.instruction === 'string'
          ? input.instruction
          : `Replace the given text in ${String(input.file_path)}.`,
      ...(input.replace_all === true ? { allow_multiple: true } : {}),
    },
  }),
  Glob: (input) => ({
    name: 'glob',
    args: { pattern: input.pattern, ...(input.path !== undefined ? { dir_path: input.path } : {}) },
  }),
  Grep: (input) => ({
    name: 'grep_search',
    args: { pattern: input.pattern, ...(input.path !== undefined ? { dir_path: input.path } : {}) },
  }),
};

/** The gemini-cli function call for a scenario tool turn. */
export function toGeminiCall(turn: ToolTurn): GeminiCall {
  const mapper = MAPPERS[turn.tool];
  return mapper ? mapper(turn.input) : { name: turn.tool, args: turn.input };
}
