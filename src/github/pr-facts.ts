/**
 * Reads the facts the PR gate judges: head, mergeability, branch commits and reviews (one
 * GraphQL query), every review thread (GraphQL, all pages), and the checks and statuses on
 * the head SHA (REST). Parsed with zod so a surprise in GitHub's answer fails loudly.
 */
import { z } from 'zod';
import { isGreenCheck } from '../domain/check-conclusion.js';
import type { CheckFact, PrFacts, PrRef, ReviewThread } from '../domain/pull-request.js';
import { graphqlOptions, type GithubClient } from './client.js';
import { PULL_REQUEST_QUERY, REVIEW_THREADS_QUERY } from './queries.js';

const Author = z.object({ login: z.string() }).nullable();
const Comment = z.object({ body: z.string(), createdAt: z.string(), author: Author });

const PullRequestAnswer = z.object({
  repository: z
    .object({
      pullRequest: z
        .object({
          title: z.string(),
          url: z.string(),
          state: z.enum(['OPEN', 'CLOSED', 'MERGED']),
          headRefName: z.string(),
          headRefOid: z.string(),
          baseRefName: z.string(),
          mergeable: z.enum(['MERGEABLE', 'CONFLICTING', 'UNKNOWN']),
          commits: z.object({
            nodes: z.array(z.object({ commit: z.object({ oid: z.string(), committedDate: z.string() }) })),
          }),
          reviews: z.object({
            nodes: z.array(
              z.object({
                state: z.enum(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED', 'PENDING']),
                submittedAt: z.string().nullable(),
                author: Author,
                commit: z.object({ oid: z.string() }).nullable(),
              }),
            ),
          }),
        })
        .nullable(),
    })
    .nullable(),
});

const ThreadsAnswer = z.object({
  repository: z.object({
    pullRequest: z.object({
      reviewThreads: z.object({
        totalCount: z.number().int(),
        nodes: z.array(
          z.object({
            id: z.string(),
            isResolved: z.boolean(),
            isOutdated: z.boolean(),
            path: z.string().nullable(),
            line: z.number().int().nullable(),
            firstComment: z.object({ totalCount: z.number().int(), nodes: z.array(Comment) }),
            lastComment: z.object({ nodes: z.array(Comment) }),
          }),
        ),
      }),
    }),
  }),
});

const login = (a: { login: string } | null): string => a?.login ?? 'ghost';
const comment = (c: z.infer<typeof Comment> | undefined) =>
  c ? { author: login(c.author), body: c.body, createdAt: c.createdAt } : null;

export interface PrSnapshot {
  title: string;
  url: string;
  state: PrFacts['state'];
  headRefName: string;
  headSha: string;
  baseRefName: string;
  mergeable: PrFacts['mergeable'];
  headCommittedAt: string | null;
  /** Oldest first; the last one is the head. */
  commits: Array<{ oid: string; committedDate: string }>;
  reviews: PrFacts['reviews'];
}

export async function fetchPullRequest(gh: GithubClient, pr: PrRef, apiUrl?: string): Promise<PrSnapshot> {
  const raw = await gh.graphql(PULL_REQUEST_QUERY, {
    owner: pr.owner,
    repo: pr.repo,
    number: pr.number,
    ...graphqlOptions(apiUrl),
  });
  const got = PullRequestAnswer.parse(raw).repository?.pullRequest;
  if (!got)
    throw Object.assign(new Error(`pull request ${pr.owner}/${pr.repo}#${pr.number} not found`), { status: 404 });
  const commits = got.commits.nodes.map((n) => n.commit);
  return {
    title: got.title,
    url: got.url,
    state: got.state,
    headRefName: got.headRefName,
    headSha: got.headRefOid,
    baseRefName: got.baseRefName,
    mergeable: got.mergeable,
    headCommittedAt: commits.find((c) => c.oid === got.headRefOid)?.committedDate ?? null,
    commits,
    reviews: got.reviews.nodes.map((r) => ({
      author: login(r.author),
      state: r.state,
      submittedAt: r.submittedAt,
      commitSha: r.commit?.oid ?? null,
    })),
  };
}

/** Every review thread over all pages (graphql.paginate follows `pageInfo`). */
export async function fetchReviewThreads(
  gh: GithubClient,
  pr: PrRef,
  pageSize = 50,
  apiUrl?: string,
): Promise<ReviewThread[]> {
  const raw = await gh.graphql.paginate(REVIEW_THREADS_QUERY, {
    owner: pr.owner,
    repo: pr.repo,
    number: pr.number,
    pageSize,
    ...graphqlOptions(apiUrl),
  });
  return ThreadsAnswer.parse(raw).repository.pullRequest.reviewThreads.nodes.map((t) => ({
    id: t.id,
    isResolved: t.isResolved,
    isOutdated: t.isOutdated,
    path: t.path,
    line: t.line,
    first: comment(t.firstComment.nodes[0]),
    last: comment(t.lastComment.nodes[0]),
    commentCount: t.firstComment.totalCount,
  }));
}

const STATUS_TO_CHECK: Record<string, { status: string; conclusion: string | null }> = {
  success: { status: 'completed', conclusion: 'success' },
  failure: { status: 'completed', conclusion: 'failure' },
  error: { status: 'completed', conclusion: 'failure' },
  pending: { status: 'in_progress', conclusion: null },
};

/** Check runs and commit statuses on one commit, as one list. */
export async function fetchChecks(gh: GithubClient, pr: PrRef, sha: string): Promise<CheckFact[]> {
  const runs = await gh.paginate(gh.rest.checks.listForRef, {
    owner: pr.owner,
    repo: pr.repo,
    ref: sha,
    per_page: 100,
  });
  const combined = await gh.rest.repos.getCombinedStatusForRef({
    owner: pr.owner,
    repo: pr.repo,
    ref: sha,
    per_page: 100,
  });
  const checks: CheckFact[] = runs.map((r) => ({
    name: r.name,
    headSha: r.head_sha,
    status: r.status,
    conclusion: r.conclusion ?? null,
    summary: r.output?.summary ?? r.output?.title ?? null,
    text: r.output?.text ?? null,
    url: r.details_url ?? r.html_url ?? null,
  }));
  for (const s of combined.data.statuses) {
    const mapped = STATUS_TO_CHECK[s.state] ?? { status: 'completed', conclusion: s.state };
    checks.push({
      name: s.context,
      headSha: sha,
      ...mapped,
      summary: s.description ?? null,
      text: null,
      url: s.target_url ?? null,
    });
  }
  return checks;
}

const allGreen = (checks: CheckFact[]): boolean => checks.length > 0 && checks.every(isGreenCheck);

/** The full picture for the gate and the brief. */
export async function fetchPrFacts(
  gh: GithubClient,
  pr: PrRef,
  options: { threadPageSize?: number; apiUrl?: string } = {},
): Promise<PrFacts & { commits: string[] }> {
  const snap = await fetchPullRequest(gh, pr, options.apiUrl);
  const threads = await fetchReviewThreads(gh, pr, options.threadPageSize, options.apiUrl);
  const checks = await fetchChecks(gh, pr, snap.headSha);
  let olderGreenSha: string | null = null;
  if (checks.length === 0) {
    for (const c of [...snap.commits].reverse().slice(1, 4)) {
      if (allGreen(await fetchChecks(gh, pr, c.oid))) {
        olderGreenSha = c.oid;
        break;
      }
    }
  }
  return {
    pr,
    title: snap.title,
    url: snap.url,
    state: snap.state,
    headRefName: snap.headRefName,
    headSha: snap.headSha,
    baseRefName: snap.baseRefName,
    mergeable: snap.mergeable,
    headCommittedAt: snap.headCommittedAt,
    checks,
    olderGreenSha,
    threads,
    reviews: snap.reviews,
    commits: snap.commits.map((c) => c.oid),
  };
}
