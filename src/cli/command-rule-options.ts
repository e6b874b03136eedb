import type { Command } from 'commander';
import { parseRuleText, rulesFrom, type CommandRule, type CommandRulesFile } from '../domain/command-rules.js';
import { CliError } from './context.js';

export interface CommandRuleOptions {
  allowCommand?: string[];
  denyCommand?: string[];
}

/** A repeatable option's values, in order (commander's collector). */
export const repeat = (v: string, prev: string[] = []): string[] => [...prev, v];

/** `--allow-command` / `--deny-command` (repeatable): argv patterns for this task's agent. */
export function addCommandRuleOptions(cmd: Command): Command {
  return cmd
    .option(
      '--allow-command <pattern>',
      'approve this command without asking (words split on spaces, * within a word, ** last for any further words; repeatable)',
      repeat,
    )
    .option('--deny-command <pattern>', 'answer "No" to this command (same form; repeatable)', repeat);
}

function parsed(texts: string[] | undefined, flag: string): string[][] {
  return (texts ?? []).map((text) => {
    const rule = parseRuleText(text);
    if (!rule.ok) throw new CliError(`${flag} "${text}": ${rule.error}`);
    return rule.argv;
  });
}

/**
 * A task's command rules in the order they are tried: the task's own (flags), then the run's
 * manifest, then the configuration's; deny rules always before allow rules (dialog-policy.ts).
 */
export function commandRules(sources: {
  config?: CommandRulesFile;
  manifest?: CommandRulesFile;
  flags?: CommandRuleOptions;
}): CommandRule[] {
  const flags = sources.flags;
  const task: CommandRulesFile = {
    allow: parsed(flags?.allowCommand, '--allow-command'),
    deny: parsed(flags?.denyCommand, '--deny-command'),
  };
  return [
    ...rulesFrom(task, 'task'),
    ...rulesFrom(sources.manifest, 'manifest'),
    ...rulesFrom(sources.config, 'config'),
  ];
}
