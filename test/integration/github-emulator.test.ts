import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CiContext } from '../../src/rehearsal/github-emulator/server.js';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';
import { commitAll, octokitFor, seedRepo, writeFiles, type TestOctokit } from '../support/github-emulator.js';
import { git } from '../support/repo.js';

const TOKEN = 'integration-token';
const owner = 'acme';
const repo = 'widgets';
let gh: GithubEmulator;
let octokit: TestOctokit;
let tmp: string;
let shas: Record<string, string>;
let cloneUrl: string;
const ciCalls: Array<{ number: number; sha: string; app: string | null }> = [];

const api = (p: string, init: RequestInit = {}) =>
  fetch(`${gh.url}${p}`, {
    ...init,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...(init.headers as Record<string, string>),
    },
  });
const control = async (method: string, p: string, body?: unknown) => {
  const res = await fetch(`${gh.url}/_control${p}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** A working clone of the emulated repository, as Drover makes one: push goes to the bare repository. */
async function workingClone(name: string, branch: string): Promise<string> {
  const dir = path.join(tmp, name);
  await git(tmp, ['clone', '--quiet', '--branch', branch, cloneUrl, dir]);
  return dir;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'drover-gh-int-'));
  ({ shas } = await seedRepo(path.join(tmp, 'src')));
  gh = await startGithubEmulator({
    token: TOKEN,
    root: path.join(tmp, 'remote'),
    ci: ({ number, sha, readFile: read }: CiContext) => {
      const app = read('src/app.ts');
      ciCalls.push({ number, sha, app });
      return [
        {
          name: 'test',
          status: 'completed',
          conclusion: app?.includes('= 3') ? 'success' : 'failure',
          summary: app ?? 'missing',
        },
      ];
    },
  });
  ({ cloneUrl } = await gh.addRepo(owner, repo, { from: path.join(tmp, 'src') }));
  await gh.createPullRequest(owner, repo, { head: 'fix', base: 'main', title: 'Fix x' });
  await gh.createPullRequest(owner, repo, { head: 'clash', base: 'main', title: 'Clash' });
  octokit = octokitFor(gh.url, TOKEN);
});

afterAll(async () => {
  await gh?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

beforeEach(() => gh.clearFaults());

describe('GitHub emulator over bare repositories', () => {
  it('clone_url is a file:// URL of the bare repository that git clones and pushes', async () => {
    expect(cloneUrl).toBe(`file://${path.join(tmp, 'remote', owner, `${repo}.git`)}`);
    const dir = await workingClone('clone-check', 'main');
    expect(await readFile(path.join(dir, 'a.txt'), 'utf8')).toBe('main side\n');
  });

  it('a push to the PR branch changes head.sha; the CI rule runs once per new head and goes green on the fix', async () => {
    const first = await octokit.rest.pulls.get({ owner, repo, pull_number: 1 });
    expect(first.data.head.sha).toBe(shas.fix);
    await octokit.rest.pulls.get({ owner, repo, pull_number: 1 });
    expect(ciCalls.filter((c) => c.number === 1)).toEqual([{ number: 1, sha: shas.fix, app: 'export const x = 2;\n' }]);
    const red = await octokit.rest.checks.listForRef({ owner, repo, ref: shas.fix ?? '' });
    expect(red.data.check_runs.map((r) => [r.name, r.conclusion])).toEqual([['test', 'failure']]);

    const dir = await workingClone('agent', 'fix');
    await writeFiles(dir, { 'src/app.ts': 'export const x = 3;\n' });
    const pushed = await commitAll(dir, 'Make x 3');
    await git(dir, ['push', '--quiet', 'origin', 'fix']);

    const after = await octokit.rest.pulls.get({ owner, repo, pull_number: 1 });
    expect(after.data.head.sha).toBe(pushed);
    expect(after.data.commits).toBe(2);
    await octokit.graphql(`{ repository(owner: "acme", name: "widgets") { pullRequest(number: 1) { headRefOid } } }`);
    expect(ciCalls.filter((c) => c.number === 1).map((c) => c.sha)).toEqual([shas.fix, pushed]);
    const green = await octokit.graphql<{
      repository: {
        pullRequest: { commits: { nodes: Array<{ commit: { oid: string; statusCheckRollup: { state: string } } }> } };
      };
    }>(
      `{ repository(owner: "acme", name: "widgets") { pullRequest(number: 1) { commits(last: 1) { nodes { commit { oid statusCheckRollup { state } } } } } } }`,
    );
    expect(green.repository.pullRequest.commits.nodes[0]?.commit).toEqual({
      oid: pushed,
      statusCheckRollup: { state: 'SUCCESS' },
    });
    expect(ciCalls.filter((c) => c.number === 2)).toEqual([]);
    expect(await gh.tick()).toBe(1);
    expect(ciCalls.filter((c) => c.number === 2).map((c) => c.sha)).toEqual([shas.clash]);
    expect(await gh.tick()).toBe(0);
  });

  it('a thread goes outdated when its file changes after it; another file does not', async () => {
    const onApp = await gh.addReviewThread(owner, repo, 1, { path: 'src/app.ts', line: 1, body: 'x?' });
    const onB = await gh.addReviewThread(owner, repo, 1, { path: 'b.txt', line: 2, body: 'b?' });
    const dir = await workingClone('agent2', 'fix');
    await writeFiles(dir, { 'src/app.ts': 'export const x = 3; // checked\n' });
    await commitAll(dir, 'Comment x');
    await git(dir, ['push', '--quiet', 'origin', 'fix']);
    const res = await octokit.graphql<{
      repository: {
        pullRequest: {
          reviewThreads: {
            nodes: Array<{ id: string; isOutdated: boolean; line: number | null; originalLine: number }>;
          };
        };
      };
    }>(
      `{ repository(owner: "acme", name: "widgets") { pullRequest(number: 1) { reviewThreads(first: 10) { nodes { id isOutdated line originalLine } } } } }`,
    );
    expect(res.repository.pullRequest.reviewThreads.nodes).toEqual([
      { id: onApp.threadId, isOutdated: true, line: null, originalLine: 1 },
      { id: onB.threadId, isOutdated: false, line: 2, originalLine: 2 },
    ]);
  });

  it('conflicts show as CONFLICTING / dirty until resolved by a push; then the merge really lands in the bare repository', async () => {
    const conflicted = await octokit.graphql<{ repository: { pullRequest: { mergeable: string } } }>(
      `{ repository(owner: "acme", name: "widgets") { pullRequest(number: 2) { mergeable } } }`,
    );
    expect(conflicted.repository.pullRequest.mergeable).toBe('CONFLICTING');
    expect((await gh.pull(owner, repo, 2)).conflicts).toEqual(['a.txt']);
    await expect(
      octokit.rest.pulls.merge({ owner, repo, pull_number: 2, request: { retries: 0 } }),
    ).rejects.toMatchObject({ status: 405 });

    const dir = await workingClone('resolver', 'clash');
    await git(dir, ['fetch', '--quiet', 'origin', 'main']);
    await git(dir, [
      '-c',
      'user.email=d@x',
      '-c',
      'user.name=D',
      'merge',
      '--quiet',
      '-X',
      'theirs',
      'origin/main',
      '-m',
      'Merge main',
    ]);
    await git(dir, ['push', '--quiet', 'origin', 'clash']);
    const pr = await octokit.rest.pulls.get({ owner, repo, pull_number: 2 });
    // Mergeable, but the CI rule's "test" fails on this head: GitHub calls that unstable.
    expect(pr.data).toMatchObject({ mergeable: true, mergeable_state: 'unstable' });

    await expect(
      octokit.rest.pulls.merge({ owner, repo, pull_number: 2, sha: shas.clash, request: { retries: 0 } }),
    ).rejects.toMatchObject({ status: 409 });
    const merged = await octokit.rest.pulls.merge({ owner, repo, pull_number: 2, merge_method: 'squash' });
    const main = await workingClone('after-merge', 'main');
    expect((await git(main, ['rev-parse', 'HEAD'])).trim()).toBe(merged.data.sha);
    expect((await git(main, ['log', '-1', '--format=%s%n%P'])).split('\n')).toEqual(['Clash (#2)', shas.main]);
    const state = await gh.pull(owner, repo, 2);
    expect(state).toMatchObject({ state: 'closed', merged: true, mergeCommitSha: merged.data.sha, mergeable: null });
    const gql = await octokit.graphql<{ repository: { pullRequest: { state: string } } }>(
      `{ repository(owner: "acme", name: "widgets") { pullRequest(number: 2) { state } } }`,
    );
    expect(gql.repository.pullRequest.state).toBe('MERGED');
  });
});

describe('GitHub emulator HTTP behaviour', () => {
  it('ETag / If-None-Match → 304 without spending the limit; a push changes the ETag', async () => {
    const first = await api('/repos/acme/widgets/pulls/1');
    const etag = first.headers.get('etag') ?? '';
    const remaining = Number(first.headers.get('x-ratelimit-remaining'));
    const again = await api('/repos/acme/widgets/pulls/1', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(Number(again.headers.get('x-ratelimit-remaining'))).toBe(remaining);
    const dir = await workingClone('etag', 'fix');
    await writeFiles(dir, { 'c.txt': 'new\n' });
    await commitAll(dir, 'Add c');
    await git(dir, ['push', '--quiet', 'origin', 'fix']);
    const changed = await api('/repos/acme/widgets/pulls/1', { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(Number(changed.headers.get('x-ratelimit-remaining'))).toBe(remaining - 1);
    expect(
      gh
        .requests()
        .slice(-3)
        .map((r) => r.status),
    ).toEqual([200, 304, 200]);
  });

  it('faults: a 5xx storm is retried through, secondary limits and 429 call the throttle handler, matches are honoured', async () => {
    gh.resetLog();
    gh.storm('5xx', 3, { path: '/repos/acme/widgets/pulls' });
    const pr = await octokit.rest.pulls.get({ owner, repo, pull_number: 1 });
    expect(pr.status).toBe(200);
    expect(gh.requests().map((r) => [r.status, r.faulted])).toEqual([
      [502, true],
      [503, true],
      [500, true],
      [200, false],
    ]);

    const events = { secondary: 0, primary: 0 };
    const throttled = octokitFor(gh.url, TOKEN, events);
    gh.storm('secondary', 1);
    gh.storm('429', 1);
    await throttled.rest.repos.get({ owner, repo });
    expect(events.secondary).toBe(2);
    const last = gh.requests().slice(-3);
    expect(last.map((r) => r.status)).toEqual([403, 429, 200]);

    gh.failNext(502, { match: { path: /^\/graphql$/ } });
    expect((await api('/repos/acme/widgets')).status).toBe(200);
    const gql = await api('/graphql', {
      method: 'POST',
      body: JSON.stringify({ query: 'query Q { rateLimit { cost } }' }),
    });
    expect(gql.status).toBe(502);
    expect(gh.counts().byRoute['graphql Q']).toBe(1);
  });

  it('afterApply: the write happens, then the error comes back', async () => {
    gh.failNext(502, { match: { method: 'POST', path: '/repos/acme/widgets/issues/1/comments' }, afterApply: true });
    const res = await api('/repos/acme/widgets/issues/1/comments', {
      method: 'POST',
      body: JSON.stringify({ body: '<!-- drover:x --> once' }),
    });
    expect(res.status).toBe(502);
    expect(gh.comments(owner, repo, 1).map((c) => c.body)).toEqual(['<!-- drover:x --> once']);
  });

  it('spends the rate limit per resource: REST 403, GraphQL RATE_LIMITED', async () => {
    const small = await startGithubEmulator({ rateLimit: 2 });
    try {
      small.addIssue('o', 'r', { title: 't' });
      const get = () => fetch(`${small.url}/repos/o/r/issues`);
      expect([(await get()).status, (await get()).status]).toEqual([200, 200]);
      const over = await get();
      expect(over.status).toBe(403);
      expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
      const gql = async () =>
        (
          await fetch(`${small.url}/graphql`, {
            method: 'POST',
            body: JSON.stringify({ query: '{ rateLimit { remaining } }' }),
          })
        ).json();
      expect(await gql()).toEqual({ data: { rateLimit: { remaining: 1 } } });
      await gql();
      expect(await gql()).toMatchObject({ errors: [{ type: 'RATE_LIMITED' }] });
      expect(
        ((await (await fetch(`${small.url}/rate_limit`)).json()) as { resources: { core: { used: number } } }).resources
          .core.used,
      ).toBe(2);
    } finally {
      await small.close();
    }
  });
});

describe('GitHub emulator control API over HTTP', () => {
  it('seeds a repository, PR, thread, checks and a declarative CI rule; inspects and resets the log', async () => {
    expect((await control('DELETE', '/ci')).status).toBe(200);
    const added = await control('POST', '/repos', { owner: 'ext', name: 'svc', from: path.join(tmp, 'src') });
    expect(added).toMatchObject({
      status: 201,
      body: { cloneUrl: `file://${path.join(tmp, 'remote', 'ext', 'svc.git')}` },
    });
    const pr = await control('POST', '/pulls', {
      owner: 'ext',
      repo: 'svc',
      head: 'other',
      base: 'main',
      title: 'B change',
      labels: ['drover'],
    });
    expect(pr).toEqual({ status: 201, body: { number: 1 } });
    const thread = await control('POST', '/threads', {
      owner: 'ext',
      repo: 'svc',
      number: 1,
      path: 'b.txt',
      line: 2,
      body: 'why 2?',
    });
    expect(thread.body.threadId).toMatch(/^PRRT_/);
    expect(
      (await control('POST', `/threads/${String(thread.body.threadId)}/comments`, { body: 'also', author: 'bob' }))
        .status,
    ).toBe(201);
    expect((await control('POST', `/threads/${String(thread.body.threadId)}/resolve`, {})).status).toBe(200);
    expect(
      (
        await control('POST', '/statuses', {
          owner: 'ext',
          repo: 'svc',
          sha: shas.other,
          context: 'ci/x',
          state: 'pending',
        })
      ).status,
    ).toBe(201);
    expect(
      (await control('POST', '/reviews', { owner: 'ext', repo: 'svc', number: 1, state: 'APPROVED' })).status,
    ).toBe(201);

    expect(
      (await control('PUT', '/ci', { checks: [{ name: 'lint', file: { path: 'b.txt', notContains: '2' } }] })).status,
    ).toBe(200);
    expect(await control('POST', '/scan')).toEqual({ status: 200, body: { created: 2 } }); // ext/svc#1 and acme/widgets#1 (open)
    expect(await control('POST', '/scan')).toEqual({ status: 200, body: { created: 0 } });
    const runs = await octokit.rest.checks.listForRef({ owner: 'ext', repo: 'svc', ref: 'other' });
    expect(runs.data.check_runs.map((r) => [r.name, r.conclusion, r.output.summary])).toEqual([
      ['lint', 'failure', 'b.txt contains "2"'],
    ]);

    const state = await control('GET', '/pulls/ext/svc/1');
    expect(state.body).toMatchObject({ number: 1, headSha: shas.other, mergeable: true, labels: ['drover'] });
    await octokit.rest.issues.createComment({
      owner: 'ext',
      repo: 'svc',
      issue_number: 1,
      body: '<!-- drover:status --> working',
    });
    await octokit.rest.issues.createComment({
      owner: 'ext',
      repo: 'svc',
      issue_number: 1,
      body: '<!-- drover:status --> again',
    });
    expect(await control('GET', '/counters/ext/svc')).toEqual({
      status: 200,
      body: {
        pullsCreatedByHead: { other: 1 },
        duplicatePullsRefused: 0,
        merges: { 1: { attempts: 0, merged: false } },
        commentsByMarker: { 1: { '<!-- drover:status -->': 2 } },
      },
    });
    expect((await control('GET', '/counters/ext/nothing')).status).toBe(404);
    const threads = await control('GET', '/pulls/ext/svc/1/threads');
    expect(threads.body).toMatchObject([
      { resolvedBy: 'reviewer', comments: [{ body: 'why 2?' }, { body: 'also', author: 'bob' }] },
    ]);

    expect((await control('POST', '/faults', { status: 503, match: { pathRegex: '^/repos/ext/' } })).status).toBe(201);
    expect((await api('/repos/acme/widgets')).status).toBe(200);
    expect((await api('/repos/ext/svc')).status).toBe(503);
    const log = await control('GET', '/log');
    expect(
      (log.body.requests as Array<{ path: string; status: number }>).slice(-2).map((r) => [r.path, r.status]),
    ).toEqual([
      ['/repos/acme/widgets', 200],
      ['/repos/ext/svc', 503],
    ]);
    expect((await control('DELETE', '/log')).status).toBe(200);
    expect(((await control('GET', '/log')).body.counts as { total: number }).total).toBe(0);
  });

  it('rejects bad input with 400 naming the field, unknown things with 404', async () => {
    const bad = await control('POST', '/pulls', { owner: 'ext', repo: 'svc', head: 'other', title: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^invalid body for POST \/_control\/pulls: base: .*; title: /);
    expect(await control('POST', '/threads/PRRT_nope/resolve', {})).toEqual({
      status: 404,
      body: { message: 'no review thread PRRT_nope' },
    });
    expect(
      (await control('POST', '/pulls', { owner: 'ext', repo: 'svc', head: 'nope', base: 'main', title: 't' })).body,
    ).toEqual({ message: 'no branch "nope" in ext/svc' });
    expect((await control('POST', '/repos', { owner: 'ext', name: 'svc', from: '/nonexistent' })).status).toBe(409);
    expect((await control('GET', '/nothing')).status).toBe(404);
  });
});

describe('GitHub emulator lifecycle', () => {
  it('removes the temporary root it made on close, and keeps a root it was given', async () => {
    const own = await startGithubEmulator();
    await own.addRepo('o', 'r', { from: path.join(tmp, 'src') });
    expect(existsSync(path.join(own.root, 'o', 'r.git', 'HEAD'))).toBe(true);
    await own.close();
    expect(existsSync(own.root)).toBe(false);
    expect(existsSync(path.join(tmp, 'remote', owner, `${repo}.git`, 'HEAD'))).toBe(true);
  });
});
