/**
 * GitHub's real GraphQL schema (`@octokit/graphql-schema`'s introspection JSON), loaded and
 * built once per process on first use (~100 ms). `buildSchema` of the SDL rejects its duplicate
 * fields; `buildClientSchema` of the introspection result does not.
 */
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';

let cached: Promise<GraphQLSchema> | undefined;

export function githubSchema(): Promise<GraphQLSchema> {
  cached ??= import('@octokit/graphql-schema').then(({ schema }) => {
    const json = schema.json as unknown as IntrospectionQuery | { data: IntrospectionQuery };
    return buildClientSchema('data' in json ? json.data : json);
  });
  return cached;
}
