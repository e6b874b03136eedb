import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubSchema } from '../../src/rehearsal/github-emulator/graphql-schema.js';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';
import { octokitFor, seedRepo, type TestOctokit } from '../support/github-emulator.js';

const TOKEN = 'graphql-token';
let gh: GithubEmulator;
let octokit: TestOctokit;
let tmp: string;
let shas: Record<string, string>;
const threadIds: string[] = [];

/** The query must be valid against GitHub's real schema before it is sent. */
async function valid(query: string): Promise<string> {
  expect(validate(await githubSchema(), parse(query)).map((e) => e.message)).toEqual([]);
  return query;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'drover-gh-graphql-'));
  ({ shas } = await seedRepo(path.join(tmp, 'src')));
  gh = await startGithubEmulator({ token: TOKEN, root: path.join(tmp, 'remote') });
  await gh.addRepo('acme', 'widgets', { from: path.join(tmp, 'src') });
  await gh.addRepo('acme', 'gadgets', { from: path.join(tmp, 'src') });
  await gh.createPullRequest('acme', 'widgets', {
    head: 'fix',
    base: 'main',
    title: 'Fix x',
    labels: ['bug', 'drover'],
    author: 'dev',
  });
  await gh.createPullRequest('acme', 'widgets', {
    head: 'clash',
    base: 'main',
    title: 'Clash',
    labels: ['drover'],
    draft: true,
  });
  await gh.createPullRequest('acme', 'widgets', { head: 'other', base: 'main', title: 'Other', labels: ['docs'] });
  await gh.createPullRequest('acme', 'gadgets', { head: 'other', base: 'main', title: 'Gadget change' });
  for (let i = 1; i <= 5; i++) {
    const { threadId } = await gh.addReviewThread('acme', 'widgets', 1, {
      path: 'src/app.ts',
      line: i,
      body: `note ${i}`,
      author: 'alice',
    });
    threadIds.push(threadId);
  }
  await gh.addThreadComment(threadIds[0] ?? '', { body: 'and another thing', author: 'bob' });
  gh.resolveThread(threadIds[4] ?? '', 'alice');
  await gh.submitReview('acme', 'widgets', 1, { state: 'APPROVED', author: 'carol' });
  await gh.submitReview('acme', 'widgets', 1, { state: 'CHANGES_REQUESTED', author: 'alice', body: 'fix it' });
  gh.postCheckRun('acme', 'widgets', { headSha: shas.fix ?? '', name: 'test', conclusion: 'failure' });
  gh.setCommitStatus('acme', 'widgets', shas.fix ?? '', { context: 'ci/lint', state: 'success' });
  octokit = octokitFor(gh.url, TOKEN);
});

afterAll(async () => {
  await gh?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const PR_FIELDS = `
  id number title url state isDraft mergeable headRefName headRefOid baseRefName author { login } reviewDecision updatedAt
  labels(first: 10) { nodes { name } }
  reviewThreads(first: 3) { totalCount pageInfo { hasNextPage endCursor } nodes {
    id isResolved isOutdated path line originalLine resolvedBy { login }
    comments(first: 10) { totalCount nodes { id databaseId body author { login } createdAt url } } } }
  reviews(first: 10, states: [APPROVED, CHANGES_REQUESTED]) { nodes { id state submittedAt author { login } commit { oid } } }
  commits(last: 1) { nodes { commit { oid committedDate statusCheckRollup { state contexts(first: 10) { nodes {
    __typename ... on CheckRun { name status conclusion detailsUrl } ... on StatusContext { context state targetUrl } } } } } } }`;

describe("GitHub emulator GraphQL on GitHub's schema", () => {
  it('batches two repositories through aliases with the PR fields Drover reads', async () => {
    const query = await valid(`query Batch {
      widgets: repository(owner: "acme", name: "widgets") {
        nameWithOwner defaultBranchRef { name }
        pr1: pullRequest(number: 1) { ${PR_FIELDS} }
        pr2: pullRequest(number: 2) { number mergeable isDraft headRefOid }
        open: pullRequests(states: [OPEN], labels: ["drover"], first: 1, orderBy: { field: CREATED_AT, direction: ASC }) {
          totalCount pageInfo { hasNextPage endCursor } nodes { number title } }
      }
      gadgets: repository(owner: "acme", name: "gadgets") { nameWithOwner pullRequests(first: 10, states: [OPEN]) { totalCount nodes { number headRefName mergeable } } }
      rateLimit { cost remaining limit resetAt }
    }`);
    type Res = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await octokit.graphql<Res>(query);
    const pr = res.widgets.pr1;
    expect(res.widgets.nameWithOwner).toBe('acme/widgets');
    expect(res.widgets.defaultBranchRef).toEqual({ name: 'main' });
    expect(pr).toMatchObject({
      number: 1,
      title: 'Fix x',
      url: `${gh.url}/acme/widgets/pull/1`,
      state: 'OPEN',
      isDraft: false,
      mergeable: 'MERGEABLE',
      headRefName: 'fix',
      headRefOid: shas.fix,
      baseRefName: 'main',
      author: { login: 'dev' },
      reviewDecision: 'CHANGES_REQUESTED',
      labels: { nodes: [{ name: 'bug' }, { name: 'drover' }] },
    });
    expect(pr.id).toMatch(/^PR_/);
    expect(pr.reviewThreads.totalCount).toBe(5);
    expect(pr.reviewThreads.pageInfo.hasNextPage).toBe(true);
    expect(pr.reviewThreads.nodes[0]).toMatchObject({
      id: threadIds[0],
      isResolved: false,
      isOutdated: false,
      path: 'src/app.ts',
      line: 1,
      originalLine: 1,
      resolvedBy: null,
      comments: {
        totalCount: 2,
        nodes: [
          { body: 'note 1', author: { login: 'alice' } },
          { body: 'and another thing', author: { login: 'bob' } },
        ],
      },
    });
    expect(pr.reviewThreads.nodes[0].comments.nodes[0].databaseId).toEqual(expect.any(Number));
    expect(pr.reviews.nodes.map((r: Res) => [r.state, r.author.login, r.commit.oid])).toEqual([
      ['APPROVED', 'carol', shas.fix],
      ['CHANGES_REQUESTED', 'alice', shas.fix],
    ]);
    const commit = pr.commits.nodes[0].commit;
    expect(commit.oid).toBe(shas.fix);
    expect(commit.committedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(commit.statusCheckRollup.state).toBe('FAILURE');
    expect(commit.statusCheckRollup.contexts.nodes).toEqual([
      {
        __typename: 'CheckRun',
        name: 'test',
        status: 'COMPLETED',
        conclusion: 'FAILURE',
        detailsUrl: expect.stringContaining('/acme/widgets/runs/'),
      },
      { __typename: 'StatusContext', context: 'ci/lint', state: 'SUCCESS', targetUrl: null },
    ]);
    expect(res.widgets.pr2).toEqual({ number: 2, mergeable: 'CONFLICTING', isDraft: true, headRefOid: shas.clash });
    expect(res.widgets.open).toMatchObject({
      totalCount: 2,
      pageInfo: { hasNextPage: true },
      nodes: [{ number: 1, title: 'Fix x' }],
    });
    expect(res.gadgets).toEqual({
      nameWithOwner: 'acme/gadgets',
      pullRequests: { totalCount: 1, nodes: [{ number: 1, headRefName: 'other', mergeable: 'MERGEABLE' }] },
    });
    expect(res.rateLimit).toMatchObject({ cost: 1, limit: 5000 });
    expect(res.rateLimit.remaining).toBe(5000 - gh.counts().graphql);
    expect(gh.requests().at(-1)).toMatchObject({ graphql: true, operationName: 'Batch', status: 200 });
  });

  it('pages review threads with cursors (by hand and with octokit.graphql.paginate), and from the end with last/before', async () => {
    const query =
      await valid(`query Threads($cursor: String) { repository(owner: "acme", name: "widgets") { pullRequest(number: 1) {
      reviewThreads(first: 2, after: $cursor) { totalCount pageInfo { hasNextPage endCursor } nodes { id isResolved comments(last: 1) { nodes { body } } } } } } }`);
    type Page = {
      repository: {
        pullRequest: {
          reviewThreads: {
            totalCount: number;
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
            nodes: Array<{ id: string; isResolved: boolean; comments: { nodes: Array<{ body: string }> } }>;
          };
        };
      };
    };
    const seen: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await octokit.graphql<Page>(query, { cursor });
      const threads = page.repository.pullRequest.reviewThreads;
      seen.push(threads.nodes.map((t) => t.id));
      cursor = threads.pageInfo.hasNextPage ? threads.pageInfo.endCursor : null;
    } while (cursor);
    expect(seen).toEqual([threadIds.slice(0, 2), threadIds.slice(2, 4), threadIds.slice(4)]);

    const all = await octokit.graphql.paginate<Page>(query);
    const nodes = all.repository.pullRequest.reviewThreads.nodes;
    expect(nodes.map((t) => t.id)).toEqual(threadIds);
    expect(nodes.map((t) => t.comments.nodes[0]?.body)).toEqual([
      'and another thing',
      'note 2',
      'note 3',
      'note 4',
      'note 5',
    ]);
    expect(nodes.filter((t) => !t.isResolved)).toHaveLength(4);

    const tail = await octokit.graphql<{
      repository: {
        pullRequest: {
          reviewThreads: { pageInfo: { hasPreviousPage: boolean; startCursor: string }; nodes: Array<{ id: string }> };
        };
      };
    }>(
      await valid(
        `{ repository(owner: "acme", name: "widgets") { pullRequest(number: 1) { reviewThreads(last: 2) { pageInfo { hasPreviousPage startCursor } nodes { id } } } } }`,
      ),
    );
    const t = tail.repository.pullRequest.reviewThreads;
    expect(t.nodes.map((n) => n.id)).toEqual(threadIds.slice(3));
    expect(t.pageInfo.hasPreviousPage).toBe(true);
    const before = await octokit.graphql<{
      repository: { pullRequest: { reviewThreads: { nodes: Array<{ id: string }> } } };
    }>(
      await valid(
        `query($b: String) { repository(owner: "acme", name: "widgets") { pullRequest(number: 1) { reviewThreads(last: 2, before: $b) { nodes { id } } } } }`,
      ),
      { b: t.pageInfo.startCursor },
    );
    expect(before.repository.pullRequest.reviewThreads.nodes.map((n) => n.id)).toEqual(threadIds.slice(1, 3));
  });

  it('resolveReviewThread and addPullRequestReviewThreadReply change the threads', async () => {
    const resolve = await valid(
      `mutation Resolve($id: ID!) { resolveReviewThread(input: { threadId: $id }) { thread { id isResolved } } }`,
    );
    const resolved = await octokit.graphql<{ resolveReviewThread: { thread: { id: string; isResolved: boolean } } }>(
      resolve,
      { id: threadIds[1] },
    );
    expect(resolved.resolveReviewThread.thread).toEqual({ id: threadIds[1], isResolved: true });
    const reply = await valid(
      `mutation Reply($id: ID!, $body: String!) { addPullRequestReviewThreadReply(input: { pullRequestReviewThreadId: $id, body: $body }) { comment { id databaseId body } } }`,
    );
    const replied = await octokit.graphql<{
      addPullRequestReviewThreadReply: { comment: { id: string; databaseId: number; body: string } };
    }>(reply, { id: threadIds[2], body: 'Fixed in deadbeef' });
    expect(replied.addPullRequestReviewThreadReply.comment).toMatchObject({
      body: 'Fixed in deadbeef',
      id: expect.stringMatching(/^PRRC_/),
    });

    const threads = gh.threads('acme', 'widgets', 1);
    expect(threads[1]?.resolvedBy).toBe('octocat');
    expect(threads[2]?.comments.map((c) => [c.body, c.author])).toEqual([
      ['note 3', 'alice'],
      ['Fixed in deadbeef', 'octocat'],
    ]);
    expect(threads[2]?.comments[1]?.id).toBe(replied.addPullRequestReviewThreadReply.comment.databaseId);
    await expect(octokit.graphql(resolve, { id: 'PRRT_nope' })).rejects.toThrow(
      "Could not resolve to PullRequestReviewThread node with the global id of 'PRRT_nope'",
    );
  });

  it('invalid queries come back as HTTP 200 with errors, like GitHub', async () => {
    const post = (query: string) =>
      fetch(`${gh.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
    const unknown = await post('{ repository(owner: "acme", name: "widgets") { nope } }');
    expect(unknown.status).toBe(200);
    const body = (await unknown.json()) as { data?: unknown; errors: Array<{ message: string }> };
    expect(body.data).toBeUndefined();
    expect(body.errors[0]?.message).toMatch(/^Cannot query field "nope" on type "Repository"\./);
    const syntax = (await (await post('{ repository(')).json()) as { errors: Array<{ message: string }> };
    expect(syntax.errors[0]?.message).toMatch(/^Syntax Error/);
    const unpaged = (await (
      await post('{ repository(owner: "acme", name: "widgets") { pullRequests { totalCount } } }')
    ).json()) as { errors: Array<{ message: string; path: string[] }> };
    expect(unpaged.errors[0]).toMatchObject({
      message: 'You must provide a `first` or `last` value to properly paginate the `pullRequests` connection.',
      path: ['repository', 'pullRequests'],
    });
    const missing = (await (await post('{ repository(owner: "acme", name: "nope") { id } }')).json()) as {
      data: unknown;
      errors: Array<{ type: string; message: string }>;
    };
    expect(missing).toMatchObject({
      data: { repository: null },
      errors: [{ type: 'NOT_FOUND', message: "Could not resolve to a Repository with the name 'acme/nope'." }],
    });
  });
});
