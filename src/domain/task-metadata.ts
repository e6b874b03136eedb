import type { TaskInput } from './task.js';
import { visible } from './visible-text.js';

/**
 * What the Temporal Web UI shows for a task before anything else (the workflow's user metadata:
 * "Summary" and "Details", set once when it starts): a line a person reads, not the input JSON.
 */
const MAX_SUMMARY = 200;

function oneLine(text: string, max: number): string {
  const line = visible(text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function taskStartMetadata(input: TaskInput): { staticSummary: string; staticDetails: string } {
  const target = input.pr ? `PR ${input.pr.owner}/${input.pr.repo}#${input.pr.number}` : input.branch;
  const details = [
    `**objective** ${visible(input.objective)}`,
    `**agent** ${input.agent ?? 'claude'} · **repo** ${input.repo} · **branch** ${target}`,
    `**steps** ${(input.steps ?? []).join(', ') || '—'}${input.validate ? ` · **validate** \`${input.validate.argv.join(' ')}\`` : ''}`,
  ];
  return {
    staticSummary: oneLine(`${input.taskId}: ${input.objective}`, MAX_SUMMARY),
    staticDetails: details.join('\n\n'),
  };
}
