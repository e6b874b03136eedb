import { DEFAULT_PR_STEPS } from './pr-brief.js';
import { formatPrRef, type PrRef } from './pull-request.js';
import { prWorkflowId, validateTaskId } from './identifiers.js';
import type { SupervisionPolicy, TaskInput } from './task.js';

export interface PrTaskOptions {
  steps?: readonly string[];
  agent?: string;
  model?: string;
  /** Extra instructions appended to the brief. */
  objective?: string;
  scenario?: unknown;
  policy?: Partial<SupervisionPolicy>;
}

/** `pr-<owner>-<repo>-<n>`, squeezed into the task-id alphabet (the workflow id stays exact). */
export function prTaskId(pr: PrRef): string {
  const raw = `pr-${pr.owner}-${pr.repo}-${pr.number}`
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/\.\.+/g, '.')
    .replace(/\.lock$/, '-lock')
    .slice(0, 100);
  const checked = validateTaskId(raw.replace(/\.$/, '-'));
  if (!checked.ok) throw new Error(checked.error);
  return checked.value;
}

/**
 * The task input of a PR fix. The workflow id is the dedupe key (`pr/<owner>/<repo>/<n>`): the
 * CLI and the monitor both start or attach to the same workflow. `repo` and `branch` are
 * placeholders until the workflow reads the pull request.
 */
export function prTaskInput(pr: PrRef, opts: PrTaskOptions = {}): { workflowId: string; input: TaskInput } {
  const input: TaskInput = {
    taskId: prTaskId(pr),
    repo: `${pr.owner}/${pr.repo}`,
    branch: `pr/${pr.number}`,
    objective:
      opts.objective?.trim() ||
      `Make ${formatPrRef(pr)} ready to merge: fix its failing checks, address its review threads, resolve its conflicts.`,
    steps: [...(opts.steps ?? DEFAULT_PR_STEPS)],
    agent: opts.agent ?? 'claude',
    pr,
    ...(opts.model ? { model: opts.model } : {}),
    ...(opts.scenario !== undefined ? { scenario: opts.scenario } : {}),
    ...(opts.policy ? { policy: opts.policy } : {}),
  };
  return { workflowId: prWorkflowId(pr.owner, pr.repo, pr.number), input };
}
