import { z } from 'zod';

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
