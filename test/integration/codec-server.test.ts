import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadFromJson, payloadToJson, type JsonPayload } from '../../src/codec/codec-json.js';
import { startCodecServer, type CodecServer } from '../../src/codec/codec-server.js';
import { encryptionCodecFromEnv } from '../../src/codec/data-converter.js';
import { projectRoot } from '../../src/config/config.js';
import { freePort } from '../support/harness.js';

const KEY = randomBytes(32).toString('base64');
const TOKEN = 'codec-test-token-' + randomBytes(8).toString('hex');
const UI = 'http://localhost:8233';
const SECRET = 'plaintext marker 4c1d for the codec server';

let server: CodecServer;
const codec = encryptionCodecFromEnv({ DROVER_CODEC_KEY: KEY, DROVER_CODEC_KEY_ID: 'srv' })!;

beforeAll(async () => {
  server = await startCodecServer({ codec, port: 0, host: '127.0.0.1', corsOrigins: [UI], authToken: TOKEN });
});
afterAll(async () => {
  await server?.close();
});

const post = (route: string, body: unknown, headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }) =>
  fetch(`${server.url}${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const jsonPayload = (value: unknown): JsonPayload => payloadToJson(defaultPayloadConverter.toPayload(value));

describe('codec server over HTTP', () => {
  it('encode then decode round-trips; the encoded form is encrypted and names its key', async () => {
    const encodedRes = await post('/encode', { payloads: [jsonPayload({ objective: SECRET }), jsonPayload(42)] });
    expect(encodedRes.status).toBe(200);
    expect(encodedRes.headers.get('content-type')).toBe('application/json');
    const encoded = (await encodedRes.json()) as { payloads: JsonPayload[] };
    expect(encoded.payloads).toHaveLength(2);
    expect(Buffer.from(encoded.payloads[0]!.metadata!.encoding!, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded.payloads[0]!.metadata!['encryption-key-id']!, 'base64').toString()).toBe('srv');
    expect(JSON.stringify(encoded)).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 12));
    // what the server encoded, the in-process codec decodes (same format as the workers)
    const local = await codec.decode(encoded.payloads.map(payloadFromJson));
    expect(defaultPayloadConverter.fromPayload(local[0]!)).toEqual({ objective: SECRET });

    const decodedRes = await post('/decode', encoded);
    expect(decodedRes.status).toBe(200);
    const decoded = (await decodedRes.json()) as { payloads: JsonPayload[] };
    expect(decoded.payloads.map((p) => defaultPayloadConverter.fromPayload(payloadFromJson(p)))).toEqual([
      { objective: SECRET },
      42,
    ]);
  });

  it('accepts a namespace prefix (/{namespace}/decode) as the Web UI and CLI may send', async () => {
    const [payload] = await codec.encode([defaultPayloadConverter.toPayload('ns')]);
    const res = await post('/default/decode', { payloads: [payloadToJson(payload!)] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { payloads: JsonPayload[] };
    expect(defaultPayloadConverter.fromPayload(payloadFromJson(body.payloads[0]!))).toBe('ns');
  });

  it('answers the CORS preflight for the Web UI origin only, without asking for auth', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/decode`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,x-namespace,authorization',
        },
      });
    const ok = await preflight(UI);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/).sort()).toEqual([
      'authorization',
      'content-type',
      'x-namespace',
    ]);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // the real request from the UI origin also carries the header
    const res = await post(
      '/decode',
      { payloads: [] },
      { Authorization: `Bearer ${TOKEN}`, Origin: UI, 'X-Namespace': 'default' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    expect(await res.json()).toEqual({ payloads: [] });
  });

  it('refuses requests without the bearer token, or with a wrong one', async () => {
    const body = { payloads: [jsonPayload('x')] };
    const missing = await post('/encode', body, {});
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await missing.json()) as { error: string }).error).toMatch(/DROVER_CODEC_AUTH_TOKEN/);
    expect((await post('/decode', body, { Authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await post('/decode', body, { Authorization: TOKEN })).status).toBe(401);
  });

  it('bad bodies, wrong keys and unknown routes get 4xx with a reason', async () => {
    expect((await post('/decode', 'not json')).status).toBe(400);
    const badShape = await post('/decode', { payloads: [{ data: '***' }] });
    expect(badShape.status).toBe(400);
    expect(((await badShape.json()) as { error: string }).error).toMatch(/payloads\.0\.data: data must be base64/);
    const foreign = encryptionCodecFromEnv({
      DROVER_CODEC_KEY: randomBytes(32).toString('base64'),
      DROVER_CODEC_KEY_ID: 'srv',
    })!;
    const [sealed] = await foreign.encode([defaultPayloadConverter.toPayload('x')]);
    const wrongKey = await post('/decode', { payloads: [payloadToJson(sealed!)] });
    expect(wrongKey.status).toBe(422);
    expect(((await wrongKey.json()) as { error: string }).error).toMatch(
      /cannot decode: encrypted payload 0 does not decrypt with key id "srv"/,
    );
    expect((await fetch(`${server.url}/decode`)).status).toBe(405);
    expect((await post('/other', {})).status).toBe(404);
    expect(await (await fetch(`${server.url}/healthz`)).text()).toBe('ok');
  });
});

describe('drover codec-server', () => {
  const bin = path.join(projectRoot(), 'bin', 'drover.mjs');

  it('serves /decode with the keys from the environment, and stops on SIGTERM', async () => {
    const port = await freePort();
    const child = execa(
      'node',
      [bin, 'codec-server', '--port', String(port), '--cors-origin', 'http://localhost:8080'],
      {
        env: {
          DROVER_CODEC_KEYS: `new:${randomBytes(32).toString('base64')},srv:${KEY}`,
          DROVER_CODEC_AUTH_TOKEN: TOKEN,
        },
        reject: false,
      },
    );
    try {
      let banner = '';
      child.stdout!.on('data', (chunk: Buffer) => (banner += chunk.toString()));
      const deadline = Date.now() + 30_000;
      while (!banner.includes('CORS origins') && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 100));
      expect(banner).toContain(`codec server on http://127.0.0.1:${port}`);
      expect(banner).toContain('encrypts with key id new, decrypts new, srv');
      expect(banner).toContain('CORS origins: http://localhost:8080; requests need Authorization');
      expect(banner).not.toContain(KEY);
      const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(SECRET)]);
      const res = await fetch(`http://127.0.0.1:${port}/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ payloads: [payloadToJson(sealed!)] }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { payloads: JsonPayload[] };
      expect(defaultPayloadConverter.fromPayload(payloadFromJson(body.payloads[0]!))).toBe(SECRET);
    } finally {
      child.kill('SIGTERM');
    }
    const result = await child;
    expect(result.exitCode).toBe(0);
  });

  it('without a key it refuses to start, naming the variables; a bad key is named, not shown', async () => {
    const badPort = await execa('node', [bin, 'codec-server', '--port', '0'], {
      env: { DROVER_CODEC_KEY: KEY },
      reject: false,
    });
    expect(badPort.stderr).toMatch(/--port must be a TCP port number between 1 and 65535/);
    const none = await execa('node', [bin, 'codec-server', '--port', '18888'], {
      env: { DROVER_CODEC_KEY: '', DROVER_CODEC_KEYS: '' },
      reject: false,
    });
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(/set DROVER_CODEC_KEY \(or DROVER_CODEC_KEYS\)/);
    const badKey = 'c2hvcnQta2V5';
    const bad = await execa('node', [bin, 'codec-server', '--port', '18888'], {
      env: { DROVER_CODEC_KEY: badKey },
      reject: false,
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/DROVER_CODEC_KEY must be 32 bytes/);
    expect(bad.stderr).not.toContain(badKey);
  });

  it('any CLI command that connects refuses a bad key with the variable named (not as an unreachable server)', async () => {
    const badKey = randomBytes(31).toString('base64');
    const status = await execa('node', [bin, 'status'], {
      env: { DROVER_CODEC_KEYS: `k:${badKey}`, TEMPORAL_ADDRESS: '127.0.0.1:9' },
      reject: false,
    });
    expect(status.exitCode).toBe(1);
    expect(status.stderr).toMatch(
      /DROVER_CODEC_KEYS entry 1 \(k\) must be 32 bytes in standard base64 .* decodes to 31 bytes/,
    );
    expect(status.stderr).not.toMatch(/Cannot reach Temporal/);
    expect(status.stderr).not.toContain(badKey);
  });
});
