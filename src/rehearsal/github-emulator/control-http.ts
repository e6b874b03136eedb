/**
 * The control API over HTTP, under `/_control/`, with JSON bodies validated by zod (400 with the
 * offending field on bad input), so an out-of-process worker or test can drive the emulator.
 * Control calls are never rate-limited, faulted or logged.
 */
import { z } from 'zod';
import { declarativeRule } from './ci.js';
import { ControlError } from './control-api.js';
import type { EmulatorResponse } from './router.js';
import type { GithubEmulator } from './server.js';

const name = z.string().min(1);
const repoRef = { owner: name, repo: name };
const login = z.string().min(1).optional();

const schemas = {
  repo: z.object({ owner: name, name, from: z.string().min(1) }),
  issue: z.object({
    ...repoRef,
    title: z.string(),
    body: z.string().nullable().optional(),
    labels: z.array(z.string()).optional(),
    state: z.enum(['open', 'closed']).optional(),
    author: login,
  }),
  pull: z.object({
    ...repoRef,
    head: name,
    base: name,
    title: z.string().min(1),
    body: z.string().nullable().optional(),
    author: login,
    labels: z.array(z.string()).optional(),
    draft: z.boolean().optional(),
  }),
  thread: z.object({
    ...repoRef,
    number: z.number().int().positive(),
    path: z.string().min(1),
    line: z.number().int().positive(),
    body: z.string().min(1),
    author: login,
  }),
  threadComment: z.object({ body: z.string().min(1), author: login }),
  resolve: z.object({ by: login }),
  checkRun: z.object({
    ...repoRef,
    headSha: z.string().regex(/^[0-9a-f]{40}$/),
    name,
    status: z.enum(['queued', 'in_progress', 'completed']).optional(),
    conclusion: z.string().nullable().optional(),
    title: z.string().nullable().optional(),
    summary: z.string().nullable().optional(),
    text: z.string().nullable().optional(),
    detailsUrl: z.string().nullable().optional(),
  }),
  status: z.object({
    ...repoRef,
    sha: z.string().regex(/^[0-9a-f]{40}$/),
    context: name,
    state: z.enum(['error', 'failure', 'pending', 'success']),
    description: z.string().nullable().optional(),
    targetUrl: z.string().nullable().optional(),
  }),
  review: z.object({
    ...repoRef,
    number: z.number().int().positive(),
    state: z.enum(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED']),
    body: z.string().optional(),
    author: login,
    commitId: z.string().optional(),
    submittedAt: z.iso.datetime().optional(),
  }),
  ci: z.object({
    checks: z.array(
      z.object({
        name,
        summary: z.string().optional(),
        text: z.string().optional(),
        file: z
          .object({
            path: z.string().min(1),
            contains: z.string().optional(),
            notContains: z.string().optional(),
            exists: z.boolean().optional(),
          })
          .optional(),
      }),
    ),
  }),
  match: z
    .object({ method: z.string().optional(), path: z.string().optional(), pathRegex: z.string().optional() })
    .optional(),
};
const fault = z.object({
  status: z.number().int().min(400).max(599),
  times: z.number().int().positive().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  message: z.string().optional(),
  match: schemas.match,
  afterApply: z.boolean().optional(),
});
const storm = z.object({
  kind: z.enum(['5xx', 'secondary', '429']),
  n: z.number().int().positive(),
  match: schemas.match,
});

const ok = (body: unknown, status = 200): EmulatorResponse => ({ status, body: body ?? { ok: true } });
const fail = (status: number, message: string): EmulatorResponse => ({ status, body: { message } });

function parse<T>(schema: z.ZodType<T>, body: unknown, route: string): T {
  const res = schema.safeParse(body ?? {});
  if (res.success) return res.data;
  const why = res.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  throw new ControlError(`invalid body for ${route}: ${why}`);
}

const toMatch = (m: z.infer<typeof schemas.match>) =>
  m ? { method: m.method, path: m.pathRegex ? new RegExp(m.pathRegex) : m.path } : undefined;

/** Handles one `/_control/...` request. */
export async function handleControl(
  emu: GithubEmulator,
  method: string,
  path: string,
  body: unknown,
): Promise<EmulatorResponse> {
  const route = `${method} ${path}`;
  const seg = path
    .replace(/^\/_control\/?/, '')
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  try {
    const [a, b, c, d, e] = seg;
    const post = method === 'POST';
    if (post && a === 'repos' && !b) {
      const x = parse(schemas.repo, body, route);
      return ok(await emu.addRepo(x.owner, x.name, { from: x.from }), 201);
    }
    if (post && a === 'issues' && !b) {
      const { owner, repo, ...issue } = parse(schemas.issue, body, route);
      return ok({ number: emu.addIssue(owner, repo, issue) }, 201);
    }
    if (post && a === 'pulls' && !b) {
      const { owner, repo, ...pull } = parse(schemas.pull, body, route);
      return ok({ number: await emu.createPullRequest(owner, repo, pull) }, 201);
    }
    if (method === 'GET' && a === 'pulls' && b && c && d) {
      const n = Number(d);
      if (!e) return ok(await emu.pull(b, c, n));
      if (e === 'comments') return ok(emu.comments(b, c, n));
      if (e === 'threads') return ok(emu.threads(b, c, n));
    }
    if (method === 'GET' && a === 'counters' && b && c && !d) return ok(emu.counters(b, c));
    if (post && a === 'threads' && !b) {
      const { owner, repo, number, ...thread } = parse(schemas.thread, body, route);
      return ok(await emu.addReviewThread(owner, repo, number, thread), 201);
    }
    if (post && a === 'threads' && b && c === 'comments')
      return ok(await emu.addThreadComment(b, parse(schemas.threadComment, body, route)), 201);
    if (post && a === 'threads' && b && c === 'resolve')
      return ok(emu.resolveThread(b, parse(schemas.resolve, body, route).by));
    if (post && a === 'threads' && b && c === 'unresolve') return ok(emu.unresolveThread(b));
    if (post && a === 'check-runs') {
      const { owner, repo, ...run } = parse(schemas.checkRun, body, route);
      return ok(emu.postCheckRun(owner, repo, run), 201);
    }
    if (post && a === 'statuses') {
      const { owner, repo, sha, ...status } = parse(schemas.status, body, route);
      return ok(emu.setCommitStatus(owner, repo, sha, status), 201);
    }
    if (post && a === 'reviews') {
      const { owner, repo, number, ...review } = parse(schemas.review, body, route);
      return ok(await emu.submitReview(owner, repo, number, review), 201);
    }
    if (a === 'ci' && method === 'PUT') return ok(emu.setCi(declarativeRule(parse(schemas.ci, body, route).checks)));
    if (a === 'ci' && method === 'DELETE') return ok(emu.setCi(undefined));
    if (post && a === 'scan') return ok({ created: await emu.tick() });
    if (post && a === 'faults') {
      const { status, match, ...opts } = parse(fault, body, route);
      return ok(emu.failNext(status, { ...opts, match: toMatch(match) }), 201);
    }
    if (method === 'DELETE' && a === 'faults') return ok(emu.clearFaults());
    if (post && a === 'storm') {
      const x = parse(storm, body, route);
      return ok(emu.storm(x.kind, x.n, toMatch(x.match)), 201);
    }
    if (method === 'GET' && a === 'log') return ok({ requests: emu.requests(), counts: emu.counts() });
    if ((method === 'DELETE' && a === 'log') || (post && a === 'log' && b === 'reset')) return ok(emu.resetLog());
    return fail(404, `no control route ${route}`);
  } catch (error) {
    if (error instanceof ControlError) return fail(error.status, error.message);
    if (error instanceof SyntaxError) return fail(400, `invalid pathRegex: ${error.message}`);
    throw error;
  }
}
