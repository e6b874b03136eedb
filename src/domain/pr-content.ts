import { z } from 'zod';
import { redactSecrets, redactTokens } from './identifiers.js';
import { ValidationRecordSchema } from './task.js';

/**
 * What Drover writes into the pull request it opens for a task: the title, the body with the
 * evidence, and the hidden marker that makes opening idempotent (under retries and worker kills
 * the activity first looks for an open PR on the head branch carrying this task's marker).
 */

/** GitHub refuses titles over 256 characters and bodies over 65,536. */
export const MAX_TITLE = 256;
export const GITHUB_BODY_LIMIT = 65_536;
/** Drover stays well below the limit: room for GitHub's own rewriting and the truncation note. */
export const MAX_BODY = 60_000;

export const CommitLineSchema = z.object({ sha: z.string().min(7), subject: z.string() });

export const PrContentInputSchema = z.object({
  taskId: z.string().min(1),
  /** Manifest `title`; when absent the objective's first line is the title. */
  title: z.string().nullable().optional(),
  objective: z.string().min(1),
  issue: z.number().int().positive().nullable().optional(),
  steps: z.array(z.string()).default([]),
  checkpoints: z.array(z.string()).default([]),
  commits: z.array(CommitLineSchema).default([]),
  /** `git diff --stat base...head` as printed. */
  diffStat: z.string().default(''),
  validations: z.array(ValidationRecordSchema).default([]),
  pushedHead: z.string().min(7),
  branch: z.string().min(1),
  /** The PR's base: the default branch, or a dependency's branch for a stacked PR. */
  base: z.string().min(1),
  /** Dependencies' PRs, for "Stacked on #N". */
  stackedOn: z.array(z.object({ taskId: z.string(), prNumber: z.number().int().positive().optional() })).default([]),
  /** The task's page in the Temporal Web UI. */
  taskUrl: z.string().optional(),
  /** Secret values to mask wherever they appear (token shapes are masked anyway). */
  secrets: z.array(z.string()).default([]),
});
export type PrContentInput = z.input<typeof PrContentInputSchema>;

const MARKER = /<!--\s*drover:task=([A-Za-z0-9][A-Za-z0-9._-]{0,99})\s*-->/;

export function taskMarker(taskId: string): string {
  return `<!-- drover:task=${taskId} -->`;
}

/** The task id in a PR body's marker, or undefined (not a Drover PR). */
export function parseTaskMarker(body: string | null | undefined): string | undefined {
  return MARKER.exec(body ?? '')?.[1];
}

export interface OpenPrCandidate {
  number: number;
  headRefName: string;
  state: string;
  body: string | null;
}

/**
 * The PR to update instead of opening a new one: open, on the task's head branch, with this
 * task's marker. A PR on the branch without the marker is a human's: reported, never adopted.
 */
export function findTaskPr(
  prs: readonly OpenPrCandidate[],
  branch: string,
  taskId: string,
): { found?: number; foreign: number[] } {
  const onBranch = prs.filter((p) => p.state.toUpperCase() === 'OPEN' && p.headRefName === branch);
  const ours = onBranch.filter((p) => parseTaskMarker(p.body) === taskId).sort((a, b) => a.number - b.number);
  return {
    ...(ours[0] ? { found: ours[0].number } : {}),
    foreign: onBranch.filter((p) => parseTaskMarker(p.body) !== taskId).map((p) => p.number),
  };
}

const mask = (text: string, secrets: readonly string[]): string => redactSecrets(redactTokens(text), secrets);

/** The manifest title, else the objective's first non-empty line; one line, at most 256 characters. */
export function prTitle(raw: Pick<PrContentInput, 'title' | 'objective' | 'taskId'> & { secrets?: string[] }): string {
  const fromTitle = raw.title?.trim();
  const firstLine = raw.objective
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
  const line = mask((fromTitle || firstLine || `Task ${raw.taskId}`).replace(/\s+/g, ' '), raw.secrets ?? []);
  return line.length <= MAX_TITLE ? line : `${line.slice(0, MAX_TITLE - 1)}…`;
}

const fence = (text: string): string => `\`\`\`\n${text.replace(/```/g, '`\u200b``')}\n\`\`\``;

function evidence(input: z.output<typeof PrContentInputSchema>): string[] {
  const lines = ['## Verification', ''];
  if (input.steps.length > 0) {
    for (const step of input.steps)
      lines.push(`- [${input.checkpoints.includes(step) ? 'x' : ' '}] checkpoint \`${step}\``);
  } else if (input.checkpoints.length > 0) {
    for (const c of input.checkpoints) lines.push(`- [x] checkpoint \`${c}\``);
  } else lines.push('- no checkpoints were required');
  for (const v of input.validations) {
    const exit = v.exitCode == null ? '' : ` (exit ${v.exitCode})`;
    lines.push(
      `- validation under test slot \`${v.slot}\`: **${v.outcome}**${exit}${v.finishedAt ? ` at ${v.finishedAt}` : ''}`,
    );
  }
  lines.push(`- pushed head: \`${input.pushedHead}\` on \`${input.branch}\``);
  return lines;
}

function sections(input: z.output<typeof PrContentInputSchema>): { middle: string; tail: string } {
  const middle: string[] = ['## What was asked', '', input.objective.trim(), ''];
  if (input.stackedOn.length > 0) {
    const refs = input.stackedOn.map((d) =>
      d.prNumber ? `#${d.prNumber} (task \`${d.taskId}\`)` : `task \`${d.taskId}\``,
    );
    middle.push(
      `Stacked on ${refs.join(', ')}: based on \`${input.base}\` until ${refs.length > 1 ? 'they merge' : 'it merges'}.`,
      '',
    );
  }
  middle.push(...evidence(input), '');
  middle.push('## Commits', '');
  if (input.commits.length === 0) middle.push('- none');
  for (const c of input.commits) middle.push(`- \`${c.sha.slice(0, 10)}\` ${c.subject.replace(/\s+/g, ' ').trim()}`);
  middle.push('');
  if (input.diffStat.trim() !== '') middle.push('## Diff stat', '', fence(input.diffStat.trimEnd()), '');
  const tail: string[] = [];
  if (input.issue) tail.push(`Closes #${input.issue}`, '');
  tail.push(
    `Opened by Drover for task \`${input.taskId}\`${input.taskUrl ? ` — [the task in the Web UI](${input.taskUrl})` : ''}.`,
    '',
    taskMarker(input.taskId),
  );
  return { middle: middle.join('\n'), tail: tail.join('\n') };
}

/**
 * The PR body, secrets masked. Over MAX_BODY the middle (objective, evidence, commits, diff stat)
 * is cut at a line end with a note saying how much was left out; "Closes #N", the link and the
 * marker always survive.
 */
export function prBody(raw: PrContentInput): string {
  const input = PrContentInputSchema.parse(raw);
  const { middle, tail } = sections(input);
  const maskedMiddle = mask(middle, input.secrets);
  const maskedTail = mask(tail, input.secrets);
  const full = `${maskedMiddle}\n${maskedTail}\n`;
  if (full.length <= MAX_BODY) return full;
  const note = (left: number) =>
    `\n\n> **Truncated:** ${left} characters of this description were left out (GitHub allows ${GITHUB_BODY_LIMIT}); the full record is the task's history${input.taskUrl ? ` (${input.taskUrl})` : ''}.\n\n`;
  const room = MAX_BODY - maskedTail.length - note(maskedMiddle.length).length - '\n```'.length - 1;
  const cutAt = Math.max(0, maskedMiddle.lastIndexOf('\n', room));
  let kept = maskedMiddle.slice(0, cutAt);
  // An open code fence would swallow the note and the tail.
  if ((kept.match(/```/g) ?? []).length % 2 === 1) kept += '\n```';
  return `${kept}${note(maskedMiddle.length - cutAt)}${maskedTail}\n`;
}

export const PrOptionsSchema = z.object({
  kind: z.enum(['adhoc', 'manifest']),
  /** The repository is on GitHub (github.com, GHE or the emulator), from its remote or `--github`. */
  onGitHub: z.boolean(),
  /** `--open-pr` */
  openPr: z.boolean().default(false),
  /** `--no-new-pr` */
  noNewPr: z.boolean().default(false),
  /** The manifest's top-level `prs` (absent = true). */
  manifestPrs: z.boolean().optional(),
  /** The config's `openPr` for ad-hoc tasks. */
  configOpenPr: z.boolean().default(false),
});
export type PrOptions = z.input<typeof PrOptionsSchema>;

export type PrDecision = { open: true; why: string } | { open: false; why: string } | { error: string };

/**
 * Whether the task opens a pull request. `--no-new-pr` always wins (push only); `--open-pr`
 * asks for one even where the manifest says `prs: false`; manifests open PRs by default on
 * GitHub, ad-hoc tasks only when asked or configured. Contradictions are errors, not guesses.
 */
export function decidePr(raw: PrOptions): PrDecision {
  const o = PrOptionsSchema.parse(raw);
  if (o.openPr && o.noNewPr) return { error: '--open-pr and --no-new-pr contradict each other; give one of them' };
  if (o.noNewPr) return { open: false, why: '--no-new-pr: the branch is pushed, no pull request is opened' };
  if (!o.onGitHub) {
    if (o.openPr) return { error: '--open-pr: the repository has no GitHub remote; name it with --github OWNER/REPO' };
    return { open: false, why: 'the repository is not on GitHub: the branch is pushed only' };
  }
  if (o.openPr) return { open: true, why: '--open-pr' };
  if (o.kind === 'manifest') {
    return o.manifestPrs === false
      ? { open: false, why: 'the manifest says prs: false' }
      : { open: true, why: 'manifest tasks open pull requests on GitHub repositories by default' };
  }
  return o.configOpenPr
    ? { open: true, why: 'the configuration sets openPr' }
    : { open: false, why: 'an ad-hoc task opens a pull request only with --open-pr or openPr in the configuration' };
}
