/**
 * The GitHub emulator's HTTP server (docs/design.md §5): loopback only, GitHub's REST shapes and
 * GraphQL (real schema) for the calls Drover makes, refs read from local bare repositories,
 * ETag / If-None-Match → 304 (not counted, as on GitHub), `x-ratelimit-*` headers per resource
 * (core, graphql), a 403 once a limit is spent, optional token checking, fault injection, a
 * request log, and the control API (methods here, HTTP under `/_control/`).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CiRunner, type CiRule } from './ci.js';
import { EmulatorControl } from './control-api.js';
import { handleControl } from './control-http.js';
import { Faults, type FaultMatch, type FaultOptions, type StormKind } from './faults.js';
import { handleGraphql, operationName } from './graphql-endpoint.js';
import { issueRoutes } from './issues.js';
import { PullViewer } from './pull-view.js';
import { RequestLog, type RecordedGithubRequest, type RequestCounts } from './request-log.js';
import { checkRoutes } from './rest-checks.js';
import { commentRoutes } from './rest-comments.js';
import { branchRoutes } from './rest-branches.js';
import { pullWriteRoutes } from './rest-pull-writes.js';
import { pullRoutes } from './rest-pulls.js';
import { userRoute } from './rest-user.js';
import { findRoute, githubError, type EmulatorResponse, type Route } from './router.js';
import { GithubStore } from './store.js';

export type { NewIssue } from './store.js';
export type { RecordedGithubRequest, RequestCounts } from './request-log.js';
export type { CiRule, CiContext, CiCheck, DeclarativeCheck } from './ci.js';
export type { PullSnapshot, RepoCounters } from './control-api.js';

export interface GithubEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Requests per hour per resource (core, graphql) before 403 "API rate limit exceeded" (default 5000). */
  rateLimit?: number;
  /** When set, requests must send `Authorization: Bearer <token>` (or `token <token>`, scheme case-insensitive); others get 401. */
  token?: string;
  /** Where bare repositories are cloned (default: a new temporary directory, removed on close). */
  root?: string;
  /** The CI rule (see `setCi`). */
  ci?: CiRule;
  /** `x-oauth-scopes` of `GET /user` (default `repo, workflow`). */
  tokenScopes?: string;
  /** The clock for timestamps (default Date.now). */
  now?: () => number;
}

export interface GithubEmulator extends Pick<
  EmulatorControl,
  | 'addRepo'
  | 'addIssue'
  | 'createPullRequest'
  | 'addReviewThread'
  | 'addThreadComment'
  | 'resolveThread'
  | 'unresolveThread'
  | 'postCheckRun'
  | 'setCommitStatus'
  | 'submitReview'
  | 'setCi'
  | 'tick'
  | 'comments'
  | 'threads'
  | 'pull'
  | 'counters'
> {
  /** `http://127.0.0.1:<port>`: the REST base URL (`GITHUB_API_URL`); GraphQL at `${url}/graphql`. */
  url: string;
  /** Where bare repositories live. */
  root: string;
  /** The next matching `times` requests fail with this status (e.g. 502, or 429 with retry-after). */
  failNext(status: number, opts?: FaultOptions): void;
  /** Presets: '5xx' (502/503/500 burst), 'secondary' (403 + retry-after 1), '429' (+ retry-after 1). */
  storm(kind: StormKind, n: number, match?: FaultMatch): void;
  clearFaults(): void;
  requests(): RecordedGithubRequest[];
  counts(): RequestCounts;
  resetLog(): void;
  close(): Promise<void>;
}

const etagOf = (text: string): string => `W/"${createHash('sha256').update(text).digest('hex').slice(0, 40)}"`;

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const strip = (t: string): string => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || strip(t) === strip(etag));
}

const MAX_BODY = 10 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<{ ok: true; body: unknown } | { ok: false }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return { ok: false };
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: true, body: undefined };
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

interface Bucket {
  used: number;
}

export async function startGithubEmulator(options: GithubEmulatorOptions = {}): Promise<GithubEmulator> {
  const store = new GithubStore(options.now);
  const ci = new CiRunner(store);
  ci.set(options.ci);
  const viewer = new PullViewer(ci);
  const root = options.root ?? (await mkdtemp(path.join(tmpdir(), 'drover-github-')));
  const control = new EmulatorControl(store, viewer, ci, root);
  const faults = new Faults();
  const log = new RequestLog();
  const limit = options.rateLimit ?? 5000;
  const buckets: Record<'core' | 'graphql', Bucket> = { core: { used: 0 }, graphql: { used: 0 } };
  const reset = Math.floor(Date.now() / 1000) + 3600;
  let baseUrl = '';

  const rateOf = (b: Bucket) => ({ limit, used: b.used, remaining: Math.max(0, limit - b.used), reset });
  const rateLimitRoute: Route = {
    method: 'GET',
    pattern: /^\/rate_limit$/,
    name: '/rate_limit',
    handle: () => {
      const core = rateOf(buckets.core);
      return {
        status: 200,
        body: {
          resources: { core, graphql: rateOf(buckets.graphql), search: { limit: 30, used: 0, remaining: 30, reset } },
          rate: core,
        },
      };
    },
  };
  const routes: readonly Route[] = [
    rateLimitRoute,
    userRoute(options.tokenScopes ?? 'repo, workflow'),
    ...pullRoutes,
    ...pullWriteRoutes,
    ...branchRoutes,
    ...checkRoutes,
    ...commentRoutes,
    ...issueRoutes,
  ];

  /** The response and whether it counts against the limit (304s, /rate_limit and auth failures do not). */
  const respond = async (
    req: IncomingMessage,
    url: URL,
    body: unknown,
    isGraphql: boolean,
    record: Partial<RecordedGithubRequest>,
  ): Promise<EmulatorResponse & { counted: boolean }> => {
    const method = req.method ?? 'GET';
    const auth = req.headers.authorization;
    if (options.token !== undefined && /^(?:bearer|token)\s+(.+)$/i.exec(auth ?? '')?.[1] !== options.token) {
      return {
        ...githubError(401, auth === undefined ? 'Requires authentication' : 'Bad credentials'),
        counted: false,
      };
    }
    const found = isGraphql ? undefined : findRoute(routes, { method, url });
    if (found && 'route' in found) record.route = found.route.name;
    const counted = !(found && 'route' in found && found.route === rateLimitRoute);
    const fault = faults.take(method, url.pathname);
    const error = fault && { ...githubError(fault.status, fault.message), headers: fault.headers, counted: true };
    if (error && !fault.afterApply) {
      record.faulted = true;
      return error;
    }
    const bucket = isGraphql ? buckets.graphql : buckets.core;
    if (counted && bucket.used >= limit) {
      if (isGraphql)
        return {
          status: 200,
          body: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.' }] },
          counted: false,
        };
      return {
        ...githubError(
          403,
          "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit.)",
        ),
        counted: false,
      };
    }
    const rate = rateOf(bucket);
    let res: EmulatorResponse;
    if (!found) {
      const graphqlRate = {
        limit,
        used: rate.used + 1,
        remaining: Math.max(0, rate.remaining - 1),
        resetAt: new Date(reset * 1000).toISOString(),
      };
      res = await handleGraphql({ method, url, body }, { store, viewer, baseUrl, login: 'octocat', rate: graphqlRate });
    } else {
      res =
        'error' in found
          ? found.error
          : await found.route.handle({ method, url, body }, found.params, { store, baseUrl, viewer });
    }
    if (error) {
      record.faulted = true;
      return error;
    }
    return { ...res, counted };
  };

  const send = (res: ServerResponse, status: number, headers: Record<string, string>, text?: string): void => {
    if (text === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', baseUrl);
    const method = req.method ?? 'GET';
    const read = await readBody(req);
    if (url.pathname.startsWith('/_control/') || url.pathname === '/_control') {
      const out = read.ok
        ? await handleControl(emulator, method, url.pathname, read.body)
        : { status: 400, body: { message: 'Problems parsing JSON' } };
      send(res, out.status, {}, JSON.stringify(out.body));
      return;
    }
    const isGraphql = url.pathname.replace(/\/+$/, '') === '/graphql' && method === 'POST';
    const record: Partial<RecordedGithubRequest> = { faulted: false };
    if (isGraphql && read.ok) record.operationName = operationName(read.body);
    const out = read.ok
      ? await respond(req, url, read.body, isGraphql, record)
      : { ...githubError(400, 'Problems parsing JSON'), counted: false };
    const text = out.body === undefined ? undefined : JSON.stringify(out.body);
    const etag = etagOf(text ?? '');
    const notModified = out.status === 200 && method === 'GET' && matchesEtag(req.headers['if-none-match'], etag);
    const bucket = isGraphql ? buckets.graphql : buckets.core;
    if (out.counted && !notModified) bucket.used += 1;
    const rate = rateOf(bucket);
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(rate.limit),
      'x-ratelimit-remaining': String(rate.remaining),
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-used': String(rate.used),
      'x-ratelimit-resource': isGraphql ? 'graphql' : 'core',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': createHash('md5')
        .update(`${Date.now()}${Math.random()}`)
        .digest('hex')
        .slice(0, 16)
        .toUpperCase(),
      ...(out.status === 200 && method === 'GET'
        ? { etag, 'cache-control': 'private, max-age=60, s-maxage=60', vary: 'Accept, Authorization' }
        : {}),
      ...out.headers,
    };
    log.add({
      method,
      url: req.url ?? '',
      path: url.pathname,
      graphql: isGraphql,
      authorization: req.headers.authorization,
      status: notModified ? 304 : out.status,
      faulted: false,
      ...record,
    });
    send(res, notModified ? 304 : out.status, headers, notModified ? undefined : text);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else send(res, 500, {}, JSON.stringify({ message: (error as Error).message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const emulator: GithubEmulator = {
    url: baseUrl,
    root,
    addRepo: (...a) => control.addRepo(...a),
    addIssue: (...a) => control.addIssue(...a),
    createPullRequest: (...a) => control.createPullRequest(...a),
    addReviewThread: (...a) => control.addReviewThread(...a),
    addThreadComment: (...a) => control.addThreadComment(...a),
    resolveThread: (...a) => control.resolveThread(...a),
    unresolveThread: (...a) => control.unresolveThread(...a),
    postCheckRun: (...a) => control.postCheckRun(...a),
    setCommitStatus: (...a) => control.setCommitStatus(...a),
    submitReview: (...a) => control.submitReview(...a),
    setCi: (...a) => control.setCi(...a),
    tick: () => control.tick(),
    comments: (...a) => control.comments(...a),
    threads: (...a) => control.threads(...a),
    pull: (...a) => control.pull(...a),
    counters: (...a) => control.counters(...a),
    failNext: (status, opts = {}) => faults.add(status, opts),
    storm: (kind, n, match) => faults.storm(kind, n, match),
    clearFaults: () => faults.clear(),
    requests: () => log.all(),
    counts: () => log.counts(),
    resetLog: () => log.reset(),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      if (options.root === undefined) await rm(root, { recursive: true, force: true });
    },
  };
  return emulator;
}
