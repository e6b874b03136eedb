import { z } from 'zod';

/**
 * A user's own command rules (allow / deny), as argv patterns: never shell strings. Written in
 * `drover.config.*`, in a manifest (for the run or for one task) and per task (`drover task
 * --allow-command`); the task carries them all, each with where it came from, so every approval
 * names the rule that allowed it.
 *
 * A pattern is a list of words matched against one simple command's argv, word for word:
 * - a word matches itself; `*` inside a word matches any characters within that one word
 *   (`test-*` matches `test-unit`);
 * - `**` as the last word matches any number of further words (zero included);
 * - without `**`, the command has exactly as many words as the pattern.
 * The first word is a plain program name (no `*`), so no rule allows every program at once.
 */

const WORD = /^[^\s]{1,200}$/;

export const ArgvPatternSchema = z
  .array(z.string().regex(WORD, 'a pattern word is 1-200 characters without spaces'))
  .min(1, 'a command pattern needs at least the program name')
  .max(32, 'a command pattern has at most 32 words')
  .check((ctx) => {
    const [first = '', ...rest] = ctx.value;
    if (first.includes('*') || first.includes('/'))
      ctx.issues.push({
        code: 'custom',
        message: `the first word "${first}" must be a plain program name (no * and no /)`,
        input: ctx.value,
      });
    const inner = rest.slice(0, -1).find((w) => w === '**');
    if (inner !== undefined)
      ctx.issues.push({ code: 'custom', message: '`**` may only be the last word of a pattern', input: ctx.value });
  });
export type ArgvPattern = z.infer<typeof ArgvPatternSchema>;

/** `commands:` in drover.config.*, in a manifest or in a manifest task. */
export const CommandRulesFileSchema = z.strictObject({
  allow: z.array(ArgvPatternSchema).max(200).optional(),
  deny: z.array(ArgvPatternSchema).max(200).optional(),
});
export type CommandRulesFile = z.infer<typeof CommandRulesFileSchema>;

/** One rule as a task carries it: what it does, the pattern, and where it was written. */
export const CommandRuleSchema = z.object({
  action: z.enum(['allow', 'deny']),
  argv: ArgvPatternSchema,
  /** `config`, `manifest`, `manifest task t1`, `task` … (shown in the approval's reason). */
  from: z.string().min(1).max(100),
});
export type CommandRule = z.infer<typeof CommandRuleSchema>;

/** The rules of one source, tagged with it. */
export function rulesFrom(file: CommandRulesFile | undefined, from: string): CommandRule[] {
  if (!file) return [];
  return [
    ...(file.deny ?? []).map((argv) => ({ action: 'deny' as const, argv, from })),
    ...(file.allow ?? []).map((argv) => ({ action: 'allow' as const, argv, from })),
  ];
}

function wordMatches(pattern: string, word: string): boolean {
  if (!pattern.includes('*')) return pattern === word;
  const parts = pattern.split('*');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!word.startsWith(first) || word.length < first.length + last.length || !word.endsWith(last)) return false;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = word.indexOf(part, at);
    if (found < 0 || found + part.length > word.length - last.length) return false;
    at = found + part.length;
  }
  return true;
}

/** Whether a pattern matches a command's argv (see the module note). */
export function patternMatches(pattern: readonly string[], argv: readonly string[]): boolean {
  const open = pattern[pattern.length - 1] === '**';
  const fixed = open ? pattern.slice(0, -1) : pattern;
  if (open ? argv.length < fixed.length : argv.length !== fixed.length) return false;
  return fixed.every((p, i) => wordMatches(p, argv[i] ?? ''));
}

/** A rule as people read it: `allow "just check" (config)`. */
export function describeRule(rule: CommandRule): string {
  return `${rule.action} rule "${rule.argv.join(' ')}" (${rule.from})`;
}

/** The first rule with this action that matches the argv. */
export function firstMatch(
  rules: readonly CommandRule[] | undefined,
  action: CommandRule['action'],
  argv: readonly string[],
): CommandRule | undefined {
  return rules?.find((r) => r.action === action && patternMatches(r.argv, argv));
}

/** `--allow-command "just check"`: split on spaces only (no quotes, no shell), then validated. */
export function parseRuleText(text: string): { ok: true; argv: ArgvPattern } | { ok: false; error: string } {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const parsed = ArgvPatternSchema.safeParse(words);
  if (parsed.success) return { ok: true, argv: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => i.message).join('; ') };
}
