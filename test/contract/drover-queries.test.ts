/** Every GraphQL document Drover sends is valid against GitHub's own schema (@octokit/graphql-schema). */
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { NEXT_PAGE_QUERY } from '../../src/github/pr-scan.js';
import {
  buildMonitorQuery,
  PULL_REQUEST_QUERY,
  REPLY_TO_THREAD_MUTATION,
  RESOLVE_THREAD_MUTATION,
  REVIEW_THREADS_QUERY,
} from '../../src/github/queries.js';
import { githubSchema } from '../../src/rehearsal/github-emulator/graphql-schema.js';

const documents: Record<string, string> = {
  PULL_REQUEST_QUERY,
  REVIEW_THREADS_QUERY,
  REPLY_TO_THREAD_MUTATION,
  RESOLVE_THREAD_MUTATION,
  'buildMonitorQuery(1, 50)': buildMonitorQuery(1, 50),
  'buildMonitorQuery(3, 100)': buildMonitorQuery(3, 100),
  'NEXT_PAGE_QUERY(50)': NEXT_PAGE_QUERY(50),
};

describe("Drover's GraphQL documents", () => {
  it.each(Object.entries(documents))("%s validates against GitHub's schema", async (_name, doc) => {
    const errors = validate(await githubSchema(), parse(doc));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it('the check is real: a misspelt field is refused', async () => {
    const errors = validate(await githubSchema(), parse(PULL_REQUEST_QUERY.replace('headRefOid', 'headRefSha')));
    expect(errors.map((e) => e.message).join('\n')).toMatch(/Cannot query field "headRefSha" on type "PullRequest"/);
  });
});
