/** Review threads and their comments (the review comments of the REST API). */
import {
  nodeId,
  type GithubStore,
  type StoredPull,
  type StoredRepo,
  type StoredReviewComment,
  type StoredThread,
} from './store.js';
import { touch } from './store-pulls.js';

export interface NewThread {
  path: string;
  line: number;
  body: string;
  author?: string;
}

export function addThread(
  store: GithubStore,
  repo: StoredRepo,
  pull: StoredPull,
  commitId: string,
  input: NewThread,
): StoredThread {
  const n = repo.threads.filter((t) => t.number === pull.issue.number).length + 1;
  const thread: StoredThread = {
    id: nodeId('PRRT', `${repo.owner}/${repo.name}#${pull.issue.number}/${n}`),
    number: pull.issue.number,
    path: input.path.replace(/^\/+/, ''),
    line: input.line,
    commitId,
    resolvedBy: null,
    comments: [],
  };
  repo.threads.push(thread);
  addThreadComment(store, repo, pull, thread, input.body, input.author ?? 'reviewer');
  return thread;
}

export function addThreadComment(
  store: GithubStore,
  repo: StoredRepo,
  pull: StoredPull,
  thread: StoredThread,
  body: string,
  author: string,
  commitId?: string,
): StoredReviewComment {
  const id = store.nextId();
  const comment: StoredReviewComment = {
    id,
    nodeId: nodeId('PRRC', `${repo.id}:${id}`),
    number: thread.number,
    body,
    author,
    createdAt: store.stamp(),
    threadId: thread.id,
    inReplyTo: thread.comments[0]?.id ?? null,
    commitId: commitId ?? thread.commitId,
  };
  thread.comments.push(comment);
  touch(store, pull);
  return comment;
}

export function threadsOf(repo: StoredRepo, number: number): StoredThread[] {
  return repo.threads.filter((t) => t.number === number);
}

export function findThread(
  store: GithubStore,
  id: string,
): { repo: StoredRepo; thread: StoredThread; pull: StoredPull } | undefined {
  for (const repo of store.allRepos()) {
    const thread = repo.threads.find((t) => t.id === id);
    const pull = thread && repo.pulls.get(thread.number);
    if (thread && pull) return { repo, thread, pull };
  }
  return undefined;
}

export function findReviewComment(
  repo: StoredRepo,
  number: number,
  id: number,
): { thread: StoredThread; comment: StoredReviewComment } | undefined {
  for (const thread of threadsOf(repo, number)) {
    const comment = thread.comments.find((c) => c.id === id);
    if (comment) return { thread, comment };
  }
  return undefined;
}

export function reviewCommentsOf(repo: StoredRepo, number: number): StoredReviewComment[] {
  return threadsOf(repo, number)
    .flatMap((t) => t.comments)
    .sort((a, b) => a.id - b.id);
}
