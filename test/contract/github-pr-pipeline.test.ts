/**
 * The PR pipeline over REST through real Octokit: open (duplicates refused), stack, update-branch,
 * branch protection refusals, merge with each method, head deletion retargeting the stacked PR,
 * issues closed by "Closes #N" — each new answer checked against GitHub's OpenAPI schema.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';
import { commitAll, octokitFor, seedRepo, writeFiles, type TestOctokit } from '../support/github-emulator.js';
import { schemaErrors } from '../support/openapi.js';
import { git } from '../support/repo.js';

const TOKEN = 'pipeline-token';
const owner = 'acme';
const repo = 'widgets';
let gh: GithubEmulator;
let octokit: TestOctokit;
let tmp: string;
let work: string;
let issue: number;
let prA: number;
let prB: number;

function conforms(route: string, method: string, status: number, body: unknown): void {
  expect(schemaErrors(route, method, status, body), `${method} ${route} → ${status}`).toEqual([]);
}

/** The refusal Octokit threw: status and GitHub's body. */
async function refusal(p: Promise<unknown>): Promise<{ status: number; message: string; errors?: unknown[] }> {
  const error = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as { status?: number; response?: { data?: { message: string; errors?: unknown[] } } } | undefined;
  expect(error, 'the call was expected to be refused').toBeDefined();
  return {
    status: error?.status ?? 0,
    message: error?.response?.data?.message ?? '',
    errors: error?.response?.data?.errors,
  };
}

/**
 * A merge call without plugin-retry's retries: the plugin retries a 405 (only 400, 401, 403, 404,
 * 422 and 451 are final to it), and each retry is one more attempt in the emulator's counters.
 */
const mergeOnce = (pullNumber: number, extra: { merge_method?: 'merge' | 'squash' | 'rebase'; sha?: string } = {}) =>
  octokit.rest.pulls.merge({ owner, repo, pull_number: pullNumber, ...extra, request: { retries: 0 } });

const tip = async (branch: string): Promise<string> =>
  (await octokit.rest.repos.getCommit({ owner, repo, ref: branch })).data.sha;

/** Commits `files` on `branch` (created from `from` when new) in the working clone and pushes it. */
async function push(branch: string, files: Record<string, string>, message: string, from?: string): Promise<string> {
  await git(work, ['fetch', '--quiet', 'origin']);
  await git(work, ['checkout', '--quiet', '-B', branch, `origin/${from ?? branch}`]);
  await writeFiles(work, files);
  const sha = await commitAll(work, message);
  await git(work, ['push', '--quiet', 'origin', `${branch}:${branch}`]);
  return sha;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'drover-gh-pipeline-'));
  await seedRepo(path.join(tmp, 'src'));
  gh = await startGithubEmulator({ token: TOKEN, root: path.join(tmp, 'remote') });
  const { cloneUrl } = await gh.addRepo(owner, repo, { from: path.join(tmp, 'src') });
  work = path.join(tmp, 'work');
  await git(tmp, ['clone', '--quiet', cloneUrl, work]);
  await push('task-a', { 'a-feature.txt': 'A\n' }, 'Task A', 'main');
  await push('task-b', { 'b-feature.txt': 'B on A\n' }, 'Task B', 'task-a');
  octokit = octokitFor(gh.url, TOKEN);
});

afterAll(async () => {
  await gh?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('GitHub emulator: the PR pipeline over REST', () => {
  it('POST /issues and PATCH /issues/{n}; GET /issues/{n}', async () => {
    const made = await octokit.rest.issues.create({
      owner,
      repo,
      title: 'Add feature A',
      body: 'please',
      labels: ['task'],
    });
    expect(made.status).toBe(201);
    conforms('/repos/{owner}/{repo}/issues', 'post', 201, made.data);
    issue = made.data.number;
    const spare = await octokit.rest.issues.create({ owner, repo, title: 'Spare' });
    const closed = await octokit.rest.issues.update({ owner, repo, issue_number: spare.data.number, state: 'closed' });
    conforms('/repos/{owner}/{repo}/issues/{issue_number}', 'patch', 200, closed.data);
    expect(closed.data).toMatchObject({ state: 'closed', title: 'Spare' });
    expect(closed.data.closed_at).not.toBeNull();
    const got = await octokit.rest.issues.get({ owner, repo, issue_number: issue });
    conforms('/repos/{owner}/{repo}/issues/{issue_number}', 'get', 200, got.data);
    expect(got.data.labels.map((l) => (typeof l === 'string' ? l : l.name))).toEqual(['task']);
    expect((await refusal(octokit.rest.issues.create({ owner, repo, title: '' }))).status).toBe(422);
  });

  it("POST /pulls opens a PR (201); a second one for the same head and base is refused with GitHub's 422", async () => {
    const made = await octokit.rest.pulls.create({
      owner,
      repo,
      head: 'task-a',
      base: 'main',
      title: 'Task A',
      body: `Closes #${issue}\n<!-- drover:task-a -->`,
      maintainer_can_modify: true,
    });
    expect(made.status).toBe(201);
    conforms('/repos/{owner}/{repo}/pulls', 'post', 201, made.data);
    prA = made.data.number;
    expect(made.data).toMatchObject({
      state: 'open',
      draft: false,
      maintainer_can_modify: true,
      head: { ref: 'task-a', sha: await tip('task-a') },
      base: { ref: 'main' },
      user: { login: 'octocat' },
    });

    const dup = await refusal(
      octokit.rest.pulls.create({ owner, repo, head: `${owner}:task-a`, base: 'main', title: 'Again' }),
    );
    expect(dup).toEqual({
      status: 422,
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:task-a.' }],
    });
    const missing = await refusal(octokit.rest.pulls.create({ owner, repo, head: 'nope', base: 'main', title: 'X' }));
    expect(missing).toMatchObject({
      status: 422,
      errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
    });
    const empty = await refusal(
      octokit.rest.pulls.create({ owner, repo, head: 'main', base: 'task-a', title: 'Nothing' }),
    );
    expect(empty).toMatchObject({
      status: 422,
      errors: [{ code: 'custom', message: 'No commits between task-a and main' }],
    });
    expect(
      schemaErrors('/repos/{owner}/{repo}/pulls', 'post', 422, {
        message: dup.message,
        errors: dup.errors,
        documentation_url: 'https://docs.github.com/rest',
      }),
    ).toEqual([]);

    const stacked = await octokit.rest.pulls.create({
      owner,
      repo,
      head: 'task-b',
      base: 'task-a',
      title: 'Task B',
      draft: true,
    });
    prB = stacked.data.number;
    const listed = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:task-b`, state: 'open' });
    expect(listed.data.map((p) => p.number)).toEqual([prB]);
    expect((await octokit.rest.pulls.list({ owner, repo, head: 'task-b' })).data).toEqual([]); // GitHub: a bare branch is not a head filter
    expect(gh.counters(owner, repo)).toMatchObject({
      pullsCreatedByHead: { 'task-a': 1, 'task-b': 1 },
      duplicatePullsRefused: 1,
    });
  });

  it('PATCH /pulls/{n}: title, body, draft PRs cannot merge, close and reopen', async () => {
    const edited = await octokit.rest.pulls.update({ owner, repo, pull_number: prB, title: 'Task B (stacked)' });
    conforms('/repos/{owner}/{repo}/pulls/{pull_number}', 'patch', 200, edited.data);
    expect(edited.data).toMatchObject({ title: 'Task B (stacked)', base: { ref: 'task-a' }, mergeable_state: 'draft' });
    expect(await refusal(mergeOnce(prB))).toMatchObject({ status: 405, message: 'Pull Request is not mergeable' });
    expect((await octokit.rest.pulls.update({ owner, repo, pull_number: prB, state: 'closed' })).data.state).toBe(
      'closed',
    );
    expect((await octokit.rest.pulls.update({ owner, repo, pull_number: prB, state: 'open' })).data.state).toBe('open');
    const badBase = await refusal(octokit.rest.pulls.update({ owner, repo, pull_number: prB, base: 'no-such-branch' }));
    expect(badBase).toMatchObject({ status: 422, errors: [{ field: 'base', code: 'invalid' }] });
  });

  it('branch protection: PUT/GET/DELETE, and merges refused for missing checks, missing approval, changes requested, a head behind', async () => {
    const put = await octokit.rest.repos.updateBranchProtection({
      owner,
      repo,
      branch: 'main',
      enforce_admins: true,
      restrictions: null,
      required_status_checks: { strict: true, contexts: ['ci'] },
      required_pull_request_reviews: { required_approving_review_count: 1 },
    });
    conforms('/repos/{owner}/{repo}/branches/{branch}/protection', 'put', 200, put.data);
    const got = await octokit.rest.repos.getBranchProtection({ owner, repo, branch: 'main' });
    conforms('/repos/{owner}/{repo}/branches/{branch}/protection', 'get', 200, got.data);
    expect(got.data).toMatchObject({
      required_status_checks: { strict: true, contexts: ['ci'] },
      required_pull_request_reviews: { required_approving_review_count: 1 },
      enforce_admins: { enabled: true },
    });
    expect(await refusal(octokit.rest.repos.getBranchProtection({ owner, repo, branch: 'task-a' }))).toMatchObject({
      status: 404,
      message: 'Branch not protected',
    });

    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: prA })).data.mergeable_state).toBe('blocked');
    expect(await refusal(mergeOnce(prA))).toEqual({
      status: 405,
      message: 'Required status check "ci" is expected.',
      errors: undefined,
    });
    gh.postCheckRun(owner, repo, { headSha: await tip('task-a'), name: 'ci', conclusion: 'failure' });
    expect((await refusal(mergeOnce(prA))).message).toBe('Required status check "ci" is failing.');
    gh.postCheckRun(owner, repo, { headSha: await tip('task-a'), name: 'ci', conclusion: 'success' });
    expect((await refusal(mergeOnce(prA))).message).toBe(
      'At least 1 approving review is required by reviewers with write access.',
    );
    await gh.submitReview(owner, repo, prA, { state: 'CHANGES_REQUESTED', author: 'alice' });
    expect((await refusal(mergeOnce(prA))).status).toBe(405);
    await gh.submitReview(owner, repo, prA, { state: 'APPROVED', author: 'alice' });
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: prA })).data.mergeable_state).toBe('clean');

    await push('main', { 'main-moves.txt': 'later\n' }, 'Main moves on');
    const behind = await octokit.rest.pulls.get({ owner, repo, pull_number: prA });
    expect(behind.data.mergeable_state).toBe('behind');
    expect((await refusal(mergeOnce(prA))).message).toBe('Required status check "ci" is expected.');
    expect(gh.counters(owner, repo).merges[prA]).toEqual({ attempts: 5, merged: false });
  });

  it('PUT /pulls/{n}/update-branch merges the base into the head (202); a stale expected_head_sha is refused', async () => {
    const before = await tip('task-a');
    const stale = await refusal(
      octokit.rest.pulls.updateBranch({ owner, repo, pull_number: prA, expected_head_sha: await tip('main') }),
    );
    expect(stale).toMatchObject({ status: 422, message: "expected head sha didn't match current head ref." });
    const res = await octokit.rest.pulls.updateBranch({ owner, repo, pull_number: prA, expected_head_sha: before });
    expect(res.status).toBe(202);
    conforms('/repos/{owner}/{repo}/pulls/{pull_number}/update-branch', 'put', 202, res.data);
    expect(res.data.message).toBe('Updating pull request branch.');
    const head = await octokit.rest.repos.getCommit({ owner, repo, ref: 'task-a' });
    expect(head.data.parents.map((p) => p.sha)).toEqual([before, await tip('main')]);
    expect(head.data.commit.message).toBe("Merge branch 'main' into task-a");
    expect((await refusal(octokit.rest.pulls.updateBranch({ owner, repo, pull_number: prA }))).message).toBe(
      'There are no new commits on the base branch.',
    );
    // The new head has no CI yet and the approval still counts (stale reviews are not dismissed).
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: prA })).data.mergeable_state).toBe('blocked');
    gh.postCheckRun(owner, repo, { headSha: head.data.sha, name: 'ci', conclusion: 'success' });
  });

  it('merge (squash) with delete_branch_on_merge: the issue closes, the head goes, the stacked PR is retargeted to main', async () => {
    const patched = await octokit.rest.repos.update({ owner, repo, delete_branch_on_merge: true });
    conforms('/repos/{owner}/{repo}', 'patch', 200, patched.data);
    expect(patched.data.delete_branch_on_merge).toBe(true);
    const merged = await octokit.rest.pulls.merge({
      owner,
      repo,
      pull_number: prA,
      merge_method: 'squash',
      sha: await tip('task-a'),
    });
    conforms('/repos/{owner}/{repo}/pulls/{pull_number}/merge', 'put', 200, merged.data);
    const main = await octokit.rest.repos.getCommit({ owner, repo, ref: 'main' });
    expect(main.data.sha).toBe(merged.data.sha);
    expect(main.data.parents).toHaveLength(1);
    expect(main.data.commit.message.split('\n')[0]).toBe(`Task A (#${prA})`);
    expect((await octokit.rest.issues.get({ owner, repo, issue_number: issue })).data.state).toBe('closed');
    expect((await refusal(octokit.rest.repos.getCommit({ owner, repo, ref: 'task-a' }))).status).toBe(422);
    const b = await octokit.rest.pulls.get({ owner, repo, pull_number: prB });
    expect(b.data).toMatchObject({ state: 'open', base: { ref: 'main' } });
    expect(await refusal(mergeOnce(prA))).toMatchObject({ status: 405 });
    expect(gh.counters(owner, repo).merges[prA]).toEqual({ attempts: 7, merged: true });
  });

  it("rebase merge replays the stacked PR's own commits onto main; DELETE /git/refs answers 204, then 422", async () => {
    await octokit.rest.repos.deleteBranchProtection({ owner, repo, branch: 'main' });
    await octokit.rest.repos.update({ owner, repo, delete_branch_on_merge: false });
    await octokit.rest.pulls.update({ owner, repo, pull_number: prB, body: 'fixes: #99 does not exist' });
    await octokit.graphql(
      `mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } } }`,
      { id: (await octokit.rest.pulls.get({ owner, repo, pull_number: prB })).data.node_id },
    );
    const mainBefore = await tip('main');
    const merged = await octokit.rest.pulls.merge({ owner, repo, pull_number: prB, merge_method: 'rebase' });
    const main = await octokit.rest.repos.getCommit({ owner, repo, ref: 'main' });
    expect(main.data.sha).toBe(merged.data.sha);
    expect(main.data.commit.message).toBe('Task B');
    expect(main.data.commit.author?.name).toBe('Dev');
    expect(main.data.commit.committer?.name).toBe('GitHub');
    expect(main.data.parents.map((p) => p.sha)).toEqual([mainBefore]);
    const del = await octokit.rest.git.deleteRef({ owner, repo, ref: 'heads/task-b' });
    expect(del.status).toBe(204);
    expect(await refusal(octokit.rest.git.deleteRef({ owner, repo, ref: 'heads/task-b' }))).toMatchObject({
      status: 422,
      message: 'Reference does not exist',
    });
    expect(gh.counters(owner, repo)).toMatchObject({
      pullsCreatedByHead: { 'task-a': 1, 'task-b': 1 },
      duplicatePullsRefused: 1,
      merges: { [prB]: { attempts: 2, merged: true } },
    }); // the draft refusal, then the merge
  });

  it('a rebase that conflicts is refused with 405 and moves nothing', async () => {
    const pr = await octokit.rest.pulls.create({ owner, repo, head: 'clash', base: 'main', title: 'Clash' });
    const mainBefore = await tip('main');
    expect((await refusal(mergeOnce(pr.data.number, { merge_method: 'rebase' }))).status).toBe(405);
    expect(await tip('main')).toBe(mainBefore);
    expect((await refusal(octokit.rest.pulls.updateBranch({ owner, repo, pull_number: pr.data.number }))).message).toBe(
      'merge conflict between base and head',
    );
  });
});
