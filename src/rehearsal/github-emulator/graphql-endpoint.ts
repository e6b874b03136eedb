/**
 * `POST /graphql`: parse, validate against GitHub's schema and execute over the model objects.
 * Syntax and validation errors come back as HTTP 200 with `{ errors }`, as GitHub does.
 */
import { execute, getOperationAST, GraphQLError, parse, validate, type DocumentNode } from 'graphql';
import { actor, pullModel, repoModel, reviewCommentModel, threadModel, type GraphqlContext } from './graphql-model.js';
import { GraphqlTypedError, mutations } from './graphql-mutations.js';
import { githubSchema } from './graphql-schema.js';
import { pullNodeId } from './rest-shapes.js';
import type { EmulatorRequest, EmulatorResponse } from './router.js';
import { addThreadComment, findThread } from './store-threads.js';

interface GraphqlBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

const notFound = (type: string, id: string): Error =>
  new Error(`Could not resolve to ${type} node with the global id of '${id}'.`);

async function threadWithView(ctx: GraphqlContext, id: string) {
  const found = findThread(ctx.store, id);
  if (!found) throw notFound('PullRequestReviewThread', id);
  return { ...found, view: await ctx.viewer.view(found.repo, found.pull) };
}

function rootValue(ctx: GraphqlContext): Record<string, unknown> {
  const setResolved = async (
    { input }: { input: { threadId: string; clientMutationId?: string } },
    resolved: boolean,
  ) => {
    const { repo, thread, view } = await threadWithView(ctx, input.threadId);
    thread.resolvedBy = resolved ? ctx.login : null;
    return { clientMutationId: input.clientMutationId ?? null, thread: threadModel(repo, thread, view, ctx) };
  };
  return {
    ...mutations(ctx),
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repo = ctx.store.repo(owner, name);
      if (!repo) throw new Error(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repoModel(repo, ctx);
    },
    rateLimit: () => ({
      __typename: 'RateLimit',
      cost: 1,
      limit: ctx.rate.limit,
      remaining: ctx.rate.remaining,
      used: ctx.rate.used,
      resetAt: ctx.rate.resetAt,
      nodeCount: 0,
    }),
    viewer: () => actor(ctx.login, ctx),
    node: async ({ id }: { id: string }) => {
      if (id.startsWith('PRRT_')) {
        const { repo, thread, view } = await threadWithView(ctx, id);
        return threadModel(repo, thread, view, ctx);
      }
      for (const repo of ctx.store.allRepos()) {
        for (const pull of repo.pulls.values()) {
          if (pullNodeId(repo, pull.issue.number) === id) return pullModel(await ctx.viewer.view(repo, pull), ctx);
        }
      }
      return null;
    },
    resolveReviewThread: (args: { input: { threadId: string; clientMutationId?: string } }) => setResolved(args, true),
    unresolveReviewThread: (args: { input: { threadId: string; clientMutationId?: string } }) =>
      setResolved(args, false),
    addPullRequestReviewThreadReply: async ({
      input,
    }: {
      input: { pullRequestReviewThreadId: string; body: string; clientMutationId?: string };
    }) => {
      const { repo, thread, pull, view } = await threadWithView(ctx, input.pullRequestReviewThreadId);
      if (input.body.trim() === '') throw new Error("Body can't be blank");
      const comment = addThreadComment(ctx.store, repo, pull, thread, input.body, ctx.login, view.headSha ?? undefined);
      return {
        clientMutationId: input.clientMutationId ?? null,
        comment: reviewCommentModel(repo, comment, ctx, await ctx.viewer.threadAt(view, thread)),
      };
    },
  };
}

function parsed(body: unknown): { doc: DocumentNode; body: GraphqlBody } | { errors: GraphQLError[] } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as GraphqlBody;
  if (typeof b.query !== 'string')
    return { errors: [new GraphQLError('A query attribute must be specified and must be a string.')] };
  try {
    return { doc: parse(b.query), body: b };
  } catch (error) {
    return { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] };
  }
}

/** The operation's name for the request log (`anonymous` when unnamed, undefined when unparsable). */
export function operationName(body: unknown): string | undefined {
  const p = parsed(body);
  if ('errors' in p) return undefined;
  const op = getOperationAST(p.doc, typeof p.body.operationName === 'string' ? p.body.operationName : undefined);
  return op?.name?.value ?? (op ? 'anonymous' : undefined);
}

export async function handleGraphql(req: EmulatorRequest, ctx: GraphqlContext): Promise<EmulatorResponse> {
  const p = parsed(req.body);
  if ('errors' in p) return { status: 200, body: { errors: p.errors.map((e) => e.toJSON()) } };
  const schema = await githubSchema();
  const invalid = validate(schema, p.doc);
  if (invalid.length > 0) return { status: 200, body: { errors: invalid.map((e) => e.toJSON()) } };
  const variables =
    typeof p.body.variables === 'object' && p.body.variables !== null
      ? (p.body.variables as Record<string, unknown>)
      : undefined;
  const result = await execute({
    schema,
    document: p.doc,
    rootValue: rootValue(ctx),
    contextValue: ctx,
    variableValues: variables,
    operationName: typeof p.body.operationName === 'string' ? p.body.operationName : undefined,
  });
  const errors = result.errors?.map((e) => ({
    ...e.toJSON(),
    type:
      e.originalError instanceof GraphqlTypedError
        ? e.originalError.type
        : /Could not resolve/.test(e.message)
          ? 'NOT_FOUND'
          : undefined,
  }));
  return { status: 200, body: { data: result.data ?? null, ...(errors ? { errors } : {}) } };
}
