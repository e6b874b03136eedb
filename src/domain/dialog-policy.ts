import { z } from 'zod';
import { checkCommandLine } from './command-allowlist.js';
import { findDangers } from './command-dangers.js';
import { describeRule, firstMatch, type CommandRule } from './command-rules.js';
import { parseCommand } from './shell-command.js';
import { locate, writableProblem } from './path-rules.js';
import type { Dialog } from './screen-classifier.js';

/**
 * How Drover answers an agent's dialog. Approvals are limited to the allowlist; anything on
 * the denylist or not understood waits for a human. Every decision carries its reason.
 */

export const DialogDecisionSchema = z.object({
  decision: z.enum(['approve', 'deny', 'ask-human']),
  /** tmux key names to send, in order; [] when a human must answer. */
  keys: z.array(z.string()),
  reason: z.string(),
  /** The rule that approved or denied it (`python:pytest`, `allow rule "just check" (config)` …). */
  rule: z.string().optional(),
});
export type DialogDecision = z.infer<typeof DialogDecisionSchema>;

export interface PolicyContext {
  /** Absolute path of the task's worktree. */
  worktree: string;
  /**
   * The user's command rules (command-rules.ts): a command matching a deny rule is answered
   * "No"; one matching an allow rule is approved unless a danger check refuses it.
   */
  rules?: readonly CommandRule[];
}

/** Arrow keys from the selected option (option 1 if none is marked) to `optionIndex`, then Enter; [] if there is no such option. */
export function keysToChoose(dialog: Dialog, optionIndex: number): string[] {
  const options = dialog.options;
  if (options.length > 0 && !options.some((o) => o.index === optionIndex)) return [];
  if (!Number.isInteger(optionIndex) || optionIndex < 1 || optionIndex > 99) return [];
  const current = options.find((o) => o.selected)?.index ?? 1;
  const arrow = optionIndex < current ? 'Up' : 'Down';
  return [...Array<string>(Math.abs(optionIndex - current)).fill(arrow), 'Enter'];
}

const normal = (label: string) => label.trim().toLowerCase();

/** The plain "Yes" option, or gemini's "Allow once" (never "Yes, and don't ask again" / "Allow for this session"). */
function yesOption(dialog: Dialog): number | undefined {
  // claude: `Yes`; codex: `Yes, proceed (y)` (its key hint in parentheses); gemini: `Allow once`.
  const exact = dialog.options.find((o) =>
    /^(?:yes(?:\.|, proceed)?(?: \([a-z]\))?|allow once\.?)$/.test(normal(o.label)),
  );
  return exact?.index;
}

/** Keys that answer "No" (or Escape when the dialog offers no "No" option). */
export function denyKeys(dialog: Dialog): string[] {
  const noOption = dialog.options.find((o) => /^no\b/.test(normal(o.label)));
  return noOption ? keysToChoose(dialog, noOption.index) : ['Escape'];
}

const askHuman = (reason: string): DialogDecision => ({ decision: 'ask-human', keys: [], reason });

function approve(dialog: Dialog, optionIndex: number | undefined, reason: string, rule?: string): DialogDecision {
  const keys = optionIndex === undefined ? [] : keysToChoose(dialog, optionIndex);
  if (keys.length === 0) return askHuman(`would approve (${reason}), but the dialog shows no option to choose`);
  return { decision: 'approve', keys, reason, ...(rule !== undefined ? { rule } : {}) };
}

function trustFolder(dialog: Dialog, ctx: PolicyContext): DialogDecision {
  const option =
    dialog.options.find((o) => /^(?:yes, i trust|trust and continue|trust folder\b)/.test(normal(o.label)))?.index ??
    yesOption(dialog);
  if (dialog.folder !== undefined) {
    const where = locate(dialog.folder, ctx.worktree);
    if (!where.inside)
      return askHuman(`the agent asks to trust ${dialog.folder}, which is not its worktree ${ctx.worktree}`);
  }
  return approve(
    dialog,
    option,
    `trust ${dialog.folder ?? 'the folder'}: it is the worktree Drover created for this task`,
  );
}

/** The user's deny rule that one of the command's parts matches (an unparsable command matches none: it goes to a human anyway). */
function userDenied(dialog: Dialog, ctx: PolicyContext): CommandRule | undefined {
  if (dialog.tool !== 'bash' || dialog.command === undefined || !ctx.rules?.some((r) => r.action === 'deny'))
    return undefined;
  const parsed = parseCommand(dialog.command);
  if (!parsed.ok) return undefined;
  for (const cmd of parsed.commands) {
    const rule = firstMatch(ctx.rules, 'deny', cmd.argv);
    if (rule) return rule;
  }
  return undefined;
}

/** Control characters (newline and tab aside) and Unicode format characters: NUL, escapes, zero-width, bidi overrides, soft hyphen, BOM. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\p{Cf}]/u;

function permission(dialog: Dialog, ctx: PolicyContext): DialogDecision {
  const denied = userDenied(dialog, ctx);
  if (denied !== undefined) {
    const rule = describeRule(denied);
    return { decision: 'deny', keys: denyKeys(dialog), reason: `matches your ${rule}`, rule };
  }
  const yes = yesOption(dialog);
  if (dialog.tool === 'bash') {
    const command = dialog.command ?? '';
    const hidden = INVISIBLE.exec(command);
    if (hidden)
      return askHuman(
        `never auto-approved: the command contains the invisible character U+${hidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}, so what a reader sees is not what runs`,
      );
    const dangers = findDangers(`${command}\n${dialog.description ?? ''}`, ctx.worktree);
    if (dangers.length > 0) return askHuman(`never auto-approved: ${dangers.join('; ')}`);
    const verdict = checkCommandLine(command, ctx);
    if (!verdict.safe) return askHuman(`not on the safe allowlist: ${verdict.why}`);
    return approve(dialog, yes, `safe command: ${verdict.why} [rule ${verdict.rule}]`, verdict.rule);
  }
  if ((dialog.tool === 'edit' || dialog.tool === 'write') && dialog.file !== undefined) {
    const verb = dialog.tool === 'edit' ? 'edit' : 'create';
    const dangers = findDangers(dialog.file, ctx.worktree);
    const problem = writableProblem(dialog.file, ctx.worktree);
    if (dangers.length > 0 || problem)
      return askHuman(`the agent wants to ${verb} ${dialog.file}: ${[...dangers, problem].filter(Boolean).join('; ')}`);
    return approve(dialog, yes, `${verb} ${dialog.file}, a file inside the worktree`);
  }
  return askHuman('a permission request Drover does not recognise (not a shell command or a file edit)');
}

/** Decides a dialog. Never throws: anything unexpected becomes ask-human with the reason. */
export function decideDialog(dialog: Dialog, ctx: PolicyContext): DialogDecision {
  try {
    switch (dialog.kind) {
      case 'trust-folder':
        return trustFolder(dialog, ctx);
      case 'api-key':
        return approve(dialog, yesOption(dialog), 'use the API key Drover put in the agent\u2019s environment');
      case 'permission':
        return permission(dialog, ctx);
      default: {
        const first = dialog.text.split('\n')[0] ?? '';
        return askHuman(`an unrecognised dialog ("${first.slice(0, 100)}"): a human must answer it`);
      }
    }
  } catch (error) {
    return askHuman(`the dialog policy could not decide: ${error instanceof Error ? error.message : String(error)}`);
  }
}
