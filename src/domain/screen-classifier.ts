import { z } from 'zod';
import { DialogKindSchema, type AgentProfile } from './agent-profile.js';
import { parseDialog } from './dialog-parser.js';
import { normalizeLines } from './screen-normalize.js';
import { ScreenStateSchema } from './status.js';
import {
  findInputBox,
  isRule,
  lastDialogTop,
  lastRule,
  matchesAny,
  nonBlank,
  screenLines,
  transcriptMarkers,
} from './screen-layout.js';

export const DialogOptionSchema = z.object({
  index: z.number().int().positive(),
  label: z.string(),
  selected: z.boolean(),
});
export type DialogOption = z.infer<typeof DialogOptionSchema>;

export const DialogSchema = z.object({
  kind: DialogKindSchema,
  /** Permission dialogs for a shell command: the command exactly as shown. */
  command: z.string().optional(),
  /** The agent's own description shown under the command. */
  description: z.string().optional(),
  tool: z.enum(['bash', 'edit', 'write', 'other']).optional(),
  /** Edit/Write permission dialogs: the file as shown. */
  file: z.string().optional(),
  /** Trust dialogs: the folder as shown. */
  folder: z.string().optional(),
  options: z.array(DialogOptionSchema),
  /** The dialog's non-blank lines, trimmed: stable across redraws, fit for history. */
  text: z.string(),
});
export type Dialog = z.infer<typeof DialogSchema>;

// Defined with the other status enums (agent states derive from it); exported here for the classifier's users.
export { ScreenStateSchema, type ScreenState } from './status.js';

export const ScreenClassificationSchema = z.object({
  state: ScreenStateSchema,
  dialog: DialogSchema.optional(),
  /** Step names from `CHECKPOINT:<step>` lines in the agent's output, in order of appearance. */
  checkpoints: z.array(z.string()),
  /** `ORCHESTRATOR:DONE` printed by the agent after the last prompt echoed on screen. */
  done: z.boolean(),
  /** How many `ORCHESTRATOR:DONE` lines the agent's visible output holds (any turn). */
  doneCount: z.number().int().nonnegative(),
  /** Text sitting unsubmitted in the input box ('' when empty). */
  input: z.string(),
  /** Why the state is `crashed` (pane dead, back at the shell). */
  crashReason: z.string().optional(),
  /** The last non-blank lines, for humans and logs. */
  tail: z.array(z.string()),
});
export type ScreenClassification = z.infer<typeof ScreenClassificationSchema>;

export interface ClassifyOptions {
  paneDead: boolean;
  /** tmux `pane_current_command`. */
  paneCommand?: string;
  /** Overrides the profile's list of shells. */
  shellCommands?: string[];
}

const TAIL_LINES = 15;
const TAIL_WIDTH = 240;

function tailOf(lines: readonly string[], ruleChar: string): string[] {
  return nonBlank(lines, 0, lines.length, TAIL_LINES * 3)
    .filter((l) => !isRule(l, ruleChar))
    .slice(-TAIL_LINES)
    .map((l) => (l.length > TAIL_WIDTH ? `${l.slice(0, TAIL_WIDTH)}…` : l));
}

function crashReason(lines: readonly string[], profile: AgentProfile, opts: ClassifyOptions): string | undefined {
  if (opts.paneDead) return 'the pane is dead (the agent process exited)';
  const bottom = nonBlank(lines, 0, lines.length, 3);
  const dead = bottom.find((l) => matchesAny(l, profile.screen.crashedPatterns));
  if (dead !== undefined) return `the pane is dead: ${dead.slice(0, 200)}`;
  const raw = typeof opts.paneCommand === 'string' ? opts.paneCommand.trim() : '';
  const command = (raw.split('/').pop() ?? '').replace(/^-/, '');
  const shells = opts.shellCommands ?? profile.shellCommands;
  if (command !== '' && shells.includes(command)) return `the agent exited: the pane is back at the shell (${command})`;
  return undefined;
}

/**
 * Classifies a captured (escape-free) agent screen. Never throws; linear in the screen size.
 * Precedence: crashed, dialog, working, typed, idle, starting.
 */
export function classifyScreen(profile: AgentProfile, screen: string, opts: ClassifyOptions): ScreenClassification {
  const sp = profile.screen;
  const lines = normalizeLines(screenLines(screen), sp);
  const box = findInputBox(lines, sp);
  let dialog: Dialog | undefined;
  let transcriptEnd = lines.length;
  if (box) {
    transcriptEnd = box.top;
  } else {
    const rule = lastRule(lines, sp);
    const start = Math.max(rule + 1, lastDialogTop(lines, sp));
    dialog = parseDialog(lines.slice(start), sp);
    if (dialog) transcriptEnd = rule >= 0 ? rule : Math.max(start, 0);
  }
  const markers = transcriptMarkers(lines, transcriptEnd, sp);
  const base = {
    checkpoints: markers.checkpoints,
    done: markers.doneThisTurn,
    doneCount: markers.doneCount,
    input: box?.text ?? '',
    tail: tailOf(lines, sp.inputBorderChar),
  };
  const crashed = crashReason(lines, profile, opts);
  if (crashed !== undefined) return { state: 'crashed', crashReason: crashed, ...base };
  if (dialog) return { state: 'dialog', dialog, ...base };
  const near = box
    ? [...nonBlank(lines, 0, box.top, sp.workingLookback), ...nonBlank(lines, box.end, lines.length, 10)]
    : nonBlank(lines, 0, lines.length, sp.workingLookback);
  if (near.some((l) => matchesAny(l, sp.workingPatterns))) return { state: 'working', ...base };
  if (!box) return { state: 'starting', ...base };
  return { state: box.text === '' ? 'idle' : 'typed', ...base };
}
