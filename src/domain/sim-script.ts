import { z } from 'zod';

/**
 * The script of a `sim` agent (see sim-agent.ts): what it does after each submitted input.
 * Drover validates it here (zod) before it launches the sim, and hands it over as JSON in the
 * `DROVER_SIM_SCRIPT` environment variable; the sim itself imports no zod (it stays cheap).
 */

const ms = z
  .number()
  .int()
  .min(0)
  .max(24 * 3600 * 1000);
const STEP = /^[A-Za-z0-9._-]{1,64}$/;

export const SimPhaseSchema = z.discriminatedUnion('kind', [
  /**
   * Working (`esc to interrupt` on screen) for `ms`, or until SIGUSR1 with `untilSignal`.
   * `everyMs`: print an output line (and redraw the spinner) that often — a busy agent; unset: silent.
   */
  z.strictObject({
    kind: z.literal('work'),
    ms: ms.default(0),
    untilSignal: z.boolean().default(false),
    everyMs: ms.min(20).optional(),
    text: z.string().max(200).default('building…'),
  }),
  /** Assistant text lines (`● …`). */
  z.strictObject({ kind: z.literal('say'), lines: z.array(z.string().max(500)).min(1) }),
  /** A claude-shaped Bash permission dialog; waits for the answer keys (Up/Down/Enter/Escape). */
  z.strictObject({
    kind: z.literal('dialog'),
    command: z.string().min(1).max(500),
    description: z.string().max(200).default('Run a command'),
    /** The option highlighted when it opens (claude's API-key dialog opens on "No"). */
    selected: z.number().int().min(1).max(3).default(1),
    /** A slow TUI: the dialog stays on screen (its new selection drawn) this long after the Enter. */
    answerDelayMs: ms.max(10_000).default(0),
  }),
  z.strictObject({ kind: z.literal('checkpoint'), step: z.string().regex(STEP) }),
  /** Prints `ORCHESTRATOR:DONE`. */
  z.strictObject({ kind: z.literal('done') }),
  /** Writes `file` (relative to the working directory) and commits it with git (argv, no shell). */
  z.strictObject({
    kind: z.literal('commit'),
    file: z.string().regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/),
    content: z.string().max(10_000).default('sim\n'),
    message: z.string().min(1).max(200).default('sim: work'),
  }),
  /** Runs one command (argv, no shell) in the working directory while showing working. */
  z.strictObject({ kind: z.literal('run'), argv: z.array(z.string()).min(1), timeoutMs: ms.default(60_000) }),
  /** Ends the turn: back at the empty prompt; the next phases run after the next submitted input. */
  z.strictObject({ kind: z.literal('idle') }),
  /** Exits with `code` (a crash); a relaunch in the same HOME continues after this phase. */
  z.strictObject({ kind: z.literal('crash'), code: z.number().int().min(0).max(255).default(1) }),
]);
export type SimPhase = z.output<typeof SimPhaseSchema>;

export const SimScriptSchema = z.strictObject({
  name: z.string().max(100).optional(),
  /** Delay before the first prompt is drawn (the CLI "starting"). */
  startupMs: ms.default(200),
  phases: z.array(SimPhaseSchema).max(500).default([]),
  /** Absolute path of a JSONL file the sim appends timestamped events to (for benchmarks). */
  log: z.string().regex(/^\//, 'log must be an absolute path').optional(),
});
export type SimScript = z.output<typeof SimScriptSchema>;
export type SimScriptInput = z.input<typeof SimScriptSchema>;

/** One line of the sim's event log. `t` is epoch milliseconds. */
export interface SimEvent {
  t: number;
  ev:
    | 'ready'
    | 'paste'
    | 'input'
    | 'dialog-shown'
    | 'dialog-answered'
    | 'checkpoint'
    | 'done'
    | 'idle'
    | 'busy'
    | 'quiet'
    | 'crash'
    | 'signal';
  phase?: number;
  detail?: string;
}

/** Validates a sim script (already parsed JSON); throws one message naming each bad field. */
export function parseSimScript(value: unknown, source = 'sim script'): SimScript {
  const result = SimScriptSchema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map(
    (i) => `  ${i.path.length > 0 ? i.path.map(String).join('.') : '(root)'}: ${i.message}`,
  );
  throw new Error(`Invalid ${source}:\n${issues.join('\n')}`);
}

/** Parses sim script text (JSON). */
export function parseSimScriptText(text: string, source = 'sim script'): SimScript {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`Cannot parse ${source}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseSimScript(value, source);
}
