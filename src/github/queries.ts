/**
 * Every GraphQL document Drover sends. Contract tests validate each one against GitHub's
 * schema (@octokit/graphql-schema) and run them against the emulator.
 */

/** One pull request: head, base, mergeability, branch commits, reviews. */
export const PULL_REQUEST_QUERY = /* GraphQL */ `
  query DroverPullRequest($owner: String!, $repo: String!, $number: Int!) {
    repository(owner: $owner, name: $repo) {
      pullRequest(number: $number) {
        title
        url
        state
        headRefName
        headRefOid
        baseRefName
        mergeable
        commits(last: 100) {
          nodes {
            commit {
              oid
              committedDate
            }
          }
        }
        reviews(last: 100) {
          nodes {
            state
            submittedAt
            author {
              login
            }
            commit {
              oid
            }
          }
        }
      }
    }
  }
`;

/** All review threads of a pull request, page by page (`$cursor`, for graphql.paginate). */
export const REVIEW_THREADS_QUERY = /* GraphQL */ `
  query DroverReviewThreads($owner: String!, $repo: String!, $number: Int!, $pageSize: Int!, $cursor: String) {
    repository(owner: $owner, name: $repo) {
      pullRequest(number: $number) {
        reviewThreads(first: $pageSize, after: $cursor) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            id
            isResolved
            isOutdated
            path
            line
            firstComment: comments(first: 1) {
              totalCount
              nodes {
                body
                createdAt
                author {
                  login
                }
              }
            }
            lastComment: comments(last: 1) {
              nodes {
                body
                createdAt
                author {
                  login
                }
              }
            }
          }
        }
      }
    }
  }
`;

export const REPLY_TO_THREAD_MUTATION = /* GraphQL */ `
  mutation DroverReplyToThread($threadId: ID!, $body: String!) {
    addPullRequestReviewThreadReply(input: { pullRequestReviewThreadId: $threadId, body: $body }) {
      comment {
        id
      }
    }
  }
`;

export const RESOLVE_THREAD_MUTATION = /* GraphQL */ `
  mutation DroverResolveThread($threadId: ID!) {
    resolveReviewThread(input: { threadId: $threadId }) {
      thread {
        id
        isResolved
      }
    }
  }
`;

/**
 * The monitor's scan of one repository: open pull requests with just enough to tell whether
 * one needs work (checks rollup, review decision, conflicts, unresolved threads). Repositories
 * are batched into one request with aliases (see buildMonitorQuery).
 */
export const MONITOR_PR_FIELDS = /* GraphQL */ `
  pageInfo { hasNextPage endCursor }
  nodes {
    number
    title
    url
    isDraft
    mergeable
    reviewDecision
    headRefOid
    author { login }
    labels(first: 20) { nodes { name } }
    commits(last: 1) { nodes { commit { oid statusCheckRollup { state } } } }
    reviewThreads(first: 100) { totalCount nodes { isResolved } }
  }
`;

/** One query for many repositories: `r0: repository(owner:…, name:…) { pullRequests(…) {…} }`, … */
export function buildMonitorQuery(repoCount: number, pageSize: number): string {
  const vars = Array.from({ length: repoCount }, (_, i) => `$owner${i}: String!, $name${i}: String!`).join(', ');
  const parts = Array.from(
    { length: repoCount },
    (_, i) =>
      `r${i}: repository(owner: $owner${i}, name: $name${i}) { nameWithOwner pullRequests(states: OPEN, first: ${pageSize}, orderBy: { field: UPDATED_AT, direction: DESC }) { ${MONITOR_PR_FIELDS} } }`,
  );
  return `query DroverMonitor(${vars}) { rateLimit { cost remaining } ${parts.join(' ')} }`;
}
