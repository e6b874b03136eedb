import { z } from 'zod';
import { CommandRuleSchema } from './command-rules.js';
import { SetupSpecSchema } from './setup.js';
import { GATES } from './manifest-schema.js';
import { TaskStatusSchema } from './manifest-status.js';
import { MergeSettingsSchema, TaskPullRequestSchema } from './pr-pipeline.js';
import { SupervisionPolicySchema } from './task.js';

/** What `drover run` asks of a ManifestWorkflow. The manifest itself is validated data. */
export const ManifestRunInputSchema = z.object({
  name: z.string(),
  manifest: z.unknown(),
  /** Local git repository the tasks work on. */
  repo: z.string(),
  gates: z.enum(GATES).default('strict'),
  slots: z.number().int().positive().max(200).default(4),
  baseRef: z.string().default('HEAD'),
  agent: z.string().default('claude'),
  /** Rehearsal: scripted-model scenario per task id. */
  scenarios: z.record(z.string(), z.unknown()).default({}),
  policy: SupervisionPolicySchema.partial().optional(),
  /** The repository on GitHub (from its remote or `--github`); absent: not on GitHub, no PRs. */
  github: z.object({ owner: z.string().min(1), repo: z.string().min(1) }).optional(),
  /** Open a PR per task (decidePr: default on GitHub, `prs: false` or `--no-new-pr` turn it off). */
  openPrs: z.boolean().default(false),
  /** `--merge`: each task's PR goes through the merge queue; dependents merge after their dependencies. */
  merge: MergeSettingsSchema.optional(),
  /** The Web UI's workflows page, for the link in each PR's body. */
  webUiUrl: z.string().optional(),
  /** Command rules for every task of the run (the config's and the manifest's own), each with its source. */
  commands: z.array(CommandRuleSchema).max(400).optional(),
  /** Worktree setup for every task (the config's for the repository, or the manifest's). */
  setup: SetupSpecSchema.optional(),
});
export type ManifestRunInput = z.input<typeof ManifestRunInputSchema>;

export const TaskRowSchema = z.object({
  id: z.string(),
  phase: z.string(),
  title: z.string(),
  status: TaskStatusSchema,
  workflowId: z.string(),
  branch: z.string(),
  commit: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  revisions: z.number().int(),
  attempts: z.number().int(),
  reason: z.string(),
  /** The task's PR once opened (number, URL, base, state); also in `prNumber` for write-back. */
  pullRequest: TaskPullRequestSchema.optional(),
  /** For --write-back: the worktree and tmux session of the task's agent. */
  worktree: z.string().optional(),
  tmuxSession: z.string().optional(),
});
export type TaskRow = z.infer<typeof TaskRowSchema>;

export const ManifestRunStateSchema = z.object({
  name: z.string(),
  gates: z.enum(GATES),
  slots: z.number().int(),
  paused: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  tasks: z.array(TaskRowSchema),
  /** Start and end order, for checking dependency and file rules after a run. */
  log: z.array(
    z.object({
      at: z.string(),
      task: z.string(),
      event: z.enum(['start', 'end', 'restack']),
      status: TaskStatusSchema.optional(),
    }),
  ),
});
export type ManifestRunState = z.infer<typeof ManifestRunStateSchema>;
