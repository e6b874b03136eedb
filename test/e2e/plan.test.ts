import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOpenIssues } from '../../src/github/issues.js';
import { projectRoot } from '../../src/config/config.js';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';

const TOKEN = 'test-token-123';
let gh: GithubEmulator;
let tmp: string;

/** The `drover` CLI exactly as a user runs it, against the emulator; no Temporal server involved. */
function drover(args: string[], env: Record<string, string> = {}) {
  return execa('node', [path.join(projectRoot(), 'bin', 'drover.mjs'), ...args], {
    cwd: tmp,
    reject: false,
    timeout: 60_000,
    env: {
      GITHUB_API_URL: gh.url,
      GITHUB_TOKEN: TOKEN,
      DROVER_GITHUB_PER_PAGE: '',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      ...env,
    },
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'drover-plan-'));
  gh = await startGithubEmulator({ port: 0, token: TOKEN });
  const add = gh.addIssue.bind(gh, 'owner', 'repo');
  add({
    title: 'Fix the root manager crash',
    body: 'The crash is in `src/ceo_root_manager.js` (see also src/util/log.ts:42).',
    labels: ['planned', 'bug'],
  });
  add({
    title: 'Add a kill switch',
    body: 'Touches kill_switch.js and docs/kill-switch.md.\n\nDepends on #1.',
    labels: ['planned'],
  });
  add({
    title: 'Sandbox the container executor',
    body: 'Edit `container_executor.js`; `res.json()` is not a file, nor is https://example.com/a/b.ts.',
    labels: ['planned'],
  });
  add({ title: 'Fix a typo in README.md', body: 'Fixes README.md', labels: ['planned'], isPullRequest: true });
  add({
    title: 'Wire it all together',
    body: "Blocked by #2, #3 and #4. Also after #99.\n\n```\nimport x from './ignored.ts'\n```\nFiles: src/wire.ts",
    labels: ['Planned'],
  });
  add({ title: 'Write the docs', body: 'docs/guide.md', labels: ['docs'] });
  add({ title: 'Old work', body: 'old.ts', labels: ['planned'], state: 'closed' });
  gh.addIssue('owner', 'loop', { title: 'A', body: 'a.ts, after #2' });
  gh.addIssue('owner', 'loop', { title: 'B', body: 'b.ts, depends on #1' });
  for (let i = 1; i <= 120; i++)
    gh.addIssue('owner', 'big', { title: `Issue ${i}`, body: `src/m${i}.ts${i > 1 ? ` after #${i - 1}` : ''}` });
});

afterAll(async () => {
  await gh?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const readJson = async (file: string): Promise<unknown> => JSON.parse(await readFile(file, 'utf8')) as unknown;

describe('drover plan on emulator issues', () => {
  it('writes the expected manifest (label filter, PR skipped, pages followed) and manifest check accepts it', async () => {
    const out = path.join(tmp, 'planned.json');
    const before = gh.requests().length;
    const res = await drover(['plan', 'owner/repo', '--label', 'planned', '--out', out], {
      DROVER_GITHUB_PER_PAGE: '2',
    });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(await readJson(out)).toEqual({
      project: 'repo',
      repo: 'owner/repo',
      phases: [
        {
          name: 'Open issues',
          tasks: [
            {
              id: 'i1',
              issue: 1,
              title: 'Fix the root manager crash',
              files: ['src/ceo_root_manager.js', 'src/util/log.ts'],
              dependsOn: [],
            },
            {
              id: 'i2',
              issue: 2,
              title: 'Add a kill switch',
              files: ['kill_switch.js', 'docs/kill-switch.md'],
              dependsOn: ['i1'],
            },
            {
              id: 'i3',
              issue: 3,
              title: 'Sandbox the container executor',
              files: ['container_executor.js'],
              dependsOn: [],
            },
            { id: 'i5', issue: 5, title: 'Wire it all together', files: ['src/wire.ts'], dependsOn: ['i2', 'i3'] },
          ],
        },
      ],
    });
    expect(res.stderr).toContain('warning: issue #5 waits for #4, which is a pull request, not an issue');
    expect(res.stderr).toContain('warning: issue #5 waits for #99, which is not among the open issues planned');
    expect(res.stdout).toContain(
      `wrote ${out}: 4 tasks from the open issues of owner/repo with label "planned", 1 pull request skipped; 3 dependencies, 6 distinct files, 2 warnings`,
    );
    expect(res.stdout).toContain(`review it, then: drover run ${out} --repo PATH`);

    const requests = gh.requests().slice(before);
    expect(requests.map((r) => new URL(r.url, gh.url).searchParams.get('page') ?? '1')).toEqual(['1', '2', '3']);
    expect(requests.every((r) => r.authorization === `token ${TOKEN}` && r.status === 200)).toBe(true);
    expect(new URL(requests[0]?.url ?? '', gh.url).searchParams.get('labels')).toBe('planned');

    const check = await drover(['manifest', 'check', out]);
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stdout).toContain(`${out}: valid — 1 phases, 4 tasks`);
  });

  it('without --label plans every open issue into manifest-<repo>.json, and refuses to overwrite it without --force', async () => {
    const res = await drover(['plan', 'owner/repo']);
    expect(res.exitCode, res.stderr).toBe(0);
    const manifest = (await readJson(path.join(tmp, 'manifest-repo.json'))) as {
      phases: Array<{ tasks: Array<{ id: string }> }>;
    };
    expect(manifest.phases[0]?.tasks.map((t) => t.id)).toEqual(['i1', 'i2', 'i3', 'i5', 'i6']);

    const again = await drover(['plan', 'owner/repo']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain(
      'manifest-repo.json already exists; pass --force to overwrite it, or --out another file',
    );
    const forced = await drover(['plan', 'owner/repo', '--label', 'docs', '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(
      ((await readJson(path.join(tmp, 'manifest-repo.json'))) as typeof manifest).phases[0]?.tasks.map((t) => t.id),
    ).toEqual(['i6']);
  });

  it('follows pagination at 100 per page (120 issues, a chain of dependencies)', async () => {
    const out = path.join(tmp, 'big.json');
    const before = gh.requests().length;
    const res = await drover(['plan', 'owner/big', '--out', out]);
    expect(res.exitCode, res.stderr).toBe(0);
    const tasks =
      ((await readJson(out)) as { phases: Array<{ tasks: Array<{ id: string; dependsOn: string[] }> }> }).phases[0]
        ?.tasks ?? [];
    expect(tasks).toHaveLength(120);
    expect(tasks[119]).toMatchObject({ id: 'i120', dependsOn: ['i119'] });
    const requests = gh.requests().slice(before);
    expect(requests).toHaveLength(2);
    expect(requests.map((r) => new URL(r.url, gh.url).searchParams.get('per_page'))).toEqual(['100', '100']);
  });

  it('a dependency cycle: the file is written for review, the command says what to fix and exits 1', async () => {
    const out = path.join(tmp, 'loop.json');
    const res = await drover(['plan', 'owner/loop', '--out', out]);
    expect(res.exitCode).toBe(1);
    expect(existsSync(out)).toBe(true);
    expect(res.stderr).toContain(`${out} is written for review but cannot run yet`);
    expect(res.stderr).toMatch(/dependency cycle: i[12] → i[12] → i[12]/);
    expect(res.stdout).not.toContain('review it, then');
  });

  it.each([
    [['plan', 'not a repo'], {}, '"not a repo" is not OWNER/REPO'],
    [['plan', 'owner/nope'], {}, 'no repository owner/nope, or no access to it with this GITHUB_TOKEN'],
    [
      ['plan', 'owner/repo', '--label', 'nothing-has-this'],
      {},
      'no open issues in owner/repo with label "nothing-has-this"; nothing to plan, no file written',
    ],
    [
      ['plan', 'owner/repo'],
      { GITHUB_TOKEN: 'wrong' },
      'GitHub refused GITHUB_TOKEN (401) (GitHub said: Bad credentials); set GITHUB_TOKEN',
    ],
    [
      ['plan', 'owner/repo'],
      { GITHUB_TOKEN: '' },
      'GitHub requires authentication (401) (GitHub said: Requires authentication); set GITHUB_TOKEN',
    ],
    [
      ['plan', 'owner/repo'],
      { DROVER_GITHUB_PER_PAGE: '500' },
      'DROVER_GITHUB_PER_PAGE must be a whole number from 1 to 100',
    ],
  ])('refused: %j %j', async (args, env, message) => {
    const res = await drover(args, env);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain(message);
    expect(res.stderr).not.toContain(TOKEN);
  });

  it('an API that does not answer', async () => {
    const closed = await startGithubEmulator({ port: 0 });
    await closed.close();
    const res = await drover(['plan', 'owner/repo'], { GITHUB_API_URL: closed.url });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain(`cannot reach the GitHub API at ${closed.url}: ECONNREFUSED (GITHUB_API_URL)`);
  });

  it('a rate limit says when to retry', async () => {
    gh.failNext(429, { message: 'You have exceeded a secondary rate limit', headers: { 'retry-after': '7' } });
    const res = await drover(['plan', 'owner/repo', '--out', path.join(tmp, 'never.json')]);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain(
      'GitHub API rate limit hit (429) (GitHub said: You have exceeded a secondary rate limit). Retry after 7 s.',
    );
    expect(existsSync(path.join(tmp, 'never.json'))).toBe(false);
  });
});

describe('GitHub emulator: issues endpoint', () => {
  const get = (url: string, headers: Record<string, string> = {}) =>
    fetch(url, { headers: { authorization: `Bearer ${TOKEN}`, ...headers } });

  it('Link header, ETag + If-None-Match → 304, rate-limit headers', async () => {
    const first = await get(`${gh.url}/repos/owner/repo/issues?state=all&per_page=3&page=2`);
    expect(first.status).toBe(200);
    const link = first.headers.get('link') ?? '';
    expect(link).toContain('page=1>; rel="prev"');
    expect(link).toContain('page=3>; rel="next"');
    expect(link).toContain('page=3>; rel="last"');
    expect(link).toContain('page=1>; rel="first"');
    const items = (await first.json()) as Array<{
      number: number;
      labels: Array<{ name: string }>;
      user: { login: string };
      state: string;
      html_url: string;
      pull_request?: unknown;
    }>;
    expect(items.map((i) => i.number)).toEqual([4, 3, 2]);
    expect(items[0]).toMatchObject({
      state: 'open',
      user: { login: 'octocat' },
      html_url: `${gh.url}/owner/repo/pull/4`,
      labels: [{ name: 'planned' }],
    });
    expect(items[0]?.pull_request).toBeDefined();
    expect('pull_request' in (items[1] ?? {})).toBe(false);

    const remaining = Number(first.headers.get('x-ratelimit-remaining'));
    const etag = first.headers.get('etag') ?? '';
    const cached = await get(`${gh.url}/repos/owner/repo/issues?state=all&per_page=3&page=2`, {
      'if-none-match': etag,
    });
    expect(cached.status).toBe(304);
    expect(Number(cached.headers.get('x-ratelimit-remaining'))).toBe(remaining);
    expect(cached.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(Number(cached.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  it('the client reports an exhausted limit with its reset time', async () => {
    const limited = await startGithubEmulator({ port: 0, rateLimit: 1 });
    try {
      limited.addIssue('o', 'r', { title: 't', body: 'a.ts' });
      const opts = { apiUrl: limited.url, perPage: 100 };
      expect(await listOpenIssues('o/r', opts)).toMatchObject({ ok: true, pages: 1 });
      const second = await listOpenIssues('o/r', opts);
      expect(second.ok).toBe(false);
      expect(second.ok ? '' : second.error).toMatch(
        /^GitHub API rate limit hit \(403\) \(GitHub said: API rate limit exceeded .*\)\. It resets at \d{4}-\d\d-\d\dT.* \(in 60 min\)\. Set GITHUB_TOKEN for a higher limit\.$/,
      );
    } finally {
      await limited.close();
    }
  });
});

describe('GitHub client: redirects and links', () => {
  const page = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
    new Response(status === 200 ? JSON.stringify(body) : null, {
      status,
      headers: { ...(status === 200 ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers },
    });

  it('follows a renamed repository on the same origin, with the token', async () => {
    const seen: Array<{ url: string; auth: string | undefined }> = [];
    const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = String(input);
      seen.push({ url, auth: (init?.headers as Record<string, string>).authorization });
      if (url.includes('/repos/old/name/'))
        return page(null, 301, { location: 'https://api.example.test/repositories/7/issues?state=open&per_page=100' });
      if (!url.includes('page=2'))
        return page([{ number: 1, title: 'a', body: 'x.ts', labels: [{ name: 'l' }] }], 200, {
          link: '<https://api.example.test/repositories/7/issues?state=open&per_page=100&page=2>; rel="next"',
        });
      return page([{ number: 2, title: 'b', body: null, labels: ['m'], pull_request: { url: 'u' } }]);
    };
    const result = await listOpenIssues('old/name', {
      apiUrl: 'https://api.example.test',
      token: 'tok',
      perPage: 100,
      fetch: fake as typeof fetch,
    });
    expect(result).toEqual({
      ok: true,
      pages: 2,
      issues: [
        { number: 1, title: 'a', body: 'x.ts', labels: ['l'] },
        { number: 2, title: 'b', body: null, labels: ['m'], pull_request: { url: 'u' } },
      ],
    });
    expect(seen.map((s) => s.auth)).toEqual(['token tok', 'token tok', 'token tok']);
    expect(seen.map((s) => s.url)).toEqual([
      'https://api.example.test/repos/old/name/issues?state=open&per_page=100',
      'https://api.example.test/repositories/7/issues?state=open&per_page=100',
      'https://api.example.test/repositories/7/issues?state=open&per_page=100&page=2',
    ]);
  });

  it('never sends the token to another origin', async () => {
    const seen: string[] = [];
    const fake = async (input: string | URL | Request): Promise<Response> => {
      seen.push(String(input));
      return page([], 200, { link: '<https://evil.example/steal?page=2>; rel="next"' });
    };
    const result = await listOpenIssues('o/r', {
      apiUrl: 'https://api.example.test',
      token: 'tok',
      perPage: 100,
      fetch: fake as typeof fetch,
    });
    expect(result).toEqual({
      ok: false,
      error:
        "the GitHub API's next page link: it points to another origin (https://evil.example); refusing to send the token there",
    });
    expect(seen).toEqual(['https://api.example.test/repos/o/r/issues?state=open&per_page=100']);
  });

  it('does not follow a redirect to another origin (fetch is not left to follow it either)', async () => {
    const seen: Array<{ url: string; redirect: RequestInit['redirect'] }> = [];
    const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      seen.push({ url: String(input), redirect: init?.redirect });
      return page(null, 302, { location: 'https://evil.example/repos/o/r/issues' });
    };
    const result = await listOpenIssues('o/r', {
      apiUrl: 'https://ghe.example.test/api/v3',
      token: 'tok',
      perPage: 100,
      fetch: fake as typeof fetch,
    });
    expect(result).toEqual({
      ok: false,
      error: 'o/r moved (302): it points to another origin (https://evil.example); refusing to send the token there',
    });
    expect(seen).toEqual([
      { url: 'https://ghe.example.test/api/v3/repos/o/r/issues?state=open&per_page=100', redirect: 'manual' },
    ]);
  });

  it('stops at the page cap instead of following links for ever', async () => {
    let requests = 0;
    const fake = async (input: string | URL | Request): Promise<Response> => {
      requests += 1;
      const next = new URL(String(input));
      next.searchParams.set('page', String(Number(next.searchParams.get('page') ?? '1') + 1));
      return page([{ number: requests, title: 't', labels: [] }], 200, { link: `<${next.toString()}>; rel="next"` });
    };
    const result = await listOpenIssues('o/r', {
      apiUrl: 'https://api.example.test',
      perPage: 1,
      fetch: fake as typeof fetch,
    });
    expect(result).toEqual({
      ok: false,
      error: 'o/r has more than 100 open issues and pull requests; narrow the plan with --label',
    });
    expect(requests).toBe(100);
  });

  it('a 200 that is not JSON, and a list of the wrong shape', async () => {
    const html = async (): Promise<Response> =>
      new Response('<html>proxy login</html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const opts = { apiUrl: 'https://api.example.test', perPage: 100 };
    expect(await listOpenIssues('o/r', { ...opts, fetch: html as typeof fetch })).toEqual({
      ok: false,
      error: 'the GitHub API at https://api.example.test answered with something that is not JSON',
    });
    const wrong = async (): Promise<Response> => page([{ number: 'one', title: 't', labels: [] }]);
    const shaped = await listOpenIssues('o/r', { ...opts, fetch: wrong as typeof fetch });
    expect(shaped.ok ? '' : shaped.error).toMatch(
      /^the GitHub API answered with an unexpected issue list \(0\.number: /,
    );
  });
});
