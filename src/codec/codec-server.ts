import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PayloadCodec } from '@temporalio/common';
import { JsonPayloadsSchema, payloadFromJson, payloadToJson } from './codec-json.js';

/**
 * Temporal's codec-server protocol over plain node:http: `POST …/encode` and `POST …/decode`
 * (any path prefix, e.g. `/{namespace}/decode`) take and return `{ payloads: [...] }`. CORS
 * answers only the listed origins (the Web UI's); with an auth token every POST must carry
 * `Authorization: Bearer <token>`. `GET /healthz` answers `ok` (for container health checks).
 */
export interface CodecServerOptions {
  codec: PayloadCodec;
  port: number;
  host: string;
  /** Origins allowed to call from a browser, e.g. `http://localhost:8233`. */
  corsOrigins: string[];
  authToken?: string;
  /** Largest request body accepted, in bytes (default 8 MiB). */
  maxBodyBytes?: number;
  log?: (line: string) => void;
}

export interface CodecServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';
const digest = (value: string) => createHash('sha256').update(value).digest();

function authorized(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!.trim()), digest(token));
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
  });
  res.end(text);
}

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const origins = new Set(options.corsOrigins.map((origin) => new URL(origin).origin));
  const limit = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const log = options.log ?? (() => undefined);

  const corsHeaders = (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('Vary', 'Origin');
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    corsHeaders(req, res);
    const path = new URL(req.url ?? '/', 'http://codec.invalid').pathname;
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, 'ok');
    const operation = /(?:^|\/)(encode|decode)\/?$/.exec(path)?.[1] as 'encode' | 'decode' | undefined;
    if (!operation) throw new HttpError(404, 'not found: POST /encode or /decode');
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST, OPTIONS');
      throw new HttpError(405, `use POST for /${operation}`);
    }
    if (!authorized(req.headers.authorization, options.authToken)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'missing or wrong Authorization: Bearer token (DROVER_CODEC_AUTH_TOKEN)');
    }
    let raw: unknown;
    try {
      raw = JSON.parse(await readBody(req, limit));
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, 'the body is not JSON');
    }
    const parsed = JsonPayloadsSchema.safeParse(raw);
    if (!parsed.success) {
      throw new HttpError(
        400,
        `expected {"payloads": [{"metadata": {…base64}, "data": base64}]}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const payloads = parsed.data.payloads.map(payloadFromJson);
    let out;
    try {
      out = operation === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
    } catch (error) {
      throw new HttpError(422, `cannot ${operation}: ${(error as Error).message}`);
    }
    send(res, 200, { payloads: out.map(payloadToJson) });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof HttpError ? error.message : 'internal error';
      if (status >= 500) log(`codec server: ${req.method} ${req.url}: ${(error as Error).message}`);
      if (!res.headersSent) send(res, status, { error: message });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
