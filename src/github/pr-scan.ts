/**
 * The monitor's scan: every watched repository's open pull requests in ONE GraphQL request
 * (aliases), plus a follow-up per repository only when it has more open PRs than a page.
 */
import { z } from 'zod';
import { CheckRollupStateSchema } from '../domain/check-conclusion.js';
import type { MonitoredPr } from '../domain/pr-monitor.js';
import { graphqlOptions, type GithubClient } from './client.js';
import { buildMonitorQuery, MONITOR_PR_FIELDS } from './queries.js';

const PrNode = z.object({
  number: z.number().int(),
  title: z.string(),
  isDraft: z.boolean(),
  mergeable: z.enum(['MERGEABLE', 'CONFLICTING', 'UNKNOWN']),
  reviewDecision: z.enum(['APPROVED', 'CHANGES_REQUESTED', 'REVIEW_REQUIRED']).nullable(),
  headRefOid: z.string().optional(),
  author: z.object({ login: z.string() }).nullable(),
  labels: z.object({ nodes: z.array(z.object({ name: z.string() })) }).nullable(),
  commits: z.object({
    nodes: z.array(
      z.object({ commit: z.object({ statusCheckRollup: z.object({ state: CheckRollupStateSchema }).nullable() }) }),
    ),
  }),
  reviewThreads: z.object({ nodes: z.array(z.object({ isResolved: z.boolean() })) }),
});
const Connection = z.object({
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  nodes: z.array(PrNode),
});
const RepoAnswer = z.object({ nameWithOwner: z.string(), pullRequests: Connection }).nullable();

const toPr = (owner: string, repo: string, n: z.infer<typeof PrNode>): MonitoredPr => ({
  owner,
  repo,
  number: n.number,
  title: n.title,
  isDraft: n.isDraft,
  author: n.author?.login ?? 'ghost',
  labels: n.labels?.nodes.map((l) => l.name) ?? [],
  mergeable: n.mergeable,
  reviewDecision: n.reviewDecision,
  checks: n.commits.nodes[0]?.commit.statusCheckRollup?.state ?? null,
  unresolvedThreads: n.reviewThreads.nodes.filter((t) => !t.isResolved).length,
  ...(n.headRefOid ? { headSha: n.headRefOid } : {}),
});

export const NEXT_PAGE_QUERY = (pageSize: number): string =>
  `query DroverMonitorPage($owner: String!, $name: String!, $cursor: String) { repository(owner: $owner, name: $name) { nameWithOwner pullRequests(states: OPEN, first: ${pageSize}, after: $cursor, orderBy: { field: UPDATED_AT, direction: DESC }) { ${MONITOR_PR_FIELDS} } } }`;

/** A missing repository comes back as `null` with a NOT_FOUND error beside the other repositories' data: keep the data. */
async function partialOnNotFound(run: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    return (await run()) as Record<string, unknown>;
  } catch (error) {
    const e = error as { errors?: Array<{ type?: string }>; data?: unknown };
    if (e.data && Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => x.type === 'NOT_FOUND'))
      return e.data as Record<string, unknown>;
    throw error;
  }
}

export interface ScanResult {
  prs: MonitoredPr[];
  /** HTTP requests this scan sent (for API-calls-per-cycle figures). */
  requests: number;
  /** Repositories GitHub did not return (missing, or no access). */
  missing: string[];
}

export async function scanRepositories(
  gh: GithubClient,
  repos: readonly string[],
  pageSize: number,
  apiUrl?: string,
): Promise<ScanResult> {
  const pairs = repos.map((r) => r.split('/') as [string, string]);
  const vars: Record<string, string> = {};
  pairs.forEach(([owner, name], i) => {
    vars[`owner${i}`] = owner;
    vars[`name${i}`] = name;
  });
  const gql = graphqlOptions(apiUrl);
  const answer = await partialOnNotFound(() =>
    gh.graphql(buildMonitorQuery(pairs.length, pageSize), { ...vars, ...gql }),
  );
  let requests = 1;
  const prs: MonitoredPr[] = [];
  const missing: string[] = [];
  for (const [i, [owner, name]] of pairs.entries()) {
    const repo = RepoAnswer.parse(answer[`r${i}`] ?? null);
    if (!repo) {
      missing.push(`${owner}/${name}`);
      continue;
    }
    let page = repo.pullRequests;
    prs.push(...page.nodes.map((n) => toPr(owner, name, n)));
    while (page.pageInfo.hasNextPage && page.pageInfo.endCursor) {
      const next = (await gh.graphql(NEXT_PAGE_QUERY(pageSize), {
        owner,
        name,
        cursor: page.pageInfo.endCursor,
        ...gql,
      })) as { repository: unknown };
      requests += 1;
      const more = RepoAnswer.parse(next.repository);
      if (!more) break;
      page = more.pullRequests;
      prs.push(...page.nodes.map((n) => toPr(owner, name, n)));
    }
  }
  return { prs, requests, missing };
}
