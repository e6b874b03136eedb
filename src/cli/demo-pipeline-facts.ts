/**
 * What the GitHub emulator says after `drover demo pipeline`'s run: each PR's state, base, merge
 * commit and time and each issue's state (over its REST API, as any client reads them), and its
 * counters. The summary (demo-pipeline-summary.ts) judges them.
 */
import { z } from 'zod';
import type { GithubEmulator } from '../rehearsal/github-emulator/server.js';
import type { IssueFact, PipelineFacts, PullFact } from './demo-pipeline-summary.js';

export interface EmulatorRepo {
  emu: Pick<GithubEmulator, 'url' | 'counters'>;
  owner: string;
  repo: string;
  token: string;
}

const PullSchema = z.object({
  number: z.number().int(),
  state: z.enum(['open', 'closed']),
  merged: z.boolean(),
  merged_at: z.string().nullable(),
  merge_commit_sha: z.string().nullable(),
  base: z.object({ ref: z.string() }),
});
const IssueSchema = z.object({ number: z.number().int(), state: z.enum(['open', 'closed']) });

async function getJson<T>(where: EmulatorRepo, route: string, schema: z.ZodType<T>): Promise<T> {
  const url = `${where.emu.url}/repos/${where.owner}/${where.repo}/${route}`;
  const res = await fetch(url, { headers: { authorization: `token ${where.token}`, accept: 'application/json' } });
  if (!res.ok) throw new Error(`the GitHub emulator answered ${res.status} to GET ${route}: ${await res.text()}`);
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success)
    throw new Error(`the GitHub emulator's answer to GET ${route} is not as expected: ${parsed.error.message}`);
  return parsed.data;
}

export async function readPull(where: EmulatorRepo, number: number): Promise<PullFact> {
  const p = await getJson(where, `pulls/${number}`, PullSchema);
  return {
    number: p.number,
    state: p.state,
    merged: p.merged,
    mergedAt: p.merged_at,
    mergeCommit: p.merged ? p.merge_commit_sha : null,
    base: p.base.ref,
  };
}

export async function readIssue(where: EmulatorRepo, number: number, task: string): Promise<IssueFact> {
  const issue = await getJson(where, `issues/${number}`, IssueSchema);
  return { number: issue.number, task, state: issue.state };
}

/** The emulator's side of the facts: the given PRs and issues, and the repository's counters. */
export async function readEmulatorFacts(
  where: EmulatorRepo,
  prNumbers: readonly number[],
  issues: ReadonlyArray<{ number: number; task: string }>,
): Promise<Pick<PipelineFacts, 'pulls' | 'issues' | 'counters'>> {
  const pulls = await Promise.all(prNumbers.map((n) => readPull(where, n)));
  const issueFacts = await Promise.all(issues.map((i) => readIssue(where, i.number, i.task)));
  const { pullsCreatedByHead, duplicatePullsRefused, commentsByMarker } = where.emu.counters(where.owner, where.repo);
  return { pulls, issues: issueFacts, counters: { pullsCreatedByHead, duplicatePullsRefused, commentsByMarker } };
}
