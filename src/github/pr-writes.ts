/**
 * Drover's writes to a pull request, each idempotent: a hidden marker in the body is looked
 * for before writing, and the write itself is never retried inside Octokit (a 5xx after GitHub
 * applied it would double it); the activity retries instead, and looks again first.
 */
import type { PrRef } from '../domain/pull-request.js';
import { graphqlOptions, type GithubClient } from './client.js';
import { fetchReviewThreads } from './pr-facts.js';
import { REPLY_TO_THREAD_MUTATION, RESOLVE_THREAD_MUTATION } from './queries.js';

const NO_INNER_RETRY = { request: { retries: 0 } };

/** Posts `body` as a PR comment unless a comment containing `marker` exists; returns whether it posted. */
export async function postCommentOnce(
  gh: GithubClient,
  pr: PrRef,
  marker: string,
  body: string,
): Promise<{ posted: boolean; commentId: number }> {
  const existing = await gh.paginate(gh.rest.issues.listComments, {
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.number,
    per_page: 100,
  });
  const found = existing.find((c) => (c.body ?? '').includes(marker));
  if (found) return { posted: false, commentId: found.id };
  const created = await gh.rest.issues.createComment({
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.number,
    body: body.includes(marker) ? body : `${marker}\n${body}`,
    ...NO_INNER_RETRY,
  });
  return { posted: true, commentId: created.data.id };
}

export const threadReplyMarker = (taskId: string, sha: string): string =>
  `<!-- drover:reply task=${taskId} commit=${sha} -->`;

export interface ThreadAnswer {
  threadId: string;
  note: string;
}

export interface AnsweredThread {
  threadId: string;
  replied: boolean;
  resolved: boolean;
  error?: string;
}

/**
 * Replies on each thread the agent addressed, naming the pushed commit, then resolves it.
 * A thread whose last comment already carries this commit's marker is not replied to again.
 */
export async function answerThreads(
  gh: GithubClient,
  pr: PrRef,
  input: { taskId: string; sha: string; answers: readonly ThreadAnswer[]; apiUrl?: string },
): Promise<AnsweredThread[]> {
  const threads = new Map((await fetchReviewThreads(gh, pr, 100, input.apiUrl)).map((t) => [t.id, t]));
  const marker = threadReplyMarker(input.taskId, input.sha);
  const gql = graphqlOptions(input.apiUrl);
  const out: AnsweredThread[] = [];
  for (const answer of input.answers) {
    const thread = threads.get(answer.threadId);
    if (!thread) {
      out.push({
        threadId: answer.threadId,
        replied: false,
        resolved: false,
        error: `no review thread ${answer.threadId} on ${pr.owner}/${pr.repo}#${pr.number}`,
      });
      continue;
    }
    let replied = false;
    if (!(thread.last?.body ?? '').includes(marker)) {
      const body = `Addressed in ${input.sha.slice(0, 12)}: ${answer.note.trim()}\n\n${marker}`;
      await gh.graphql(REPLY_TO_THREAD_MUTATION, { threadId: answer.threadId, body, ...gql, ...NO_INNER_RETRY });
      replied = true;
    }
    if (!thread.isResolved)
      await gh.graphql(RESOLVE_THREAD_MUTATION, { threadId: answer.threadId, ...gql, ...NO_INNER_RETRY });
    out.push({ threadId: answer.threadId, replied, resolved: true });
  }
  return out;
}
