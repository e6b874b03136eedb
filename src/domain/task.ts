import { z } from 'zod';
import { MergeSettingsSchema, OpenPrSchema, TaskPullRequestSchema } from './pr-pipeline.js';
import { PrRefSchema } from './pull-request.js';
import { CommandRuleSchema } from './command-rules.js';
import { TaskBudgetSchema, UsageSchema } from './usage.js';
import { MessageRecordSchema } from './task-mail.js';
import { SetupResultSchema, SetupSpecSchema } from './setup.js';
import { AgentStateSchema, PhaseSchema, TaskResultStateSchema } from './status.js';

/** Limits that decide when Drover nudges, relaunches or escalates. All durations in seconds. */
export const SupervisionPolicySchema = z.object({
  idleSeconds: z.number().positive().default(20),
  nudgeCooldownSeconds: z.number().nonnegative().default(30),
  nudgeCap: z.number().int().nonnegative().default(3),
  crashCap: z.number().int().nonnegative().default(3),
  revisionCap: z.number().int().nonnegative().default(3),
  stallSeconds: z.number().positive().default(900),
  humanWaitSeconds: z
    .number()
    .positive()
    .default(24 * 3600),
  /** PR mode: how long to wait for CI to finish on the pushed head before re-briefing. */
  ciWaitSeconds: z.number().positive().default(900),
  /** PR mode: how often to look at CI while waiting. */
  ciPollSeconds: z.number().positive().default(15),
});
export type SupervisionPolicy = z.infer<typeof SupervisionPolicySchema>;

/** A validation command run in the worktree while holding a test slot (docs/design.md §2 verify). */
export const ValidateSpecSchema = z
  .object({
    /** The command as argv: never run through a shell (use ["sh", "-c", "…"] to ask for one). */
    argv: z.array(z.string()).min(1, 'the validate command is empty'),
    slot: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
        'a slot name is letters, digits, . _ - (starting with a letter or digit)',
      )
      .default('default'),
    timeoutSeconds: z.number().positive().default(600),
    /** How long the slot is granted before it is revoked; default timeoutSeconds + 60. */
    leaseSeconds: z.number().positive().optional(),
    /** How long to wait for the slot before the attempt fails. */
    waitSeconds: z
      .number()
      .positive()
      .default(6 * 3600),
  })
  .transform((v) => ({ ...v, leaseSeconds: v.leaseSeconds ?? v.timeoutSeconds + 60 }));
export type ValidateSpec = z.output<typeof ValidateSpecSchema>;

/** One validation run as the task recorded it (times are ISO strings). */
export const ValidationRecordSchema = z.object({
  slot: z.string(),
  requestId: z.string(),
  requestedAt: z.string(),
  grantedAt: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  exitCode: z.number().int().nullable().optional(),
  timedOut: z.boolean().optional(),
  /** passed, failed, timed-out, revoked (lease exceeded), no-slot (waited too long), aborted. */
  outcome: z.enum(['passed', 'failed', 'timed-out', 'revoked', 'no-slot', 'aborted']),
  outputTail: z.array(z.string()).optional(),
});
export type ValidationRecord = z.infer<typeof ValidationRecordSchema>;

export const TaskInputSchema = z.object({
  taskId: z.string(),
  /** Local path of the git repository to work on (its `origin` for the task's base clone). */
  repo: z.string(),
  baseRef: z.string().default('HEAD'),
  branch: z.string(),
  objective: z.string().min(1),
  steps: z.array(z.string()).default([]),
  agent: z.string().default('claude'),
  model: z.string().optional(),
  /** Rehearsal only: a scripted-model scenario the worker serves to this agent. */
  scenario: z.unknown().optional(),
  policy: SupervisionPolicySchema.default(SupervisionPolicySchema.parse({})),
  /** The user's command rules (config, manifest, task), each with where it was written: domain/command-rules.ts. */
  commands: z.array(CommandRuleSchema).max(600).optional(),
  /** Worktree setup before the agent starts: copies and commands (domain/setup.ts). */
  setup: SetupSpecSchema.optional(),
  /** What the task may spend: at the budget its agent is stopped and the task ends escalated, with the figures. */
  budget: TaskBudgetSchema.optional(),
  requireCommit: z.boolean().default(true),
  /** `--context FILE` (markdown, token-shaped strings masked) and `--image PATH` (absolute paths), for the brief. */
  context: z
    .string()
    .max(64 * 1024)
    .optional(),
  images: z.array(z.string()).max(20).optional(),
  /** PR mode (`drover fix-pr`): work on this pull request's head branch; `repo` and `branch` are then read from GitHub. */
  pr: PrRefSchema.optional(),
  validate: ValidateSpecSchema.optional(),
  /** Once verified, open (or update) a PR for the task branch (`--open-pr`, manifests on GitHub). */
  openPr: OpenPrSchema.optional(),
  /** Guarded merge through the merge queue once the PR passes the gate (`--merge`); needs `openPr` or `pr`. */
  merge: MergeSettingsSchema.optional(),
});
export type TaskInput = z.input<typeof TaskInputSchema>;
export type ResolvedTaskInput = z.output<typeof TaskInputSchema>;

// The status vocabulary is defined once in status.ts; these names stay for the code that imports them from here.
export {
  AgentStateSchema,
  PhaseSchema,
  TaskResultStateSchema,
  type AgentState,
  type Phase,
  type TaskResultState,
} from './status.js';
export const PHASES = PhaseSchema.options;
export const AGENT_STATES = AgentStateSchema.options;

export const DialogRecordSchema = z.object({
  kind: z.string(),
  decision: z.enum(['approve', 'deny', 'ask-human']),
  decidedBy: z.enum(['policy', 'human']),
  command: z.string().optional(),
  reason: z.string(),
  /** The rule that decided it (policy decisions): `python:pytest`, `allow rule "just check" (config)` … */
  rule: z.string().optional(),
  at: z.string(),
});
export type DialogRecord = z.infer<typeof DialogRecordSchema>;

export const TaskStateSchema = z.object({
  taskId: z.string(),
  phase: PhaseSchema,
  agentState: AgentStateSchema,
  /** The agent CLI running now (one of `agentChain`). */
  agent: z.string(),
  /** `--agent gemini,claude`: who takes over after whom. */
  agentChain: z.array(z.string()).default([]),
  handoffs: z.array(z.object({ from: z.string(), to: z.string(), reason: z.string(), at: z.string() })).default([]),
  host: z.string().optional(),
  hostQueue: z.string().optional(),
  /** Moves to another host after the task's host was lost (absent before the first one). */
  moves: z.array(z.object({ from: z.string(), to: z.string(), reason: z.string(), at: z.string() })).optional(),
  repo: z.string(),
  worktree: z.string().optional(),
  branch: z.string(),
  sessionId: z.string().optional(),
  paneId: z.string().optional(),
  /** `<tmux session>:<window>` of the agent (`tmux attach -t`). */
  tmuxSession: z.string().optional(),
  steps: z.array(z.string()),
  checkpoints: z.array(z.string()),
  doneReported: z.boolean(),
  revisions: z.number().int(),
  nudges: z.number().int(),
  /** Actions the watch took on its own (dialog answers, nudges) and this state has recorded. */
  watcherActions: z.number().int().optional(),
  crashes: z.number().int(),
  dialogs: z.array(DialogRecordSchema),
  /** Tokens the agent used so far (claude's transcripts), when the task reads them. */
  usage: UsageSchema.optional(),
  /** The worktree setup as it ran (commands, exit codes, output tails). */
  setup: SetupResultSchema.optional(),
  /** The task's port block on its host (DROVER_PORT / PORT in the agent's environment). */
  ports: z.object({ start: z.number().int(), count: z.number().int() }).optional(),
  /** Messages this task sent and received (`drover send`), the last 50. */
  messages: z.array(MessageRecordSchema).optional(),
  budget: TaskBudgetSchema.optional(),
  /** The dialog a human must answer: command or file as the agent asked (raw; shown through domain/visible-text.ts), the policy's reason. */
  pendingDialog: z
    .object({
      kind: z.string(),
      command: z.string().optional(),
      file: z.string().optional(),
      reason: z.string().optional(),
      text: z.string(),
    })
    .optional(),
  paused: z.boolean(),
  lastDecision: z.string(),
  lastVerification: z.array(z.string()),
  screenTail: z.array(z.string()),
  commit: z.string().optional(),
  /** PR mode: the pull request, the threads the agent reported and has not had answered yet, and one entry per verified revision. */
  pr: PrRefSchema.optional(),
  threadReports: z.array(z.object({ threadId: z.string(), note: z.string() })).default([]),
  answeredThreads: z.array(z.string()).default([]),
  summaries: z
    .array(
      z.object({ revision: z.number().int(), sha: z.string(), verdict: z.enum(['pass', 'fail']), posted: z.boolean() }),
    )
    .default([]),
  /** The PR this task opened (`openPr`), once it did. */
  pullRequest: TaskPullRequestSchema.optional(),
  startedAt: z.string(),
  briefSubmittedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  events: z.array(z.object({ at: z.string(), what: z.string() })),
  /** Validation runs under the test slot, oldest first (absent before the first one). */
  validations: z.array(ValidationRecordSchema).optional(),
});
export type TaskState = z.infer<typeof TaskStateSchema>;

export const TaskResultSchema = z.object({
  taskId: z.string(),
  state: TaskResultStateSchema,
  branch: z.string(),
  commit: z.string().optional(),
  worktree: z.string().optional(),
  tmuxSession: z.string().optional(),
  checkpoints: z.array(z.string()),
  dialogs: z.array(z.object({ kind: z.string(), decision: z.string() })),
  revisions: z.number().int(),
  reason: z.string(),
  /** The PR the task opened or fixed, as it stood at the end. */
  pullRequest: TaskPullRequestSchema.optional(),
});
export type TaskResult = z.infer<typeof TaskResultSchema>;

export const ReportSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('checkpoint'),
    step: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a step name is 1-64 letters, digits, dot, underscore or dash'),
  }),
  z.object({ kind: z.literal('done'), note: z.string().max(2000).optional() }),
  z.object({
    kind: z.literal('thread'),
    threadId: z
      .string()
      .regex(
        /^[A-Za-z0-9_=+/-]{1,200}$/,
        'a thread id is the id Drover gave in the brief (letters, digits, _ = + / -)',
      ),
    note: z.string().trim().min(1, 'say in a few words what you changed for this thread').max(2000),
  }),
]);
export type Report = z.infer<typeof ReportSchema>;
