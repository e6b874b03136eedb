import { z } from 'zod';
import { describeDialog, type DialogAsk } from './visible-text.js';

/** What a notification is about: a per-task event, or a whole manifest run that ended (`all-done`). */
export const NotificationLevelSchema = z.enum(['info', 'action-needed', 'escalated', 'done', 'all-done']);
export type NotificationLevel = z.infer<typeof NotificationLevelSchema>;

/** One notification: a stdout line, a line in `.drover/notifications.log`, and a webhook post when configured. */
export const NotificationSchema = z.object({
  /** The task id, or the run name for `all-done`. */
  taskId: z.string(),
  level: NotificationLevelSchema,
  message: z.string(),
});
export type Notification = z.infer<typeof NotificationSchema>;

/** Payload shape of a webhook: Slack (`{ text }`), Discord (`{ content }`) or generic JSON. */
export const WebhookKindSchema = z.enum(['slack', 'discord', 'generic'], {
  error: 'must be one of slack, discord, generic',
});
export type WebhookKind = z.infer<typeof WebhookKindSchema>;

/** The notification for a dialog that waits for a human: the whole command, escaped, the policy's reason, and how to answer. */
export function dialogNeedsHumanMessage(taskId: string, ask: DialogAsk): string {
  return `dialog needs a human: ${describeDialog(ask)}. Run: drover approve ${taskId}  |  drover deny ${taskId}`;
}
