import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Notification } from '../domain/notification.js';
import type { ActivityDeps } from './deps.js';
import { formatWebhookPayload, postWebhook } from '../notify/webhook.js';

export type { Notification } from '../domain/notification.js';

/**
 * A line on the worker's stdout and in `.drover/notifications.log`, and a webhook post when the
 * worker's config has one. Never throws into the workflow: a full disk or a failing webhook only
 * costs a line, so Temporal never retries it.
 */
export async function notify(deps: ActivityDeps, note: Notification): Promise<void> {
  const at = new Date().toISOString();
  const line = `[drover] ${at} ${note.level.toUpperCase()} ${note.taskId}: ${note.message}`;
  deps.notifyLine(line);
  try {
    await mkdir(deps.droverHome, { recursive: true });
    await appendFile(path.join(deps.droverHome, 'notifications.log'), line + '\n');
  } catch {
    // the stdout line was printed; a full disk must not fail the task
  }
  const webhook = deps.webhook;
  if (!webhook) return;
  try {
    await postWebhook(webhook.url, formatWebhookPayload(webhook.kind, note, at), { timeoutMs: webhook.timeoutMs });
  } catch (error) {
    // The URL carries the webhook's token: the line names the kind and the failure, never the URL.
    const reason = (error instanceof Error ? error.message : String(error)).split(webhook.url).join('<webhook url>');
    deps.notifyLine(`[drover] webhook failed: ${webhook.kind} webhook for ${note.level} ${note.taskId}: ${reason}`);
  }
}
