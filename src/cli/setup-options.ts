import path from 'node:path';
import type { Command } from 'commander';
import { splitCommand } from '../domain/argv.js';
import { SetupSpecSchema, type SetupSpecInput } from '../domain/setup.js';
import { repeat } from './command-rule-options.js';
import { CliError } from './context.js';

export interface SetupOptions {
  setup?: string[];
  copy?: string[];
  setupTimeout?: string;
}

/** `--setup CMD` / `--copy FILE` (repeatable), `--setup-timeout SECONDS`. */
export function addSetupOptions(cmd: Command): Command {
  return cmd
    .option(
      '--setup <cmd>',
      'run this in the new worktree before the agent starts, e.g. "npm ci" (split like a shell, run without one; repeatable)',
      repeat,
    )
    .option(
      '--copy <file>',
      'copy this file (relative to --repo, e.g. .env) into the new worktree (repeatable)',
      repeat,
    )
    .option('--setup-timeout <seconds>', 'stop a setup command after this long (default 600)');
}

/**
 * The task's setup: the configuration's for this repository (`repos.<path>.setup`), then the
 * flags' commands and copies after it; undefined when there is none.
 */
export function setupFor(
  repo: string,
  config: { projectRoot: string; repos: Record<string, { setup?: SetupSpecInput }> },
  opts: SetupOptions,
): SetupSpecInput | undefined {
  const configured = Object.entries(config.repos).find(([p]) => path.resolve(config.projectRoot, p) === repo)?.[1]
    .setup;
  const commands = (opts.setup ?? []).map((text) => {
    const argv = splitCommand(text);
    if (!argv.ok) throw new CliError(`--setup: ${argv.error}`);
    return argv.value;
  });
  const timeout = opts.setupTimeout === undefined ? undefined : Number(opts.setupTimeout);
  const spec: SetupSpecInput = {
    commands: [...(configured?.commands ?? []), ...commands],
    copy: [...(configured?.copy ?? []), ...(opts.copy ?? []).map((from) => ({ from }))],
    ...(timeout !== undefined || configured?.timeoutSeconds !== undefined
      ? { timeoutSeconds: timeout ?? configured?.timeoutSeconds }
      : {}),
  };
  if (spec.commands!.length === 0 && spec.copy!.length === 0) return undefined;
  const parsed = SetupSpecSchema.safeParse(spec);
  if (!parsed.success)
    throw new CliError(`setup: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return spec;
}
