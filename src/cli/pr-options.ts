import type { Command } from 'commander';
import { ConfigError, loadConfig, type DroverConfig } from '../config/config.js';
import {
  adhocPrPlan,
  manifestPrPlan,
  mergeSettingsFromFlags,
  type AdhocPrPlan,
  type ManifestPrPlan,
} from '../domain/pr-flags.js';
import type { MergeSettings } from '../domain/pr-pipeline.js';
import { CliError, webUiLink } from './context.js';
import { resolveGithubRepo } from './github-repo.js';

/** The options commander hands over for the PR flags (`--no-new-pr` arrives as `newPr: false`). */
export interface PrCliOptions {
  github?: string;
  openPr?: boolean;
  newPr?: boolean;
  title?: string;
  issue?: string;
  merge?: boolean;
  mergeMethod?: string;
  allowBase?: string[];
  requireApproval?: boolean;
  keepBranch?: boolean;
}

const repeat = (v: string, prev: string[] = []): string[] => [...prev, v];

/** `--merge-method`, `--allow-base`, `--require-approval`, `--keep-branch` (`drover merge` has them without `--merge`). */
export function addMergeSettingOptions(cmd: Command, methodFlag = '--merge-method <method>'): Command {
  return cmd
    .option(methodFlag, 'merge, squash or rebase (default squash)')
    .option('--allow-base <branch>', 'a base the PR may merge into (repeatable; default: the default branch)', repeat)
    .option('--require-approval', 'at least one approving review, even where branch protection asks for none')
    .option('--keep-branch', 'keep the head branch after the merge');
}

/** `--merge` and its settings. */
export function addMergeOptions(cmd: Command): Command {
  return addMergeSettingOptions(
    cmd.option('--merge', "once the PR passes its gate, merge it through the repository's guarded merge queue"),
  );
}

/** `--github`, `--open-pr`, `--no-new-pr` and the merge flags. */
export function addPrOptions(cmd: Command): Command {
  return addMergeOptions(
    cmd
      .option('--github <owner/repo>', 'the GitHub repository (default: from the origin remote)')
      .option('--open-pr', 'open a pull request once the task is verified')
      .option('--no-new-pr', 'never open a pull request (push the branch only)'),
  );
}

function config(): DroverConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

const mergeFlags = (o: PrCliOptions) => ({
  merge: o.merge ?? false,
  ...(o.mergeMethod !== undefined ? { mergeMethod: o.mergeMethod } : {}),
  allowBase: o.allowBase ?? [],
  requireApproval: o.requireApproval ?? false,
  keepBranch: o.keepBranch ?? false,
});

/** `drover task`: TaskInput.openPr / merge from the flags, the repository's GitHub remote and the config. */
export async function adhocPrInput(repo: string, o: PrCliOptions, existingPr: boolean): Promise<AdhocPrPlan> {
  const cfg = config();
  // a task that will not open a PR needs no GitHub repository: do not ask the network
  const wantsGithub = o.newPr !== false && !existingPr && (o.openPr || o.merge || cfg.openPr || o.github !== undefined);
  const found = wantsGithub ? await resolveGithubRepo(repo, o.github) : { github: undefined, why: '' };
  const plan = adhocPrPlan(
    {
      ...mergeFlags(o),
      openPr: o.openPr ?? false,
      noNewPr: o.newPr === false,
      ...(o.title !== undefined ? { title: o.title } : {}),
      ...(o.issue !== undefined ? { issue: o.issue } : {}),
    },
    { github: found.github, configOpenPr: cfg.openPr, existingPr, webUiUrl: webUiLink(cfg) },
  );
  if (!plan.ok) throw new CliError(found.why && !found.github ? `${plan.error} (${found.why})` : plan.error);
  return plan.value;
}

/** `drover run`: ManifestRunInput.github / openPrs / merge / webUiUrl. */
export async function manifestPrInput(
  repo: string,
  o: PrCliOptions,
  manifestPrs: boolean | undefined,
): Promise<ManifestPrPlan> {
  const cfg = config();
  const found =
    o.newPr === false && !o.merge ? { github: undefined, why: '' } : await resolveGithubRepo(repo, o.github);
  const plan = manifestPrPlan(
    { ...mergeFlags(o), openPr: o.openPr ?? false, noNewPr: o.newPr === false },
    { github: found.github, manifestPrs, webUiUrl: webUiLink(cfg) },
  );
  if (!plan.ok) throw new CliError(found.why && !found.github ? `${plan.error} (${found.why})` : plan.error);
  return plan.value;
}

/** `drover fix-pr --merge`: the merge settings of the fix task, or undefined. */
export function fixPrMerge(o: PrCliOptions): MergeSettings | undefined {
  const got = mergeSettingsFromFlags(mergeFlags(o));
  if (!got.ok) throw new CliError(got.error);
  return got.value;
}
