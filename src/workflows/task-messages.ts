import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { HumanAnswer } from '../domain/human-answer.js';
import type { Report, TaskState } from '../domain/task.js';
import type { SendMessage, TaskMessage } from '../domain/task-mail.js';

/** Nudge the agent now (optional text replaces the default nudge). */
export const nudgeSignal = defineSignal<[text?: string]>('nudge');
/** Send the agent new instructions now. */
export const steerSignal = defineSignal<[text: string]>('steer');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const abortSignal = defineSignal<[reason?: string]>('abort');

/**
 * Human answer to a dialog that policy would not approve; rejected when no dialog waits. The
 * argument says where it came from (`{ source: 'board' }`); histories recorded before it have none (the handler takes undefined).
 */
export const approveUpdate = defineUpdate<string, [answer: HumanAnswer]>('approve');
export const denyUpdate = defineUpdate<string, [answer: HumanAnswer]>('deny');
/** From the agent itself (`drover report checkpoint <step>` / `drover report done`). */
export const reportUpdate = defineUpdate<string, [Report]>('report');

export const stateQuery = defineQuery<TaskState>('state');

/** From the manifest run to a dependent task: a dependency's PR got a new verified head (a review fix). */
export interface DependencyMoved {
  taskId: string;
  branch: string;
  newHead: string;
}
export const dependencyMovedSignal = defineSignal<[DependencyMoved]>('dependencyMoved');

/** A message for this task's agent (`drover send`): delivered once per id, prefixed with the sender. */
export const messageSignal = defineSignal<[TaskMessage]>('message');
/** From inside this task's agent (`drover send OTHER TEXT`): forward a message to another task, recorded here too. */
export const sendMessageUpdate = defineUpdate<string, [SendMessage]>('sendMessage');
