/**
 * GraphQL mutations on pull requests: createPullRequest, updatePullRequest,
 * markPullRequestReadyForReview, convertPullRequestToDraft, updatePullRequestBranch and
 * mergePullRequest. They run the same operations as REST; a refusal becomes a GraphQL error
 * with GitHub's message and `type` (UNPROCESSABLE, NOT_FOUND).
 */
import { pullModel, type GraphqlContext } from './graphql-model.js';
import { editPull, openPull, PullOpError, setDraft, type PullOps } from './pull-edits.js';
import { mergePull, updateBranch, type MergeMethod } from './pull-merges.js';
import { pullNodeId, repositoryNodeId } from './rest-shapes.js';
import type { StoredPull, StoredRepo } from './store.js';

/** An error GitHub's GraphQL API reports with this `type`. */
export class GraphqlTypedError extends Error {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

const opsOf = (ctx: GraphqlContext): PullOps => ({ store: ctx.store, viewer: ctx.viewer, login: ctx.login });

/** GraphQL carries no `errors[]`: the message is the validation items' text, as GitHub words it. */
function asGraphql(error: unknown): never {
  if (!(error instanceof PullOpError)) throw error;
  const detail = error.errors
    ?.map((e) => e.message ?? `${e.resource} ${e.field ?? ''} ${e.code}`.replace(/\s+/g, ' '))
    .join(', ');
  throw new GraphqlTypedError(detail || error.message, error.status === 404 ? 'NOT_FOUND' : 'UNPROCESSABLE');
}

function repoById(ctx: GraphqlContext, id: string): StoredRepo {
  const repo = ctx.store.allRepos().find((r) => repositoryNodeId(r) === id);
  if (!repo) throw new GraphqlTypedError(`Could not resolve to a node with the global id of '${id}'`, 'NOT_FOUND');
  return repo;
}

function pullById(ctx: GraphqlContext, id: string): { repo: StoredRepo; pull: StoredPull } {
  for (const repo of ctx.store.allRepos()) {
    for (const pull of repo.pulls.values()) if (pullNodeId(repo, pull.issue.number) === id) return { repo, pull };
  }
  throw new GraphqlTypedError(`Could not resolve to a node with the global id of '${id}'`, 'NOT_FOUND');
}

interface Input {
  clientMutationId?: string | null;
}
interface PullInput extends Input {
  pullRequestId: string;
}

async function payload(
  ctx: GraphqlContext,
  input: Input,
  repo: StoredRepo,
  pull: StoredPull,
): Promise<Record<string, unknown>> {
  return {
    clientMutationId: input.clientMutationId ?? null,
    pullRequest: pullModel(await ctx.viewer.view(repo, pull), ctx),
  };
}

const METHODS: Record<string, MergeMethod> = { MERGE: 'merge', SQUASH: 'squash', REBASE: 'rebase' };

export function mutations(ctx: GraphqlContext): Record<string, unknown> {
  return {
    createPullRequest: async ({
      input,
    }: {
      input: Input & {
        repositoryId: string;
        baseRefName: string;
        headRefName: string;
        title: string;
        body?: string | null;
        draft?: boolean | null;
        maintainerCanModify?: boolean | null;
      };
    }) => {
      const repo = repoById(ctx, input.repositoryId);
      const pull = await openPull(opsOf(ctx), repo, {
        title: input.title,
        head: input.headRefName,
        base: input.baseRefName,
        body: input.body ?? null,
        draft: input.draft ?? false,
        maintainerCanModify: input.maintainerCanModify ?? true,
      }).catch(asGraphql);
      return payload(ctx, input, repo, pull);
    },
    updatePullRequest: async ({
      input,
    }: {
      input: PullInput & {
        baseRefName?: string | null;
        title?: string | null;
        body?: string | null;
        state?: 'OPEN' | 'CLOSED' | null;
        maintainerCanModify?: boolean | null;
      };
    }) => {
      const { repo, pull } = pullById(ctx, input.pullRequestId);
      await editPull(opsOf(ctx), repo, pull, {
        base: input.baseRefName ?? undefined,
        title: input.title ?? undefined,
        body: input.body ?? undefined,
        state: input.state === 'OPEN' ? 'open' : input.state === 'CLOSED' ? 'closed' : undefined,
        maintainerCanModify: input.maintainerCanModify ?? undefined,
      }).catch(asGraphql);
      return payload(ctx, input, repo, pull);
    },
    markPullRequestReadyForReview: async ({ input }: { input: PullInput }) => {
      const { repo, pull } = pullById(ctx, input.pullRequestId);
      try {
        setDraft(ctx.store, pull, false);
      } catch (error) {
        asGraphql(error);
      }
      return payload(ctx, input, repo, pull);
    },
    convertPullRequestToDraft: async ({ input }: { input: PullInput }) => {
      const { repo, pull } = pullById(ctx, input.pullRequestId);
      try {
        setDraft(ctx.store, pull, true);
      } catch (error) {
        asGraphql(error);
      }
      return payload(ctx, input, repo, pull);
    },
    updatePullRequestBranch: async ({
      input,
    }: {
      input: PullInput & { expectedHeadOid?: string | null; updateMethod?: 'MERGE' | 'REBASE' | null };
    }) => {
      const { repo, pull } = pullById(ctx, input.pullRequestId);
      await updateBranch(opsOf(ctx), repo, pull, {
        expectedHeadSha: input.expectedHeadOid ?? undefined,
        method: input.updateMethod === 'REBASE' ? 'rebase' : 'merge',
      }).catch(asGraphql);
      return payload(ctx, input, repo, pull);
    },
    mergePullRequest: async ({
      input,
    }: {
      input: PullInput & {
        mergeMethod?: string | null;
        expectedHeadOid?: string | null;
        commitHeadline?: string | null;
        commitBody?: string | null;
      };
    }) => {
      const { repo, pull } = pullById(ctx, input.pullRequestId);
      await mergePull(opsOf(ctx), repo, pull, {
        method: METHODS[input.mergeMethod ?? 'MERGE'] ?? 'merge',
        sha: input.expectedHeadOid ?? undefined,
        title: input.commitHeadline ?? undefined,
        message: input.commitBody ?? undefined,
      }).catch(asGraphql);
      return { ...(await payload(ctx, input, repo, pull)), actor: { __typename: 'User', login: ctx.login } };
    },
  };
}
