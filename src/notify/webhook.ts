import type { Notification, WebhookKind } from '../domain/notification.js';

export type { WebhookKind } from '../domain/notification.js';

/** Discord refuses `content` longer than this. */
export const DISCORD_CONTENT_LIMIT = 2000;

export type WebhookPayload =
  | { text: string }
  | { content: string; allowed_mentions: { parse: never[] } }
  | { taskId: string; level: Notification['level']; message: string; at: string };

/** Slack for `hooks.slack.com`, Discord for `discord.com/api/webhooks` and `discordapp.com`, generic JSON otherwise. */
export function detectWebhookKind(url: string): WebhookKind {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'generic';
  }
  const host = parsed.hostname.toLowerCase();
  if (host === 'hooks.slack.com') return 'slack';
  if (host === 'discordapp.com' || host.endsWith('.discordapp.com')) return 'discord';
  if ((host === 'discord.com' || host.endsWith('.discord.com')) && parsed.pathname.startsWith('/api/webhooks'))
    return 'discord';
  return 'generic';
}

/** The worker's webhook from its config (`notify.*`): the explicit kind wins over the one detected from the URL. */
export function webhookFromConfig(notify: {
  webhookUrl?: string;
  webhookKind?: WebhookKind;
  timeoutMs: number;
}): { url: string; kind: WebhookKind; timeoutMs: number } | undefined {
  if (!notify.webhookUrl) return undefined;
  return {
    url: notify.webhookUrl,
    kind: notify.webhookKind ?? detectWebhookKind(notify.webhookUrl),
    timeoutMs: notify.timeoutMs,
  };
}

function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** The JSON body for one notification in the receiver's dialect. */
export function formatWebhookPayload(
  kind: WebhookKind,
  note: Notification,
  at: string = new Date().toISOString(),
): WebhookPayload {
  const label = note.level.toUpperCase();
  switch (kind) {
    case 'slack':
      return { text: `*[drover] ${label}* ${slackEscape(note.taskId)}: ${slackEscape(note.message)}` };
    case 'discord':
      // Task text may contain @everyone or role mentions; a notification must never ping anyone.
      return {
        content: truncate(`**[drover] ${label}** ${note.taskId}: ${note.message}`, DISCORD_CONTENT_LIMIT),
        allowed_mentions: { parse: [] },
      };
    case 'generic':
      return { taskId: note.taskId, level: note.level, message: note.message, at };
  }
}

/** Why a post failed; its message never contains the URL (webhook URLs carry their token). */
export class WebhookError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return `request failed (${cause.code})`;
  return `request failed (${error instanceof Error ? error.name : 'unknown error'})`;
}

/** POSTs the payload as JSON; rejects with a WebhookError on a non-2xx answer, a network error or the timeout. */
export async function postWebhook(url: string, payload: WebhookPayload, options: { timeoutMs: number }): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new WebhookError(describeFailure(error, options.timeoutMs));
  }
  const body = await response.text().catch(() => '');
  if (!response.ok) {
    const detail = body.trim().replace(/\s+/g, ' ').slice(0, 200);
    throw new WebhookError(`HTTP ${response.status}${detail ? `: ${detail}` : ''}`, response.status);
  }
}
