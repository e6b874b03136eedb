import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../src/activities/deps.js';
import { notify } from '../../src/activities/notify.js';
import {
  DISCORD_CONTENT_LIMIT,
  detectWebhookKind,
  formatWebhookPayload,
  postWebhook,
  webhookFromConfig,
} from '../../src/notify/webhook.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import type { Notification } from '../../src/domain/notification.js';
import { runSummaryMessage } from '../../src/domain/run-summary.js';

interface Received {
  path: string;
  contentType: string | undefined;
  body: unknown;
}

/** A webhook receiver on 127.0.0.1: `/ok/…` answers 204, `/fail/…` 500, `/hang/…` never answers. */
async function startReceiver(): Promise<{ server: Server; base: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      received.push({
        path: url,
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
      });
      if (url.startsWith('/hang/')) return;
      if (url.startsWith('/fail/')) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('receiver exploded');
        return;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}`, received };
}

const note: Notification = {
  taskId: 'fix-calc',
  level: 'done',
  message: 'verified: drover/fix-calc at 1234567890 pushed <ok> & @everyone',
};
const SECRET = 'T000/B000/XXXXSECRETTOKENXXXX';

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let tmp: string;

beforeAll(async () => {
  receiver = await startReceiver();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'drover-webhook-'));
});
afterAll(async () => {
  receiver.server.closeAllConnections();
  await new Promise((resolve) => receiver.server.close(resolve));
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  receiver.received.length = 0;
});

describe('webhook payloads', () => {
  it('detects the kind from the URL', () => {
    expect(detectWebhookKind('https://hooks.slack.com/services/T0/B0/x')).toBe('slack');
    expect(detectWebhookKind('https://discord.com/api/webhooks/1/abc')).toBe('discord');
    expect(detectWebhookKind('https://discordapp.com/api/webhooks/1/abc')).toBe('discord');
    expect(detectWebhookKind('https://discord.com/channels/1')).toBe('generic');
    expect(detectWebhookKind('https://hooks.slack.com.evil.example/x')).toBe('generic');
    expect(detectWebhookKind('http://127.0.0.1:9/hook')).toBe('generic');
    expect(webhookFromConfig({ timeoutMs: 5000 })).toBeUndefined();
    expect(webhookFromConfig({ webhookUrl: 'https://hooks.slack.com/services/x', timeoutMs: 700 })).toEqual({
      url: 'https://hooks.slack.com/services/x',
      kind: 'slack',
      timeoutMs: 700,
    });
    expect(
      webhookFromConfig({ webhookUrl: 'https://hooks.slack.com/services/x', webhookKind: 'generic', timeoutMs: 700 })
        ?.kind,
    ).toBe('generic');
  });

  it('Slack gets { text }, Discord { content } of at most 2000 characters, generic { taskId, level, message, at }', () => {
    expect(formatWebhookPayload('slack', note)).toEqual({
      text: '*[drover] DONE* fix-calc: verified: drover/fix-calc at 1234567890 pushed &lt;ok&gt; &amp; @everyone',
    });
    const discord = formatWebhookPayload('discord', { ...note, message: 'x'.repeat(5000) });
    expect(Object.keys(discord).sort()).toEqual(['allowed_mentions', 'content']);
    expect('content' in discord && discord.content.length).toBe(DISCORD_CONTENT_LIMIT);
    expect(formatWebhookPayload('generic', note, '2026-01-01T00:00:00.000Z')).toEqual({
      ...note,
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(
      runSummaryMessage(
        { tasks: [{ status: 'complete' }, { status: 'escalated' }, { status: 'complete' }] as never },
        true,
      ),
    ).toBe('all done: 3 tasks — 2 complete, 1 escalated');
  });

  it('postWebhook delivers each kind as JSON to a local receiver', async () => {
    for (const kind of ['slack', 'discord', 'generic'] as const)
      await postWebhook(`${receiver.base}/ok/${kind}`, formatWebhookPayload(kind, note), { timeoutMs: 2000 });
    expect(receiver.received.map((r) => r.path)).toEqual(['/ok/slack', '/ok/discord', '/ok/generic']);
    expect(receiver.received.every((r) => r.contentType === 'application/json')).toBe(true);
    const [slack, discord, generic] = receiver.received.map((r) => r.body as Record<string, unknown>);
    expect(Object.keys(slack!)).toEqual(['text']);
    expect(discord).toMatchObject({ content: expect.stringContaining('fix-calc'), allowed_mentions: { parse: [] } });
    expect(generic).toMatchObject({ taskId: 'fix-calc', level: 'done', message: note.message });
    expect(new Date(String(generic!.at)).toISOString()).toBe(generic!.at);
  });

  it('a non-2xx answer rejects with the status; a receiver that never answers rejects after the timeout', async () => {
    await expect(
      postWebhook(`${receiver.base}/fail/${SECRET}`, formatWebhookPayload('generic', note), { timeoutMs: 2000 }),
    ).rejects.toThrow(/^HTTP 500: receiver exploded$/);
    const started = performance.now();
    const hung = postWebhook(`${receiver.base}/hang/${SECRET}`, formatWebhookPayload('generic', note), {
      timeoutMs: 300,
    });
    await expect(hung).rejects.toThrow(/^no answer within 300 ms$/);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2000);
  });
});

describe('notify activity with a webhook', () => {
  const depsFor = (lines: string[], webhook?: ActivityDeps['webhook']) =>
    ({ droverHome: tmp, notifyLine: (line: string) => lines.push(line), webhook }) as unknown as ActivityDeps;

  it('posts the notification in the configured dialect', async () => {
    const lines: string[] = [];
    await notify(depsFor(lines, { url: `${receiver.base}/ok/${SECRET}`, kind: 'discord', timeoutMs: 2000 }), note);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.body).toMatchObject({ content: expect.stringContaining('DONE') });
    expect(lines).toHaveLength(1);
  });

  it('a failing webhook (500) still resolves, logs one line without the URL, and keeps the log line', async () => {
    const lines: string[] = [];
    const url = `${receiver.base}/fail/${SECRET}`;
    await expect(
      notify(depsFor(lines, { url, kind: 'generic', timeoutMs: 2000 }), { ...note, taskId: 'failing-hook' }),
    ).resolves.toBeUndefined();
    expect(receiver.received).toHaveLength(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[drover] \S+ DONE failing-hook: verified/);
    expect(lines[1]).toMatch(/^\[drover] webhook failed: .*HTTP 500/);
    for (const line of lines) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain(receiver.base);
    }
    const log = await readFile(path.join(tmp, 'notifications.log'), 'utf8');
    expect(log).toContain(lines[0]);
    expect(log).not.toContain(SECRET);
  });

  it('a webhook that never answers or refuses connections costs at most its timeout, never a rejection', async () => {
    const lines: string[] = [];
    const started = performance.now();
    await expect(
      notify(depsFor(lines, { url: `${receiver.base}/hang/${SECRET}`, kind: 'slack', timeoutMs: 300 }), note),
    ).resolves.toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(lines[1]).toBe('[drover] webhook failed: slack webhook for done fix-calc: no answer within 300 ms');

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      notify(depsFor(lines, { url: `http://127.0.0.1:${port}/${SECRET}`, kind: 'generic', timeoutMs: 2000 }), note),
    ).resolves.toBeUndefined();
    expect(lines[3]).toMatch(/^\[drover] webhook failed: .*request failed \(ECONNREFUSED\)$/);
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});

describe('notify configuration', () => {
  const base = { PATH: process.env.PATH ?? '' };
  const load = (env: Record<string, string> = {}) =>
    loadConfig({ projectRoot: tmp, env: { ...base, ...env }, hostname: 'box' });
  const configFile = () => path.join(tmp, 'drover.config.json');

  it('defaults to no webhook and a 5000 ms timeout; the environment sets all three', async () => {
    await rm(configFile(), { force: true });
    expect(load().notify).toEqual({ timeoutMs: 5000 });
    const url = 'https://hooks.slack.com/services/T0/B0/secret';
    expect(
      load({ DROVER_WEBHOOK_URL: url, DROVER_WEBHOOK_KIND: 'Discord', DROVER_WEBHOOK_TIMEOUT_MS: '1500' }).notify,
    ).toEqual({ webhookUrl: url, webhookKind: 'discord', timeoutMs: 1500 });
  });

  it('reads notify.* from the config file, and the environment wins', async () => {
    await writeFile(
      configFile(),
      JSON.stringify({ notify: { webhookUrl: 'https://example.test/hook', webhookKind: 'generic', timeoutMs: 800 } }),
    );
    try {
      expect(load().notify).toEqual({
        webhookUrl: 'https://example.test/hook',
        webhookKind: 'generic',
        timeoutMs: 800,
      });
      expect(load({ DROVER_WEBHOOK_KIND: 'slack', DROVER_WEBHOOK_TIMEOUT_MS: '900' }).notify).toEqual({
        webhookUrl: 'https://example.test/hook',
        webhookKind: 'slack',
        timeoutMs: 900,
      });
    } finally {
      await rm(configFile(), { force: true });
    }
  });

  it('bad values name the variable or key, and never echo a webhook URL', async () => {
    expect(() => load({ DROVER_WEBHOOK_KIND: 'teams' })).toThrow(ConfigError);
    expect(() => load({ DROVER_WEBHOOK_KIND: 'teams' })).toThrow(
      /DROVER_WEBHOOK_KIND must be one of slack, discord, generic \(got "teams"\)/,
    );
    expect(() => load({ DROVER_WEBHOOK_TIMEOUT_MS: 'soon' })).toThrow(
      /DROVER_WEBHOOK_TIMEOUT_MS must be a whole number of milliseconds/,
    );
    expect(() => load({ DROVER_WEBHOOK_TIMEOUT_MS: '60000' })).toThrow(
      /DROVER_WEBHOOK_TIMEOUT_MS must be a whole number of milliseconds between 1 and 15000/,
    );
    const badUrl = () => load({ DROVER_WEBHOOK_URL: `ftp://hooks.example/${SECRET}` });
    expect(badUrl).toThrow(/DROVER_WEBHOOK_URL must be an http\(s\) URL \(got a value not shown here/);
    expect(badUrl).not.toThrow(new RegExp(SECRET.split('/').pop()!));

    await writeFile(
      configFile(),
      JSON.stringify({ notify: { webhookUrl: `hooks/${SECRET}`, webhookKind: 'teams', timeoutMs: 0, extra: 1 } }),
    );
    try {
      let message = '';
      try {
        load();
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/drover\.config\.json: notify\.extra is not a known key/);
      expect(message).toMatch(
        /drover\.config\.json: notify\.webhookUrl must be an http\(s\) URL \(got a value not shown here/,
      );
      expect(message).toMatch(
        /drover\.config\.json: notify\.webhookKind must be one of slack, discord, generic \(got "teams"\)/,
      );
      expect(message).toMatch(/drover\.config\.json: notify\.timeoutMs must be a whole number of milliseconds/);
      expect(message).not.toContain(SECRET);
    } finally {
      await rm(configFile(), { force: true });
    }
  });
});
