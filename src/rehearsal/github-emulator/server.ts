/**
 * The GitHub emulator's HTTP server (DESIGN §5): loopback only, GitHub's REST shapes for the
 * routes in the table, with ETag / If-None-Match → 304 (not counted against the limit, as on
 * GitHub), `x-ratelimit-*` headers, a 403 once the limit is spent, optional token checking and
 * one-shot fault injection.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { issueRoutes } from './issues.js';
import { dispatch, githubError, type EmulatorResponse, type Route } from './router.js';
import { GithubStore, type NewIssue } from './store.js';

export type { NewIssue } from './store.js';

export interface GithubEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Requests per hour before 403 "API rate limit exceeded" (default 5000). */
  rateLimit?: number;
  /** When set, requests must send `Authorization: Bearer <token>` (or `token <token>`); others get 401. */
  token?: string;
}

export interface RecordedGithubRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  status: number;
}

export interface GithubEmulator {
  /** `http://127.0.0.1:<port>`: the REST base URL (`GITHUB_API_URL`). */
  url: string;
  addIssue(owner: string, repo: string, issue: NewIssue): number;
  /** The next `times` requests fail with this status (e.g. 502, or 429 with retry-after). */
  failNext(status: number, opts?: { message?: string; headers?: Record<string, string>; times?: number }): void;
  requests(): RecordedGithubRequest[];
  close(): Promise<void>;
}

const ROUTES: readonly Route[] = [...issueRoutes];

const etagOf = (text: string): string => `W/"${createHash('sha256').update(text).digest('hex').slice(0, 40)}"`;

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const strip = (t: string): string => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || strip(t) === strip(etag));
}

export async function startGithubEmulator(options: GithubEmulatorOptions = {}): Promise<GithubEmulator> {
  const store = new GithubStore();
  const limit = options.rateLimit ?? 5000;
  let used = 0;
  const reset = Math.floor(Date.now() / 1000) + 3600;
  const faults: Array<{ status: number; message: string; headers: Record<string, string> }> = [];
  const log: RecordedGithubRequest[] = [];
  let baseUrl = '';

  const respond = (req: IncomingMessage): EmulatorResponse & { counted: boolean } => {
    const auth = req.headers.authorization;
    if (options.token !== undefined && auth !== `Bearer ${options.token}` && auth !== `token ${options.token}`) {
      return { ...githubError(401, auth === undefined ? 'Requires authentication' : 'Bad credentials'), counted: false };
    }
    const fault = faults.shift();
    if (fault) return { ...githubError(fault.status, fault.message), headers: fault.headers, counted: true };
    if (used >= limit) {
      return { ...githubError(403, 'API rate limit exceeded for 127.0.0.1. (But here\'s the good news: Authenticated requests get a higher rate limit.)'), counted: false };
    }
    const res = dispatch(ROUTES, { method: req.method ?? 'GET', url: new URL(req.url ?? '/', baseUrl) }, { store, baseUrl });
    return { ...res, counted: true };
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    const out = respond(req);
    const text = JSON.stringify(out.body);
    const etag = etagOf(text);
    const notModified = out.status === 200 && req.method === 'GET' && matchesEtag(req.headers['if-none-match'], etag);
    if (out.counted && !notModified) used += 1;
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - used)),
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-used': String(used),
      'x-ratelimit-resource': 'core',
      'x-github-media-type': 'github.v3; format=json',
      ...(out.status === 200 ? { etag, 'cache-control': 'private, max-age=60, s-maxage=60', vary: 'Accept, Authorization' } : {}),
      ...out.headers,
    };
    log.push({ method: req.method ?? '?', url: req.url ?? '', authorization: req.headers.authorization, status: notModified ? 304 : out.status });
    if (notModified) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(out.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: (error as Error).message }));
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    addIssue: (owner, repo, issue) => store.addIssue(owner, repo, issue),
    failNext: (status, opts = {}) => {
      for (let i = 0; i < (opts.times ?? 1); i++) faults.push({ status, message: opts.message ?? `emulated ${status}`, headers: opts.headers ?? {} });
    },
    requests: () => [...log],
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
