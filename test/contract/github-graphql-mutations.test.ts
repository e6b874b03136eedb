/**
 * The PR mutations over GraphQL (each document validated against GitHub's real schema before it
 * is sent): createPullRequest (duplicates refused), draft ↔ ready, updatePullRequest
 * (retargeting), updatePullRequestBranch by rebase, mergePullRequest under branch protection,
 * and PullRequest.mergeStateStatus / reviewDecision along the way.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubSchema } from '../../src/rehearsal/github-emulator/graphql-schema.js';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';
import { commitAll, octokitFor, seedRepo, writeFiles, type TestOctokit } from '../support/github-emulator.js';
import { git } from '../support/repo.js';

const TOKEN = 'mutations-token';
let gh: GithubEmulator;
let octokit: TestOctokit;
let tmp: string;
let work: string;
let repositoryId: string;
let prId: string;
let prNumber: number;

interface Answer<T> {
  data: T | null;
  errors?: Array<{ message: string; type?: string }>;
}

/** Sends a schema-valid document and returns GitHub's `{ data, errors }` as is. */
async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  expect(validate(await githubSchema(), parse(query)).map((e) => e.message)).toEqual([]);
  const res = await octokit.request('POST /graphql', { query, variables });
  return res.data as Answer<T>;
}

const PR = 'number isDraft state merged baseRefName headRefName headRefOid mergeStateStatus reviewDecision';
interface Pr {
  number: number;
  isDraft: boolean;
  state: string;
  merged: boolean;
  baseRefName: string;
  headRefName: string;
  headRefOid: string;
  mergeStateStatus: string;
  reviewDecision: string | null;
}

async function push(branch: string, files: Record<string, string>, message: string, from?: string): Promise<string> {
  await git(work, ['fetch', '--quiet', 'origin']);
  await git(work, ['checkout', '--quiet', '-B', branch, `origin/${from ?? branch}`]);
  await writeFiles(work, files);
  const sha = await commitAll(work, message);
  await git(work, ['push', '--quiet', 'origin', `${branch}:${branch}`]);
  return sha;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'drover-gh-mutations-'));
  await seedRepo(path.join(tmp, 'src'));
  gh = await startGithubEmulator({ token: TOKEN, root: path.join(tmp, 'remote') });
  const { cloneUrl } = await gh.addRepo('acme', 'widgets', { from: path.join(tmp, 'src') });
  work = path.join(tmp, 'work');
  await git(tmp, ['clone', '--quiet', cloneUrl, work]);
  await push('g-a', { 'g.txt': 'g\n' }, 'Add g', 'main');
  octokit = octokitFor(gh.url, TOKEN);
  const repo = await gql<{ repository: { id: string } }>('{ repository(owner: "acme", name: "widgets") { id } }');
  repositoryId = repo.data?.repository.id ?? '';
});

afterAll(async () => {
  await gh?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const CREATE = `mutation Create($repo: ID!, $head: String!, $title: String!) {
  createPullRequest(input: { repositoryId: $repo, baseRefName: "main", headRefName: $head, title: $title, body: "Closes #9", draft: true }) {
    pullRequest { id ${PR} } } }`;

describe('GitHub emulator: PR mutations over GraphQL', () => {
  it('createPullRequest opens a draft; a second one for the same head is refused (UNPROCESSABLE); an unknown id is NOT_FOUND', async () => {
    const made = await gql<{ createPullRequest: { pullRequest: Pr & { id: string } } }>(CREATE, {
      repo: repositoryId,
      head: 'g-a',
      title: 'Add g',
    });
    expect(made.errors).toBeUndefined();
    const pr = made.data?.createPullRequest.pullRequest;
    expect(pr).toMatchObject({
      isDraft: true,
      state: 'OPEN',
      baseRefName: 'main',
      headRefName: 'g-a',
      mergeStateStatus: 'DRAFT',
    });
    prId = pr?.id ?? '';
    prNumber = pr?.number ?? 0;
    const again = await gql(CREATE, { repo: repositoryId, head: 'g-a', title: 'Again' });
    expect(again).toMatchObject({
      data: { createPullRequest: null },
      errors: [{ message: 'A pull request already exists for acme:g-a.', type: 'UNPROCESSABLE' }],
    });
    const missing = await gql(CREATE, { repo: 'R_nope', head: 'g-a', title: 'X' });
    expect(missing.errors?.[0]?.type).toBe('NOT_FOUND');
    expect(gh.counters('acme', 'widgets')).toMatchObject({
      pullsCreatedByHead: { 'g-a': 1 },
      duplicatePullsRefused: 1,
    });
  });

  it('markPullRequestReadyForReview and convertPullRequestToDraft', async () => {
    const ready = await gql<{ markPullRequestReadyForReview: { pullRequest: Pr } }>(
      `mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { ${PR} } } }`,
      { id: prId },
    );
    expect(ready.data?.markPullRequestReadyForReview.pullRequest).toMatchObject({
      isDraft: false,
      mergeStateStatus: 'CLEAN',
    });
    const draft = await gql<{ convertPullRequestToDraft: { pullRequest: Pr } }>(
      `mutation($id: ID!) { convertPullRequestToDraft(input: { pullRequestId: $id }) { pullRequest { ${PR} } } }`,
      { id: prId },
    );
    expect(draft.data?.convertPullRequestToDraft.pullRequest.isDraft).toBe(true);
    await gql(
      `mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { clientMutationId } }`,
      { id: prId },
    );
  });

  it('updatePullRequest retargets the base and edits the title; a missing base is refused', async () => {
    const moved = await gql<{ updatePullRequest: { pullRequest: Pr & { title: string } } }>(
      `mutation($id: ID!) { updatePullRequest(input: { pullRequestId: $id, baseRefName: "other", title: "Add g (on other)" }) { pullRequest { title ${PR} } } }`,
      { id: prId },
    );
    expect(moved.data?.updatePullRequest.pullRequest).toMatchObject({
      baseRefName: 'other',
      title: 'Add g (on other)',
    });
    const bad = await gql(
      `mutation($id: ID!) { updatePullRequest(input: { pullRequestId: $id, baseRefName: "nowhere" }) { clientMutationId } }`,
      { id: prId },
    );
    expect(bad.errors?.[0]).toMatchObject({ type: 'UNPROCESSABLE' });
    await gql(
      `mutation($id: ID!) { updatePullRequest(input: { pullRequestId: $id, baseRefName: "main" }) { clientMutationId } }`,
      { id: prId },
    );
  });

  it('updatePullRequestBranch with REBASE replays the head onto the moved base (linear); a stale expectedHeadOid is refused', async () => {
    const before = (await octokit.rest.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: prNumber })).data.head
      .sha;
    const mainTip = await push('main', { 'later.txt': 'later\n' }, 'Main moves on');
    const UPDATE = `mutation($id: ID!, $oid: GitObjectID) { updatePullRequestBranch(input: { pullRequestId: $id, expectedHeadOid: $oid, updateMethod: REBASE }) { pullRequest { ${PR} } } }`;
    const stale = await gql(UPDATE, { id: prId, oid: mainTip });
    expect(stale.errors?.[0]).toMatchObject({
      message: "expected head sha didn't match current head ref.",
      type: 'UNPROCESSABLE',
    });
    const done = await gql<{ updatePullRequestBranch: { pullRequest: Pr } }>(UPDATE, { id: prId, oid: before });
    const head = done.data?.updatePullRequestBranch.pullRequest.headRefOid ?? '';
    expect(head).not.toBe(before);
    const commit = await octokit.rest.repos.getCommit({ owner: 'acme', repo: 'widgets', ref: head });
    expect(commit.data.parents.map((p) => p.sha)).toEqual([mainTip]);
    expect(commit.data.commit.message).toBe('Add g');
  });

  it('mergePullRequest under protection: BLOCKED / REVIEW_REQUIRED until approved, expectedHeadOid checked, then MERGED', async () => {
    await octokit.rest.repos.updateBranchProtection({
      owner: 'acme',
      repo: 'widgets',
      branch: 'main',
      enforce_admins: true,
      restrictions: null,
      required_status_checks: null,
      required_pull_request_reviews: { required_approving_review_count: 1 },
    });
    const STATE = `query($n: Int!) { repository(owner: "acme", name: "widgets") { pullRequest(number: $n) { ${PR} } } }`;
    const blocked = await gql<{ repository: { pullRequest: Pr } }>(STATE, { n: prNumber });
    expect(blocked.data?.repository.pullRequest).toMatchObject({
      mergeStateStatus: 'BLOCKED',
      reviewDecision: 'REVIEW_REQUIRED',
    });
    const MERGE = `mutation($id: ID!, $oid: GitObjectID) { mergePullRequest(input: { pullRequestId: $id, mergeMethod: SQUASH, expectedHeadOid: $oid }) { pullRequest { ${PR} } } }`;
    const refused = await gql(MERGE, { id: prId });
    expect(refused.errors?.[0]).toMatchObject({
      message: 'At least 1 approving review is required by reviewers with write access.',
      type: 'UNPROCESSABLE',
    });
    await gh.submitReview('acme', 'widgets', prNumber, { state: 'APPROVED', author: 'alice' });
    const clean = await gql<{ repository: { pullRequest: Pr } }>(STATE, { n: prNumber });
    expect(clean.data?.repository.pullRequest).toMatchObject({ mergeStateStatus: 'CLEAN', reviewDecision: 'APPROVED' });
    const moved = await gql(MERGE, { id: prId, oid: '0'.repeat(40) });
    expect(moved.errors?.[0]?.message).toBe('Head branch was modified. Review and try the merge again.');
    const merged = await gql<{ mergePullRequest: { pullRequest: Pr } }>(MERGE, {
      id: prId,
      oid: clean.data?.repository.pullRequest.headRefOid,
    });
    expect(merged.errors).toBeUndefined();
    expect(merged.data?.mergePullRequest.pullRequest).toMatchObject({
      state: 'MERGED',
      merged: true,
      mergeStateStatus: 'UNKNOWN',
    });
    expect(gh.counters('acme', 'widgets').merges[prNumber]).toEqual({ attempts: 3, merged: true });
  });
});
