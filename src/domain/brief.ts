import { validateStepName } from './identifiers.js';

/**
 * The texts Drover pastes into an agent. They name the screen markers only in forms the
 * classifier cannot match (a placeholder, or mid-sentence in backticks), so the brief echoed
 * on screen can never count as a checkpoint or as done.
 */

export interface BriefInput {
  objective: string;
  steps: readonly string[];
  taskId: string;
  branch: string;
  worktree: string;
  /** `--context FILE`: markdown from the user, verbatim. */
  context?: string;
  /** `--image PATH`: absolute paths of images for the agent to look at. */
  images?: readonly string[];
}

/** The brief for a task. Throws on an invalid step name (validate manifests first). */
export function buildBrief(input: BriefInput): string {
  for (const step of input.steps) {
    const checked = validateStepName(step);
    if (!checked.ok) throw new Error(checked.error);
  }
  const { objective, steps, taskId, branch, worktree } = input;
  const stepLines =
    steps.length === 0
      ? ['- No intermediate checkpoints are required for this task.']
      : [
          `- Required steps (${steps.length}), in this order. As soon as a step is complete, run \`drover report checkpoint <step>\` with its name:`,
          ...steps.map((step, i) => `  ${i + 1}. ${step} (when complete, run: drover report checkpoint ${step})`),
        ];
  return [
    `You are working on the Drover task "${taskId}".`,
    '',
    'Objective (verbatim from the user):',
    '----- objective -----',
    objective,
    '----- end of objective -----',
    '',
    ...(input.context
      ? [
          'Context from the user (markdown, verbatim):',
          '----- context -----',
          input.context.trimEnd(),
          '----- end of context -----',
          '',
        ]
      : []),
    ...(input.images && input.images.length > 0
      ? ['Images for this task (open each with your file-reading tool):', ...input.images.map((p) => `- ${p}`), '']
      : []),
    'How to work:',
    `- Work only inside your git worktree ${worktree}, on the branch ${branch}, which is already checked out there. Do not switch branches, do not push, and do not change anything outside the worktree.`,
    `- Commit your changes on ${branch} with clear messages as you go; work that is not committed does not count.`,
    ...stepLines,
    '- When the objective is met and everything is committed, run `drover report done`. Drover then verifies the work and tells you if anything is missing.',
    '- Only if the drover command is not available: print a line containing just CHECKPOINT:<step-name> (with the real step name) after each step, and at the very end a line containing just `ORCHESTRATOR:DONE` (without the backticks).',
  ].join('\n');
}

function oneLine(text: string, max = 500): string {
  const flat = String(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** A one-line push for an agent that stopped early or stalled. */
export function buildNudge(reason: string): string {
  const why = oneLine(reason);
  return `Drover: ${why === '' ? 'you seem to have stopped.' : why} Continue the task; when it is finished and committed, run \`drover report done\`.`;
}

/** Tells the agent why its work was not accepted yet, one reason per bullet. */
export function buildRebrief(reasons: readonly string[]): string {
  const bullets = reasons
    .map((r) => String(r).trim())
    .filter((r) => r !== '')
    .map(
      (r) =>
        `- ${r
          .split('\n')
          .map((l) => l.trimEnd())
          .join('\n  ')}`,
    );
  return [
    'Drover checked your work and cannot accept it as done yet:',
    ...(bullets.length > 0
      ? bullets
      : ['- the verification failed without a specific reason; review your work against the objective.']),
    'Fix these, commit on your branch, run `drover report checkpoint <step>` for any step not reported yet, then run `drover report done` again.',
  ].join('\n');
}
