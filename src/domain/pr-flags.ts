import { z } from 'zod';
import type { GithubRepo, Parsed } from './github-remote.js';
import { decidePr } from './pr-content.js';
import { MergeMethodSchema, MergeSettingsSchema, type MergeSettings, type OpenPr } from './pr-pipeline.js';

/**
 * The pull-request flags of `drover task`, `drover run`, `drover fix-pr` and `drover merge`
 * (`--open-pr`, `--no-new-pr`, `--title`, `--issue`, `--merge` and its settings) turned into the
 * workflow inputs (`TaskInput.openPr`/`merge`, `ManifestRunInput.openPrs`/`github`/`merge`).
 * Contradictions and flags that would do nothing are errors, never silently dropped.
 */

const BASE_PATTERN = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*\/$)(?!.*\.lock$)[A-Za-z0-9._/-]{1,255}$/;

export const MergeFlagsSchema = z.object({
  /** `--merge` */
  merge: z.boolean().default(false),
  /** `--merge-method merge|squash|rebase` */
  mergeMethod: z.string().optional(),
  /** `--allow-base BRANCH` (repeatable) */
  allowBase: z.array(z.string()).default([]),
  /** `--require-approval` */
  requireApproval: z.boolean().default(false),
  /** `--keep-branch`: the head branch stays after the merge. */
  keepBranch: z.boolean().default(false),
});
export type MergeFlags = z.input<typeof MergeFlagsSchema>;

/** The merge settings the flags ask for (the `drover merge` form: `--merge` is implied). */
export function mergeSettingsOf(raw: MergeFlags, methodFlag = '--merge-method'): Parsed<MergeSettings> {
  const flags = MergeFlagsSchema.parse(raw);
  const method = MergeMethodSchema.safeParse(flags.mergeMethod ?? 'squash');
  if (!method.success)
    return {
      ok: false,
      error: `${methodFlag} must be one of ${MergeMethodSchema.options.join(', ')}, not "${flags.mergeMethod}"`,
    };
  for (const base of flags.allowBase)
    if (!BASE_PATTERN.test(base)) return { ok: false, error: `--allow-base "${base}" is not a branch name` };
  return {
    ok: true,
    value: MergeSettingsSchema.parse({
      method: method.data,
      deleteBranch: !flags.keepBranch,
      requireApproval: flags.requireApproval,
      ...(flags.allowBase.length > 0 ? { allowedBases: [...new Set(flags.allowBase)] } : {}),
    }),
  };
}

/** `--merge` and its settings on a command that opens or works on a PR; undefined without `--merge`. */
export function mergeSettingsFromFlags(raw: MergeFlags): Parsed<MergeSettings | undefined> {
  const flags = MergeFlagsSchema.parse(raw);
  if (!flags.merge) {
    const stray = [
      flags.mergeMethod !== undefined ? '--merge-method' : undefined,
      flags.allowBase.length > 0 ? '--allow-base' : undefined,
      flags.requireApproval ? '--require-approval' : undefined,
      flags.keepBranch ? '--keep-branch' : undefined,
    ].filter(Boolean);
    if (stray.length > 0) return { ok: false, error: `${stray.join(', ')} only apply with --merge` };
    return { ok: true, value: undefined };
  }
  return mergeSettingsOf(flags);
}

export const PrFlagsSchema = MergeFlagsSchema.extend({
  /** `--open-pr` */
  openPr: z.boolean().default(false),
  /** `--no-new-pr` */
  noNewPr: z.boolean().default(false),
  /** `--title` (ad-hoc tasks; a manifest task's title is in the manifest) */
  title: z.string().optional(),
  /** `--issue N`, as typed */
  issue: z.string().optional(),
});
export type PrFlags = z.input<typeof PrFlagsSchema>;

export interface AdhocPrContext {
  /** The repository on GitHub (from its origin remote or `--github`), if it is. */
  github?: GithubRepo | undefined;
  /** The configuration's `openPr` (DROVER_OPEN_PR). */
  configOpenPr?: boolean;
  /** `--pr N`: the task works on an existing PR (PR mode), which `--merge` can merge. */
  existingPr?: boolean;
  /** The Web UI's workflows page. */
  webUiUrl?: string | undefined;
}

export interface AdhocPrPlan {
  openPr?: OpenPr;
  merge?: MergeSettings;
  /** Why a PR is (not) opened, for the start message. */
  why: string;
}

function issueNumber(text: string | undefined): Parsed<number | undefined> {
  if (text === undefined) return { ok: true, value: undefined };
  const n = /^#?(\d{1,9})$/.exec(text.trim());
  if (!n || Number(n[1]) < 1) return { ok: false, error: `--issue must be an issue number like 12, not "${text}"` };
  return { ok: true, value: Number(n[1]) };
}

/** `drover task`: whether it opens a PR (decidePr, kind adhoc) and with which title, issue, merge settings. */
export function adhocPrPlan(raw: PrFlags, ctx: AdhocPrContext): Parsed<AdhocPrPlan> {
  const flags = PrFlagsSchema.parse(raw);
  const merge = mergeSettingsFromFlags(flags);
  if (!merge.ok) return merge;
  const issue = issueNumber(flags.issue);
  if (!issue.ok) return issue;
  if (ctx.existingPr && flags.openPr)
    return { ok: false, error: '--pr works on an existing pull request; --open-pr would open another one' };
  const decision = ctx.existingPr
    ? { open: false as const, why: '--pr: the task works on an existing pull request' }
    : decidePr({
        kind: 'adhoc',
        onGitHub: ctx.github !== undefined,
        openPr: flags.openPr,
        noNewPr: flags.noNewPr,
        configOpenPr: ctx.configOpenPr ?? false,
      });
  if ('error' in decision) return { ok: false, error: decision.error };
  if (!decision.open) {
    const opening = [flags.title !== undefined ? '--title' : undefined, issue.value ? '--issue' : undefined].filter(
      Boolean,
    );
    if (opening.length > 0 && !ctx.existingPr)
      return {
        ok: false,
        error: `${opening.join(' and ')} describe the PR the task opens; add --open-pr (${decision.why})`,
      };
    if (merge.value && !ctx.existingPr)
      return {
        ok: false,
        error: `--merge needs a pull request: add --open-pr (or --pr N to work on an existing one); ${decision.why}`,
      };
    return { ok: true, value: { ...(merge.value ? { merge: merge.value } : {}), why: decision.why } };
  }
  const github = ctx.github!;
  const title = flags.title?.trim();
  return {
    ok: true,
    value: {
      openPr: {
        owner: github.owner,
        repo: github.repo,
        ...(title ? { title } : {}),
        ...(issue.value ? { issue: issue.value } : {}),
        stackedOn: [],
        ...(ctx.webUiUrl ? { webUiUrl: ctx.webUiUrl } : {}),
      },
      ...(merge.value ? { merge: merge.value } : {}),
      why: decision.why,
    },
  };
}

export interface ManifestPrContext {
  github?: GithubRepo | undefined;
  /** The manifest's top-level `prs`. */
  manifestPrs?: boolean | undefined;
  webUiUrl?: string | undefined;
}

export interface ManifestPrPlan {
  github?: GithubRepo;
  openPrs: boolean;
  merge?: MergeSettings;
  webUiUrl?: string;
  why: string;
}

/** `drover run`: whether the run's tasks open PRs (decidePr, kind manifest) and merge them. */
export function manifestPrPlan(raw: Omit<PrFlags, 'title' | 'issue'>, ctx: ManifestPrContext): Parsed<ManifestPrPlan> {
  const flags = PrFlagsSchema.parse(raw);
  const merge = mergeSettingsFromFlags(flags);
  if (!merge.ok) return merge;
  const decision = decidePr({
    kind: 'manifest',
    onGitHub: ctx.github !== undefined,
    openPr: flags.openPr,
    noNewPr: flags.noNewPr,
    ...(ctx.manifestPrs !== undefined ? { manifestPrs: ctx.manifestPrs } : {}),
  });
  if ('error' in decision) return { ok: false, error: decision.error };
  if (merge.value && !decision.open)
    return { ok: false, error: `--merge needs the tasks to open pull requests, and they do not: ${decision.why}` };
  return {
    ok: true,
    value: {
      ...(ctx.github ? { github: ctx.github } : {}),
      openPrs: decision.open,
      ...(merge.value ? { merge: merge.value } : {}),
      ...(ctx.webUiUrl && decision.open ? { webUiUrl: ctx.webUiUrl } : {}),
      why: decision.why,
    },
  };
}
