import { z } from 'zod';

/**
 * Messages between tasks (`drover send TASK TEXT`): from a human, or from inside an agent's
 * shell, where the sender is the agent's own task. A message has an id chosen once by the
 * sender, so a retried send is delivered once.
 */

const MESSAGE_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const WORKFLOW_ID = /^[A-Za-z0-9._/#:-]{1,300}$/;

export const TaskMessageSchema = z.object({
  id: z.string().regex(MESSAGE_ID, 'a message id is 1-100 of [A-Za-z0-9._:-]'),
  /** The sender's task workflow id, or `human`. */
  from: z.string().regex(WORKFLOW_ID, 'the sender is a task workflow id or "human"'),
  text: z.string().min(1, 'the message is empty').max(16_000, 'a message is at most 16,000 characters'),
});
export type TaskMessage = z.infer<typeof TaskMessageSchema>;

/** From an agent's own task to another task (the sender's workflow forwards it). */
export const SendMessageSchema = z.object({
  id: TaskMessageSchema.shape.id,
  /** The receiving task's workflow id. */
  to: z.string().regex(WORKFLOW_ID, 'the receiver is a task workflow id'),
  text: TaskMessageSchema.shape.text,
});
export type SendMessage = z.infer<typeof SendMessageSchema>;

/** One message in a task's state, sent or received. */
export const MessageRecordSchema = z.object({
  direction: z.enum(['sent', 'received']),
  /** The other task's workflow id (or `human`). */
  peer: z.string(),
  id: z.string(),
  text: z.string(),
  at: z.string(),
});
export type MessageRecord = z.infer<typeof MessageRecordSchema>;

/** The task id a person types for a task workflow id: its last segment (`task/run/t2` → `t2`). */
export function shortTaskName(workflowId: string): string {
  return workflowId.split('/').pop() ?? workflowId;
}

/** What the receiving agent reads: the sender first, and how to answer a task. */
export function messageText(m: Pick<TaskMessage, 'from' | 'text'>): string {
  if (m.from === 'human') return `Message from a human (drover send):\n${m.text}`;
  const name = shortTaskName(m.from);
  return `Message from task ${name} (another agent; answer with \`drover send ${name} "…"\` if it asks you something):\n${m.text}`;
}

/**
 * The receiver's workflow id for what the sender typed: a full id as is; a bare task id in the
 * sender's own run (manifest tasks address each other by id), or an ad-hoc task for a human.
 */
export function receiverWorkflowId(target: string, senderWorkflowId: string | undefined): string {
  if (target.includes('/')) return target;
  const run = senderWorkflowId?.startsWith('task/') ? senderWorkflowId.split('/')[1] : undefined;
  return `task/${run ?? 'adhoc'}/${target}`;
}
