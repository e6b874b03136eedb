import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';
import { octokitFor, seedRepo, type TestOctokit } from '../support/github-emulator.js';
import { schemaErrors } from '../support/openapi.js';

const TOKEN = 'contract-token';
const owner = 'acme';
const repo = 'widgets';
let gh: GithubEmulator;
let octokit: TestOctokit;
let tmp: string;
let shas: Record<string, string>;
let fixPr: number;
let clashPr: number;
let commentId: number;

/** Asserts the body matches GitHub's schema for the operation; a failure lists the offending fields. */
function conforms(route: string, method: string, status: number, body: unknown): void {
  expect(schemaErrors(route, method, status, body), `${method} ${route} → ${status}`).toEqual([]);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'drover-gh-rest-'));
  ({ shas } = await seedRepo(path.join(tmp, 'src')));
  gh = await startGithubEmulator({ token: TOKEN, root: path.join(tmp, 'remote') });
  await gh.addRepo(owner, repo, { from: path.join(tmp, 'src') });
  gh.addIssue(owner, repo, { title: 'An issue first', body: 'numbering is shared' });
  fixPr = await gh.createPullRequest(owner, repo, {
    head: 'fix',
    base: 'main',
    title: 'Fix x',
    body: 'Fixes #1',
    labels: ['bug'],
    author: 'dev',
  });
  clashPr = await gh.createPullRequest(owner, repo, { head: 'clash', base: 'main', title: 'Clash', draft: true });
  ({ commentId } = await gh.addReviewThread(owner, repo, fixPr, {
    path: 'src/app.ts',
    line: 1,
    body: 'Why 2?',
    author: 'alice',
  }));
  await gh.submitReview(owner, repo, fixPr, { state: 'CHANGES_REQUESTED', body: 'Please explain', author: 'alice' });
  gh.postCheckRun(owner, repo, {
    headSha: shas.fix ?? '',
    name: 'test',
    conclusion: 'failure',
    title: '1 failing',
    summary: 'x is wrong',
    text: 'expected 3',
  });
  gh.setCommitStatus(owner, repo, shas.fix ?? '', { context: 'ci/lint', state: 'success', description: 'clean' });
  octokit = octokitFor(gh.url, TOKEN);
});

afterAll(async () => {
  await gh?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("GitHub emulator REST responses match GitHub's OpenAPI schemas", () => {
  it('GET /repos/{owner}/{repo}: default branch and a clone URL of the bare repository', async () => {
    const res = await octokit.rest.repos.get({ owner, repo });
    conforms('/repos/{owner}/{repo}', 'get', 200, res.data);
    expect(res.data.default_branch).toBe('main');
    expect(res.data.clone_url).toBe(`file://${path.join(tmp, 'remote', owner, `${repo}.git`)}`);
    expect(res.data.full_name).toBe('acme/widgets');
    expect(res.data.open_issues_count).toBe(3);
  });

  it('GET /repos/{owner}/{repo}/pulls/{pull_number}: live SHAs, mergeability, labels', async () => {
    const res = await octokit.rest.pulls.get({ owner, repo, pull_number: fixPr });
    conforms('/repos/{owner}/{repo}/pulls/{pull_number}', 'get', 200, res.data);
    expect(fixPr).toBe(2);
    expect(res.data).toMatchObject({
      number: 2,
      state: 'open',
      title: 'Fix x',
      body: 'Fixes #1',
      draft: false,
      merged: false,
      mergeable: true,
      mergeable_state: 'unstable', // its "test" check fails
      head: { ref: 'fix', sha: shas.fix, repo: { full_name: 'acme/widgets' } },
      base: { ref: 'main', sha: shas.main },
      user: { login: 'dev' },
      html_url: `${gh.url}/acme/widgets/pull/2`,
      commits: 1,
      review_comments: 1,
    });
    expect(res.data.labels.map((l) => l.name)).toEqual(['bug']);
    const clash = await octokit.rest.pulls.get({ owner, repo, pull_number: clashPr });
    expect(clash.data).toMatchObject({
      draft: true,
      mergeable: false,
      mergeable_state: 'dirty',
      head: { sha: shas.clash },
    });
  });

  it('GET /repos/{owner}/{repo}/pulls: state filter and Link pagination followed by octokit.paginate', async () => {
    const first = await octokit.rest.pulls.list({ owner, repo, state: 'open', per_page: 1 });
    conforms('/repos/{owner}/{repo}/pulls', 'get', 200, first.data);
    expect(first.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: 'all', per_page: 1 });
    expect(all.map((p) => p.number)).toEqual([clashPr, fixPr]);
    const closed = await octokit.rest.pulls.list({ owner, repo, state: 'closed' });
    expect(closed.data).toEqual([]);
  });

  it('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits and GET /repos/{owner}/{repo}/commits/{ref}', async () => {
    const commits = await octokit.rest.pulls.listCommits({ owner, repo, pull_number: fixPr });
    conforms('/repos/{owner}/{repo}/pulls/{pull_number}/commits', 'get', 200, commits.data);
    expect(commits.data.map((c) => [c.sha, c.commit.message])).toEqual([[shas.fix, 'Fix x']]);
    const byBranch = await octokit.rest.repos.getCommit({ owner, repo, ref: 'fix' });
    conforms('/repos/{owner}/{repo}/commits/{ref}', 'get', 200, byBranch.data);
    expect(byBranch.data.sha).toBe(shas.fix);
    expect(byBranch.data.parents.map((p) => p.sha)).toEqual([shas.init]);
    expect(byBranch.data.commit.author?.name).toBe('Dev');
    expect(byBranch.data.commit.committer?.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('GET /repos/{owner}/{repo}/commits/{ref}/check-runs and /status', async () => {
    const runs = await octokit.rest.checks.listForRef({ owner, repo, ref: shas.fix ?? '' });
    conforms('/repos/{owner}/{repo}/commits/{ref}/check-runs', 'get', 200, runs.data);
    expect(runs.data.total_count).toBe(1);
    expect(runs.data.check_runs[0]).toMatchObject({
      name: 'test',
      head_sha: shas.fix,
      status: 'completed',
      conclusion: 'failure',
      output: { title: '1 failing', summary: 'x is wrong', text: 'expected 3' },
      pull_requests: [{ number: fixPr }],
    });
    expect(runs.data.check_runs[0]?.completed_at).not.toBeNull();
    const status = await octokit.rest.repos.getCombinedStatusForRef({ owner, repo, ref: 'fix' });
    conforms('/repos/{owner}/{repo}/commits/{ref}/status', 'get', 200, status.data);
    expect(status.data).toMatchObject({
      state: 'success',
      sha: shas.fix,
      total_count: 1,
      statuses: [{ context: 'ci/lint', state: 'success', description: 'clean' }],
    });
  });

  it('POST and GET /repos/{owner}/{repo}/issues/{issue_number}/comments (paginated)', async () => {
    const made = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: fixPr,
      body: '<!-- drover:1 --> working on it',
    });
    expect(made.status).toBe(201);
    conforms('/repos/{owner}/{repo}/issues/{issue_number}/comments', 'post', 201, made.data);
    await octokit.rest.issues.createComment({ owner, repo, issue_number: fixPr, body: 'second' });
    const page = await octokit.rest.issues.listComments({ owner, repo, issue_number: fixPr, per_page: 1 });
    conforms('/repos/{owner}/{repo}/issues/{issue_number}/comments', 'get', 200, page.data);
    expect(page.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: fixPr,
      per_page: 1,
    });
    expect(all.map((c) => c.body)).toEqual(['<!-- drover:1 --> working on it', 'second']);
    expect(gh.comments(owner, repo, fixPr).map((c) => c.author)).toEqual(['octocat', 'octocat']);
  });

  it('GET /repos/{owner}/{repo}/pulls/{pull_number}/comments and POST …/comments/{comment_id}/replies', async () => {
    const reply = await octokit.rest.pulls.createReplyForReviewComment({
      owner,
      repo,
      pull_number: fixPr,
      comment_id: commentId,
      body: 'Fixed in abc',
    });
    expect(reply.status).toBe(201);
    conforms('/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies', 'post', 201, reply.data);
    expect(reply.data).toMatchObject({
      in_reply_to_id: commentId,
      body: 'Fixed in abc',
      path: 'src/app.ts',
      commit_id: shas.fix,
    });
    const list = await octokit.rest.pulls.listReviewComments({ owner, repo, pull_number: fixPr });
    conforms('/repos/{owner}/{repo}/pulls/{pull_number}/comments', 'get', 200, list.data);
    expect(list.data.map((c) => [c.body, c.user.login, c.line])).toEqual([
      ['Why 2?', 'alice', 1],
      ['Fixed in abc', 'octocat', 1],
    ]);
  });

  it('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', async () => {
    const res = await octokit.rest.pulls.listReviews({ owner, repo, pull_number: fixPr });
    conforms('/repos/{owner}/{repo}/pulls/{pull_number}/reviews', 'get', 200, res.data);
    expect(res.data.map((r) => [r.state, r.user?.login, r.commit_id, r.body])).toEqual([
      ['CHANGES_REQUESTED', 'alice', shas.fix, 'Please explain'],
    ]);
  });

  it('GET /rate_limit is not counted; the issues list still conforms', async () => {
    const a = await octokit.rest.rateLimit.get();
    conforms('/rate_limit', 'get', 200, a.data);
    const b = await octokit.rest.rateLimit.get();
    expect(b.data.resources.core.used).toBe(a.data.resources.core.used);
    expect(a.data.rate.limit).toBe(5000);
    expect(a.data.resources.core.remaining).toBe(5000 - a.data.resources.core.used);
    const issues = await octokit.rest.issues.listForRepo({ owner, repo, state: 'all' });
    conforms('/repos/{owner}/{repo}/issues', 'get', 200, issues.data);
    expect(issues.data.map((i) => i.number)).toEqual([3, 2, 1]);
  });

  it('PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge: 405 when conflicting, merges in the bare repository otherwise', async () => {
    await expect(octokit.rest.pulls.merge({ owner, repo, pull_number: clashPr })).rejects.toMatchObject({
      status: 405,
    });
    const res = await octokit.rest.pulls.merge({ owner, repo, pull_number: fixPr, sha: shas.fix });
    conforms('/repos/{owner}/{repo}/pulls/{pull_number}/merge', 'put', 200, res.data);
    expect(res.data).toMatchObject({ merged: true, message: 'Pull Request successfully merged' });
    const main = await octokit.rest.repos.getCommit({ owner, repo, ref: 'main' });
    expect(main.data.sha).toBe(res.data.sha);
    expect(main.data.parents.map((p) => p.sha)).toEqual([shas.main, shas.fix]);
    const pr = await octokit.rest.pulls.get({ owner, repo, pull_number: fixPr });
    conforms('/repos/{owner}/{repo}/pulls/{pull_number}', 'get', 200, pr.data);
    expect(pr.data).toMatchObject({
      state: 'closed',
      merged: true,
      merge_commit_sha: res.data.sha,
      merged_by: { login: 'octocat' },
    });
  });
});
