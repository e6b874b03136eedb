/**
 * Plain objects in the shape of GitHub's GraphQL types, backed by the store and live git state.
 * graphql-js's default resolver reads properties and calls function-valued ones with the field
 * arguments, so connections are functions; interfaces and unions resolve by `__typename`.
 */
import { commitsBetween, type GitCommit } from './git-refs.js';
import { connection, type ConnectionArgs } from './graphql-connection.js';
import type { PullView, PullViewer, ThreadPosition } from './pull-view.js';
import { pullNodeId, repositoryNodeId } from './rest-shapes.js';
import { mergeState } from './store-protection.js';
import type {
  GithubStore,
  StoredCheckRun,
  StoredPull,
  StoredRepo,
  StoredReview,
  StoredReviewComment,
  StoredStatus,
  StoredThread,
} from './store.js';
import { checkRunsFor, rollupState, statusesFor } from './store-checks.js';
import { issueCommentsOf, reviewDecision, reviewsOf } from './store-pulls.js';
import { threadsOf } from './store-threads.js';

export interface GraphqlContext {
  store: GithubStore;
  viewer: PullViewer;
  baseUrl: string;
  rate: { limit: number; remaining: number; used: number; resetAt: string };
  /** The authenticated user (the emulator does not map tokens to users). */
  login: string;
}

type Obj = Record<string, unknown>;

export const actor = (login: string, ctx: GraphqlContext): Obj => ({
  __typename: login.endsWith('[bot]') ? 'Bot' : 'User',
  login: login.replace(/\[bot\]$/, ''),
  url: `${ctx.baseUrl}/${login}`,
  avatarUrl: `${ctx.baseUrl}/avatars/${login}`,
  id: `U_${Buffer.from(login).toString('base64url')}`,
});

const repoUrl = (repo: StoredRepo, ctx: GraphqlContext): string => `${ctx.baseUrl}/${repo.owner}/${repo.name}`;

export function reviewCommentModel(
  repo: StoredRepo,
  c: StoredReviewComment,
  ctx: GraphqlContext,
  at?: ThreadPosition,
): Obj {
  return {
    __typename: 'PullRequestReviewComment',
    id: c.nodeId,
    databaseId: c.id,
    fullDatabaseId: String(c.id),
    body: c.body,
    bodyText: c.body,
    author: actor(c.author, ctx),
    createdAt: c.createdAt,
    updatedAt: c.createdAt,
    publishedAt: c.createdAt,
    url: `${repoUrl(repo, ctx)}/pull/${c.number}#discussion_r${c.id}`,
    path: at?.path,
    outdated: at?.outdated ?? false,
    commit: { __typename: 'Commit', oid: c.commitId },
    originalCommit: { __typename: 'Commit', oid: c.commitId },
    line: at?.line ?? null,
    originalLine: at?.originalLine ?? null,
  };
}

export function threadModel(repo: StoredRepo, t: StoredThread, view: PullView, ctx: GraphqlContext): Obj {
  let position: Promise<ThreadPosition> | undefined;
  const at = (): Promise<ThreadPosition> => (position ??= ctx.viewer.threadAt(view, t));
  return {
    __typename: 'PullRequestReviewThread',
    id: t.id,
    isResolved: t.resolvedBy !== null,
    isCollapsed: t.resolvedBy !== null,
    isOutdated: async () => (await at()).outdated,
    path: t.path,
    line: async () => (await at()).line,
    originalLine: t.line,
    startLine: null,
    originalStartLine: null,
    diffSide: 'RIGHT',
    startDiffSide: null,
    subjectType: 'LINE',
    resolvedBy: t.resolvedBy === null ? null : actor(t.resolvedBy, ctx),
    viewerCanReply: true,
    viewerCanResolve: t.resolvedBy === null,
    viewerCanUnresolve: t.resolvedBy !== null,
    comments: async (args: ConnectionArgs) => {
      const position = await at();
      return connection(
        t.comments.map((c) => reviewCommentModel(repo, c, ctx, position)),
        args,
        'comments',
      );
    },
  };
}

function reviewModel(repo: StoredRepo, r: StoredReview, ctx: GraphqlContext): Obj {
  return {
    __typename: 'PullRequestReview',
    id: r.nodeId,
    databaseId: r.id,
    fullDatabaseId: String(r.id),
    state: r.state,
    body: r.body,
    submittedAt: r.submittedAt,
    createdAt: r.submittedAt,
    publishedAt: r.submittedAt,
    updatedAt: r.submittedAt,
    author: actor(r.author, ctx),
    commit: { __typename: 'Commit', oid: r.commitId },
    url: `${repoUrl(repo, ctx)}/pull/${r.number}#pullrequestreview-${r.id}`,
  };
}

const upper = (s: string | null): string | null => (s === null ? null : s.toUpperCase());

function checkRunModel(run: StoredCheckRun, repo: StoredRepo, ctx: GraphqlContext): Obj {
  const url = `${repoUrl(repo, ctx)}/runs/${run.id}`;
  return {
    __typename: 'CheckRun',
    id: run.nodeId,
    databaseId: run.id,
    name: run.name,
    status: upper(run.status),
    conclusion: upper(run.conclusion),
    detailsUrl: run.detailsUrl ?? url,
    url,
    permalink: url,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
    title: run.title,
    summary: run.summary,
    text: run.text,
    isRequired: () => false,
  };
}

function statusModel(s: StoredStatus): Obj {
  return {
    __typename: 'StatusContext',
    id: s.nodeId,
    context: s.context,
    state: upper(s.state),
    targetUrl: s.targetUrl,
    description: s.description,
    createdAt: s.createdAt,
    isRequired: () => false,
  };
}

export function commitModel(repo: StoredRepo, c: GitCommit, ctx: GraphqlContext): Obj {
  return {
    __typename: 'Commit',
    id: `C_${Buffer.from(`${repo.id}:${c.sha}`).toString('base64url')}`,
    oid: c.sha,
    abbreviatedOid: c.sha.slice(0, 7),
    committedDate: c.committer.date,
    authoredDate: c.author.date,
    pushedDate: c.committer.date,
    message: c.message,
    messageHeadline: c.message.split('\n')[0] ?? '',
    url: `${repoUrl(repo, ctx)}/commit/${c.sha}`,
    statusCheckRollup: () => {
      const runs = checkRunsFor(repo, c.sha);
      const statuses = statusesFor(repo, c.sha);
      const state = rollupState(runs, statuses);
      if (state === null) return null;
      const contexts = [...runs.map((r) => checkRunModel(r, repo, ctx)), ...statuses.map(statusModel)];
      return {
        __typename: 'StatusCheckRollup',
        id: `SCR_${c.sha}`,
        state,
        contexts: (args: ConnectionArgs) => connection(contexts, args, 'contexts'),
      };
    },
  };
}

const mergeableState = (m: boolean | null): string =>
  m === true ? 'MERGEABLE' : m === false ? 'CONFLICTING' : 'UNKNOWN';
const prState = (p: StoredPull): string => (p.merged ? 'MERGED' : p.issue.state === 'open' ? 'OPEN' : 'CLOSED');

/** Without protection: as if one approval were required; with required approvals missing: REVIEW_REQUIRED. */
function decisionOf(view: PullView): string | null {
  const decided = reviewDecision(reviewsOf(view.repo, view.pull.issue.number));
  return decided === 'CHANGES_REQUESTED' || !mergeState(view).reviewRequired ? decided : 'REVIEW_REQUIRED';
}

export function pullModel(view: PullView, ctx: GraphqlContext): Obj {
  const { repo, pull: p } = view;
  const n = p.issue.number;
  let commits: Promise<GitCommit[]> | undefined;
  const listCommits = (): Promise<GitCommit[]> =>
    (commits ??=
      repo.bare && view.headSha && view.baseSha
        ? commitsBetween(repo.bare, view.baseSha, view.headSha)
        : Promise.resolve([]));
  return {
    __typename: 'PullRequest',
    id: pullNodeId(repo, n),
    databaseId: repo.id * 100_000 + n,
    fullDatabaseId: String(repo.id * 100_000 + n),
    number: n,
    title: p.issue.title,
    body: p.issue.body ?? '',
    url: `${repoUrl(repo, ctx)}/pull/${n}`,
    permalink: `${repoUrl(repo, ctx)}/pull/${n}`,
    state: prState(p),
    closed: p.issue.state === 'closed',
    merged: p.merged !== undefined,
    mergedAt: p.merged?.at ?? null,
    isDraft: p.draft,
    mergeable: mergeableState(view.mergeable),
    createdAt: p.issue.createdAt,
    updatedAt: p.updatedAt,
    closedAt: p.issue.closedAt ?? null,
    headRefName: p.head,
    headRefOid: view.headSha ?? '',
    baseRefName: p.base,
    baseRefOid: view.baseSha ?? '',
    author: actor(p.issue.author, ctx),
    reviewDecision: decisionOf(view),
    mergeStateStatus: mergeState(view).state.toUpperCase(),
    repository: () => repoModel(repo, ctx),
    labels: (args: ConnectionArgs) =>
      connection(
        p.issue.labels.map((name) => ({
          __typename: 'Label',
          id: `LA_${ctx.store.labelId(name)}`,
          name,
          color: 'ededed',
        })),
        args,
        'labels',
      ),
    reviewThreads: (args: ConnectionArgs) =>
      connection(
        threadsOf(repo, n).map((t) => threadModel(repo, t, view, ctx)),
        args,
        'reviewThreads',
      ),
    reviews: (args: ConnectionArgs & { states?: string[] | null; author?: string | null }) =>
      connection(
        reviewsOf(repo, n)
          .filter((r) => (!args.states || args.states.includes(r.state)) && (!args.author || r.author === args.author))
          .map((r) => reviewModel(repo, r, ctx)),
        args,
        'reviews',
      ),
    comments: (args: ConnectionArgs) =>
      connection(
        issueCommentsOf(repo, n).map((c) => ({
          __typename: 'IssueComment',
          id: c.nodeId,
          databaseId: c.id,
          fullDatabaseId: String(c.id),
          body: c.body,
          bodyText: c.body,
          author: actor(c.author, ctx),
          createdAt: c.createdAt,
          updatedAt: c.createdAt,
          url: `${repoUrl(repo, ctx)}/pull/${n}#issuecomment-${c.id}`,
        })),
        args,
        'comments',
      ),
    commits: async (args: ConnectionArgs) =>
      connection(
        (await listCommits()).map((c) => ({
          __typename: 'PullRequestCommit',
          id: `PURC_${c.sha}`,
          url: `${repoUrl(repo, ctx)}/pull/${n}/commits/${c.sha}`,
          commit: commitModel(repo, c, ctx),
        })),
        args,
        'commits',
      ),
  };
}

const STATE_OF: Record<string, (p: StoredPull) => boolean> = {
  OPEN: (p) => p.issue.state === 'open',
  CLOSED: (p) => p.issue.state === 'closed' && !p.merged,
  MERGED: (p) => p.merged !== undefined,
};

interface PullRequestsArgs extends ConnectionArgs {
  states?: string[] | null;
  labels?: string[] | null;
  headRefName?: string | null;
  baseRefName?: string | null;
  orderBy?: { field: string; direction: string } | null;
}

export function repoModel(repo: StoredRepo, ctx: GraphqlContext): Obj {
  return {
    __typename: 'Repository',
    id: repositoryNodeId(repo),
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: `${repo.owner}/${repo.name}`,
    url: repoUrl(repo, ctx),
    owner: actor(repo.owner, ctx),
    isPrivate: false,
    isArchived: false,
    defaultBranchRef: {
      __typename: 'Ref',
      id: `REF_${repo.defaultBranch}`,
      name: repo.defaultBranch,
      prefix: 'refs/heads/',
    },
    pullRequest: async ({ number }: { number: number }) => {
      const pull = repo.pulls.get(number);
      if (!pull) throw new Error(`Could not resolve to a PullRequest with the number of ${number}.`);
      return pullModel(await ctx.viewer.view(repo, pull), ctx);
    },
    pullRequests: async (args: PullRequestsArgs) => {
      const wantedLabels = (args.labels ?? []).map((l) => l.toLowerCase());
      const direction = args.orderBy?.direction === 'DESC' ? -1 : 1;
      const field = args.orderBy?.field ?? 'CREATED_AT';
      const sortKey = (p: StoredPull): string | number => (field === 'UPDATED_AT' ? p.updatedAt : p.issue.number);
      const pulls = [...repo.pulls.values()]
        .filter((p) => !args.states || args.states.some((s) => STATE_OF[s]?.(p)))
        .filter((p) => wantedLabels.length === 0 || p.issue.labels.some((l) => wantedLabels.includes(l.toLowerCase())))
        .filter(
          (p) =>
            (!args.headRefName || p.head === args.headRefName) && (!args.baseRefName || p.base === args.baseRefName),
        )
        .sort((a, b) =>
          sortKey(a) < sortKey(b)
            ? -direction
            : sortKey(a) > sortKey(b)
              ? direction
              : direction * (a.issue.number - b.issue.number),
        );
      const page = connection(pulls, args, 'pullRequests');
      const views = await ctx.viewer.viewAll(repo, page.nodes);
      const models = views.map((v) => pullModel(v, ctx));
      return { ...page, nodes: models, edges: page.edges.map((e, i) => ({ cursor: e.cursor, node: models[i] })) };
    },
  };
}
