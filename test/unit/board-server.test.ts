import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { boardApp, isLoopback } from '../../src/cli/board/board-server.js';
import { FleetSource } from '../../src/cli/board/fleet-source.js';

/**
 * The board's request guards, in process (hono's `app.request`): every request checked here is
 * refused before it reaches Temporal, so the client is a stand-in that fails if it is ever used.
 */
const unusedClient = new Proxy({} as Client, {
  get: () => {
    throw new Error('the guard let a refused request through to Temporal');
  },
});

function app(opts: { token?: string; loopback: boolean }) {
  const fleet = new FleetSource(unusedClient);
  return boardApp({
    client: unusedClient,
    host: opts.loopback ? '127.0.0.1' : '0.0.0.0',
    port: 8234,
    fleet,
    ...(opts.token ? { token: opts.token } : {}),
    allowedHosts: () => (opts.loopback ? ['127.0.0.1:8234', 'localhost:8234'] : undefined),
  });
}

const post = (headers: Record<string, string>) => ({
  method: 'POST',
  headers,
  body: JSON.stringify({ id: 'task/adhoc/x', action: 'approve' }),
});

describe('board request guards', () => {
  it('loopback: another Host (DNS rebinding) is refused', async () => {
    const res = await app({ loopback: true }).request('/api/fleet', { headers: { host: 'evil.example:8234' } });
    expect(res.status).toBe(421);
  });

  it('loopback: a write from another origin, or not JSON, is refused', async () => {
    const a = app({ loopback: true });
    const crossSite = await a.request(
      '/api/action',
      post({ host: '127.0.0.1:8234', origin: 'http://evil.example', 'content-type': 'application/json' }),
    );
    expect(crossSite.status).toBe(403);
    const form = await a.request('/api/action', post({ host: '127.0.0.1:8234', 'content-type': 'text/plain' }));
    expect(form.status).toBe(415);
  });

  it('a bad action is refused with the rule it broke', async () => {
    const res = await app({ loopback: true }).request('/api/action', {
      method: 'POST',
      headers: { host: '127.0.0.1:8234', 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'task/adhoc/x', action: 'rm-rf' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/nudge|approve/);
  });

  it('off loopback every request but the page needs the token', async () => {
    const a = app({ loopback: false, token: 's3cret-token' });
    expect((await a.request('/', { headers: { host: '10.0.0.5:8234' } })).status).toBe(200);
    expect((await a.request('/api/fleet', { headers: { host: '10.0.0.5:8234' } })).status).toBe(401);
    expect((await a.request('/events?token=wrong', { headers: { host: '10.0.0.5:8234' } })).status).toBe(401);
    const write = await a.request(
      '/api/action',
      post({ host: '10.0.0.5:8234', 'content-type': 'application/json', authorization: 'Bearer nope' }),
    );
    expect(write.status).toBe(401);
    // the right token passes the guard (and reaches the stand-in, which refuses: 500)
    const passed = await a.request('/api/fleet', {
      headers: { host: '10.0.0.5:8234', authorization: 'Bearer s3cret-token' },
    });
    expect(passed.status).toBe(500);
  });

  it('what counts as loopback', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.5', '::', 'example.com'].some(isLoopback)).toBe(false);
  });
});
