import { z } from 'zod';
import { CommandRulesFileSchema } from './command-rules.js';
import { SetupSpecSchema } from './setup.js';
import { validateBranchName, validateStepName } from './identifiers.js';
import { TaskStatusSchema } from './manifest-status.js';

/**
 * The task-manifest format (phases of tasks with id, issue, title, files, dependsOn, status…),
 * as users of the task-orchestrator convention already write it, plus Drover's own optional
 * per-task fields (objective, steps, agent, validate, branch).
 *
 * Unknown keys:
 * - top level and phase level: kept (passthrough). Other tools store their own bookkeeping
 *   there (`socket`, notes, …) and none of it changes what Drover schedules.
 * - task level: refused. A misspelt `dependsOn` or `files` would silently drop an ordering or
 *   a file lock and let two agents edit the same file; an error that names the key (and the
 *   key it probably meant, see manifest-validate.ts) is cheaper than that.
 *
 * Graph rules (unknown or cyclic dependencies, duplicate or unsafe ids, paths outside the
 * repository, …) are checked by validateManifest, which collects every problem at once.
 */

// Statuses are defined (with which ones count as done) in manifest-status.ts; exported here too for the manifest's users.
export { TASK_STATUSES, TaskStatusSchema, type TaskStatus } from './manifest-status.js';

/** How phases gate each other: `strict` = a phase starts when every earlier phase is done; `deps` = only dependsOn counts. */
export const GATES = ['strict', 'deps'] as const;
export type Gates = (typeof GATES)[number];

/** Longest accepted `files` entry; longer ones are refused (and treated as overlapping everything). */
export const MAX_FILE_ENTRY = 1024;

/** Characters a `validate` string may not contain: it is split on whitespace, never given to a shell. */
const SHELL_CHARS = /[|&;<>()$`\\"'*?[\]{}~#!\n\r]/;

/**
 * `validate` as a string: split on runs of whitespace, nothing else (no quotes, no escapes, no
 * globbing, no variables). A string that needs any of those is refused with a hint to write an
 * argv array, so what runs is exactly what was written.
 */
export function splitValidateString(text: string): { ok: true; argv: string[] } | { ok: false; error: string } {
  const bad = SHELL_CHARS.exec(text);
  if (bad) {
    const ch = bad[0] === '\n' ? '\\n' : bad[0] === '\r' ? '\\r' : bad[0];
    return {
      ok: false,
      error: `the validate command contains '${ch}'; Drover never runs it through a shell and splits a string only on spaces, so write it as an argv array, e.g. ["npm", "test"] (or ["sh", "-c", "…"] if you really need a shell)`,
    };
  }
  const argv = text.split(/\s+/).filter((s) => s !== '');
  if (argv.length === 0)
    return { ok: false, error: 'the validate command is empty; leave validate out for no validation command' };
  return { ok: true, argv };
}

const text = z.string().nullable().optional();

const ValidateSchema = z.union([
  z
    .array(z.string().min(1, 'an argument of the validate command is empty'))
    .min(1, 'the validate command is empty; leave validate out for no validation command'),
  z.string().transform((s, ctx) => {
    const split = splitValidateString(s);
    if (split.ok) return split.argv;
    ctx.addIssue({ code: 'custom', message: split.error, input: s });
    return z.NEVER;
  }),
]);

const StepSchema = z.string().check((ctx) => {
  const checked = validateStepName(ctx.value);
  if (!checked.ok) ctx.issues.push({ code: 'custom', message: checked.error, input: ctx.value });
});

const BranchSchema = z.string().check((ctx) => {
  const checked = validateBranchName(ctx.value);
  if (!checked.ok) ctx.issues.push({ code: 'custom', message: checked.error, input: ctx.value });
});

/** The objective given to the agent when the task has none: its title and issue reference. */
export function defaultObjective(task: {
  id: string;
  title?: string | null | undefined;
  issue?: number | null | undefined;
}): string {
  const ref = task.issue == null ? '' : `issue #${task.issue}`;
  const title = task.title?.trim() ?? '';
  if (title !== '' && ref !== '') return `${title} (${ref})`;
  if (title !== '') return title;
  if (ref !== '') return `Resolve ${ref}`;
  return `Task ${task.id}`;
}

export const ManifestTaskSchema = z
  .strictObject({
    id: z.string(),
    issue: z.number().int().positive().nullable().optional(),
    title: text,
    files: z.array(z.string().min(1, 'a files entry is empty').max(MAX_FILE_ENTRY)).default([]),
    dependsOn: z.array(z.string()).default([]),
    status: TaskStatusSchema.default('pending'),
    worktree: text,
    tmuxSession: text,
    startedAt: text,
    lastProgress: text,
    completedAt: text,
    prNumber: z.number().int().positive().nullable().optional(),
    // Drover's own fields.
    objective: z.string().min(1, 'the objective is empty; leave it out to use the title').optional(),
    steps: z.array(StepSchema).default([]),
    agent: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
        'an agent name is 1-64 letters, digits, dot, underscore or dash (e.g. claude)',
      )
      .optional(),
    validate: ValidateSchema.optional(),
    branch: BranchSchema.optional(),
    /** Command rules for this task's agent (argv patterns, domain/command-rules.ts). */
    commands: CommandRulesFileSchema.optional(),
  })
  .transform((task) => ({ ...task, objective: task.objective ?? defaultObjective(task) }));
export type ManifestTask = z.infer<typeof ManifestTaskSchema>;
export type ManifestTaskInput = z.input<typeof ManifestTaskSchema>;

/** Keys a task may have (for did-you-mean hints). */
export const TASK_KEYS: readonly string[] = [
  'id',
  'issue',
  'title',
  'files',
  'dependsOn',
  'status',
  'worktree',
  'tmuxSession',
  'startedAt',
  'lastProgress',
  'completedAt',
  'prNumber',
  'objective',
  'steps',
  'agent',
  'validate',
  'branch',
  'commands',
];

export const ManifestPhaseSchema = z.looseObject({
  name: z.string().min(1, 'a phase name is empty'),
  tasks: z.array(ManifestTaskSchema),
});
export type ManifestPhase = z.infer<typeof ManifestPhaseSchema>;

export const ManifestSchema = z.looseObject({
  project: text,
  repo: text,
  workdir: text,
  model: text,
  modelTier: text,
  created: text,
  socket: text,
  /** Drover: `false` turns off the PR per task that a manifest on GitHub gets by default. */
  prs: z.boolean().optional(),
  /** Drover: command rules for every task of the manifest (argv patterns, domain/command-rules.ts). */
  commands: CommandRulesFileSchema.optional(),
  /** Drover: worktree setup for every task (commands run and files copied before the agent starts). */
  setup: SetupSpecSchema.optional(),
  phases: z.array(ManifestPhaseSchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestInput = z.input<typeof ManifestSchema>;

/** JSON Schema (draft 2020-12) of the file a user writes (`drover manifest schema`). */
export function manifestJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ManifestSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
