import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { Hono, type Context, type Next } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import {
  abortSignal,
  approveUpdate,
  denyUpdate,
  nudgeSignal,
  pauseSignal,
  resumeSignal,
  steerSignal,
} from '../../workflows/task-messages.js';
import { branchDiff } from './branch-diff.js';
import { FleetSource, type FleetSourceOptions } from './fleet-source.js';
import { BOARD_PAGE } from './board-page.js';
import { WAITING_FOR_A_HUMAN, webUiQueryLink } from '../../domain/saved-queries.js';

/**
 * `drover board`: the fleet as a live grid in the browser. Reads what `drover status` reads
 * (FleetSource), acts through the same signals and updates as the CLI (approve/deny say
 * `source: 'board'`, so the decision reads "approved by a human (board)"). Loopback by default;
 * on any other address every request needs the token.
 */
export interface BoardServerOptions {
  client: Client;
  host: string;
  port: number;
  /** Required when `host` is not loopback; when set, required on loopback too. */
  token?: string;
  /** The Web UI's workflow page base (`…/namespaces/default/workflows`), for links. */
  webUiBase?: string;
  fleet?: FleetSourceOptions;
}

export interface BoardServer {
  url: string;
  port: number;
  fleet: FleetSource;
  close(): Promise<void>;
}

export const BOARD_ACTIONS = ['nudge', 'steer', 'approve', 'deny', 'pause', 'resume', 'abort'] as const;
const ActionSchema = z.strictObject({
  id: z.string().min(1).max(300),
  action: z.enum(BOARD_ACTIONS),
  text: z.string().max(10_000).optional(),
});

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function act(client: Client, body: z.infer<typeof ActionSchema>): Promise<string> {
  const h = client.workflow.getHandle(body.id);
  const text = body.text?.trim() ? body.text : undefined;
  switch (body.action) {
    case 'approve':
      return h.executeUpdate(approveUpdate, { args: [{ source: 'board' }] });
    case 'deny':
      return h.executeUpdate(denyUpdate, { args: [{ source: 'board' }] });
    case 'nudge':
      await h.signal(nudgeSignal, text);
      return `nudge sent to ${body.id}`;
    case 'steer':
      if (!text) throw new RangeError('steer needs the instructions text');
      await h.signal(steerSignal, text);
      return `instructions sent to ${body.id}`;
    case 'pause':
      await h.signal(pauseSignal);
      return `paused ${body.id}`;
    case 'resume':
      await h.signal(resumeSignal);
      return `resumed ${body.id}`;
    case 'abort':
      await h.signal(abortSignal, text ?? 'aborted from the board');
      return `abort sent to ${body.id}`;
  }
}

/** `allowedHosts`: the Host headers accepted (loopback: DNS rebinding), undefined: any (the token guards). */
export function boardApp(
  opts: BoardServerOptions & { fleet: FleetSource; allowedHosts: () => string[] | undefined },
): Hono {
  const { client, fleet, token } = opts;
  const app = new Hono();
  const links = {
    webUiBase: opts.webUiBase ?? null,
    webUiWaiting: opts.webUiBase ? webUiQueryLink(opts.webUiBase, WAITING_FOR_A_HUMAN) : null,
  };

  // DNS rebinding and cross-site requests: only our own Host, and for writes our own Origin and JSON
  app.use('*', async (c: Context, next: Next) => {
    const host = c.req.header('host') ?? '';
    const allowed = opts.allowedHosts();
    if (allowed && !allowed.includes(host)) return c.text('unknown Host', 421);
    if (c.req.method !== 'GET') {
      const origin = c.req.header('origin');
      if (origin !== undefined && origin !== `http://${host}`) return c.text('cross-origin request refused', 403);
      if (!(c.req.header('content-type') ?? '').startsWith('application/json'))
        return c.text('send application/json', 415);
    }
    if (token && c.req.path !== '/') {
      const bearer = c.req.header('authorization')?.replace(/^Bearer /, '');
      if (!sameToken(bearer ?? c.req.query('token'), token)) return c.text('token required', 401);
    }
    await next();
  });

  app.get('/', (c) => c.html(BOARD_PAGE));
  app.get('/api/fleet', async (c) => {
    await fleet.refresh();
    return c.json({ rows: fleet.snapshot(), ...links });
  });
  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      let queue = Promise.resolve();
      const send = (event: string, data: unknown) => {
        queue = queue.then(() => stream.writeSSE({ event, data: JSON.stringify(data) })).catch(() => undefined);
      };
      const unsubscribe = fleet.subscribe((delta) => send('delta', delta));
      send('snapshot', { rows: fleet.snapshot(), ...links });
      await fleet.refresh().catch(() => undefined);
      await new Promise<void>((resolve) => {
        const keepAlive = setInterval(() => send('ping', {}), 15_000);
        stream.onAbort(() => {
          clearInterval(keepAlive);
          unsubscribe();
          resolve();
        });
      });
    }),
  );
  /** A read of one workflow named by `?id=`: its answer as JSON, or 404 with the reason. */
  const byId = (path: string, read: (id: string) => Promise<unknown>) =>
    app.get(path, async (c) => {
      const id = c.req.query('id');
      if (!id) return c.json({ error: 'id is required' }, 400);
      try {
        return c.json(await read(id));
      } catch (error) {
        return c.json({ error: (error as Error).message }, 404);
      }
    });
  byId('/api/task', (id) => fleet.task(id));
  byId('/api/diff', async (id) => {
    const { state } = await fleet.task(id);
    if (!state?.worktree) throw new Error('the task has no worktree yet');
    return branchDiff(state.worktree);
  });
  byId('/api/run', (id) => fleet.run(id));
  app.get('/api/runs', async (c) => c.json({ runs: await fleet.runs() }));
  app.post('/api/action', async (c) => {
    const parsed = ActionSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: parsed.error.issues.map((i) => i.message).join('; ') }, 400);
    try {
      const message = await act(client, parsed.data);
      fleet.touch(parsed.data.id);
      void fleet.refresh().catch(() => undefined);
      return c.json({ message });
    } catch (error) {
      const e = error instanceof WorkflowUpdateFailedError ? (error.cause ?? error) : (error as Error);
      return c.json({ error: e.message }, error instanceof RangeError ? 400 : 409);
    }
  });
  return app;
}

export async function startBoardServer(opts: BoardServerOptions): Promise<BoardServer> {
  if (!isLoopback(opts.host) && !opts.token)
    throw new Error(`the board on ${opts.host} (not loopback) needs a token: --token or DROVER_BOARD_TOKEN`);
  const fleet = new FleetSource(opts.client, opts.fleet);
  let port = opts.port;
  const allowedHosts = () =>
    isLoopback(opts.host)
      ? [...new Set(['127.0.0.1', 'localhost', '[::1]', opts.host])].map((n) => `${n}:${port}`)
      : undefined;
  const app = boardApp({ ...opts, fleet, allowedHosts });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, () => resolve(s));
    s.once('error', reject);
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shownHost}:${port}/${opts.token ? `?token=${encodeURIComponent(opts.token)}` : ''}`,
    port,
    fleet,
    close: async () => {
      fleet.close();
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
