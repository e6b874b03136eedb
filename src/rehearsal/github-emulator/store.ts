/**
 * The GitHub emulator's in-memory state: repositories (optionally backed by a bare git
 * repository), their issues and pull requests (which share the issue numbering, as on GitHub),
 * comments, review threads, reviews, check runs and statuses. Git-derived facts (SHAs,
 * mergeability) are never stored here; they are read live from the bare repository.
 */
import { user } from './rest-shapes.js';

export interface NewIssue {
  title: string;
  body?: string | null;
  labels?: string[];
  isPullRequest?: boolean;
  state?: 'open' | 'closed';
  author?: string;
}

export interface StoredIssue {
  number: number;
  title: string;
  body: string | null;
  labels: string[];
  isPullRequest: boolean;
  state: 'open' | 'closed';
  author: string;
  createdAt: string;
  closedAt?: string;
}

export interface StoredPull {
  issue: StoredIssue;
  head: string;
  base: string;
  draft: boolean;
  updatedAt: string;
  merged?: { sha: string; at: string; by: string; baseSha: string; headSha: string };
  /** The last head SHA a read observed (check runs' `pull_requests`, CI rule bookkeeping). */
  observedHead?: string;
  maintainerCanModify: boolean;
  /** Merge calls that reached this PR (refused ones included), for the duplicate counters. */
  mergeAttempts: number;
}

/** Classic branch protection, as `PUT /branches/{branch}/protection` sets it. */
export interface StoredProtection {
  requiredStatusChecks: { strict: boolean; contexts: string[] } | null;
  requiredApprovingReviewCount: number | null;
  dismissStaleReviews: boolean;
  requireCodeOwnerReviews: boolean;
  enforceAdmins: boolean;
  requiredLinearHistory: boolean;
  allowForcePushes: boolean;
  allowDeletions: boolean;
  requiredConversationResolution: boolean;
}

export interface StoredComment {
  id: number;
  nodeId: string;
  number: number;
  body: string;
  author: string;
  createdAt: string;
}

export interface StoredReviewComment extends StoredComment {
  threadId: string;
  inReplyTo: number | null;
  commitId: string;
}

export interface StoredThread {
  id: string;
  number: number;
  path: string;
  line: number;
  /** The PR head when the thread was opened: outdated once `path` changes after it. */
  commitId: string;
  resolvedBy: string | null;
  comments: StoredReviewComment[];
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';

export interface StoredReview {
  id: number;
  nodeId: string;
  number: number;
  state: ReviewState;
  body: string;
  author: string;
  commitId: string;
  submittedAt: string;
}

export interface StoredCheckRun {
  id: number;
  nodeId: string;
  headSha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  startedAt: string;
  completedAt: string | null;
  detailsUrl: string | null;
}

export interface StoredStatus {
  id: number;
  nodeId: string;
  sha: string;
  context: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
}

export interface StoredRepo {
  owner: string;
  name: string;
  id: number;
  createdAt: string;
  issues: StoredIssue[];
  /** Absent for issue-only repositories made by `addIssue`. */
  bare?: string;
  defaultBranch: string;
  pulls: Map<number, StoredPull>;
  issueComments: StoredComment[];
  threads: StoredThread[];
  reviews: StoredReview[];
  checkRuns: StoredCheckRun[];
  statuses: StoredStatus[];
  /** Branch name → its protection. */
  protections: Map<string, StoredProtection>;
  deleteBranchOnMerge: boolean;
  /** PR creations per head branch (refused duplicates are not creations; they are counted apart). */
  pullsCreatedByHead: Map<string, number>;
  duplicatePullsRefused: number;
}

const key = (owner: string, repo: string): string => `${owner}/${repo}`.toLowerCase();

/** GitHub-like opaque node id: a type prefix and a base64url payload. */
export const nodeId = (prefix: string, payload: string): string =>
  `${prefix}_${Buffer.from(payload).toString('base64url')}`;

export class GithubStore {
  private readonly repos = new Map<string, StoredRepo>();
  private labelIds = new Map<string, number>();
  private clock = Date.parse('2025-01-01T00:00:00Z');
  private ids = 1000;
  private lastStamp = 0;

  constructor(private readonly now: () => number = Date.now) {}

  repo(owner: string, repo: string): StoredRepo | undefined {
    return this.repos.get(key(owner, repo));
  }

  allRepos(): StoredRepo[] {
    return [...this.repos.values()];
  }

  /** Creates the repository on first use. */
  ensureRepo(owner: string, repo: string): StoredRepo {
    const k = key(owner, repo);
    let stored = this.repos.get(k);
    if (!stored) {
      stored = {
        owner,
        name: repo,
        id: this.nextId(),
        createdAt: this.stamp(),
        issues: [],
        defaultBranch: 'main',
        pulls: new Map(),
        issueComments: [],
        threads: [],
        reviews: [],
        checkRuns: [],
        statuses: [],
        protections: new Map(),
        deleteBranchOnMerge: false,
        pullsCreatedByHead: new Map(),
        duplicatePullsRefused: 0,
      };
      this.repos.set(k, stored);
    }
    return stored;
  }

  /** A fresh database id (comments, reviews, check runs, … share one sequence). */
  nextId(): number {
    this.ids += 1;
    return this.ids;
  }

  /** The current time as GitHub prints it (second precision, UTC), never going backwards. */
  stamp(): string {
    this.lastStamp = Math.max(this.lastStamp, this.now());
    return new Date(this.lastStamp).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Returns the new issue's number. */
  addIssue(owner: string, repo: string, issue: NewIssue): number {
    return this.addIssueRecord(owner, repo, issue).number;
  }

  addIssueRecord(owner: string, repo: string, issue: NewIssue): StoredIssue {
    const stored = this.ensureRepo(owner, repo);
    const number = stored.issues.length + 1;
    this.clock += 60_000;
    const record: StoredIssue = {
      number,
      title: issue.title,
      body: issue.body ?? null,
      labels: issue.labels ?? [],
      isPullRequest: issue.isPullRequest ?? false,
      state: issue.state ?? 'open',
      author: issue.author ?? 'octocat',
      createdAt: issue.isPullRequest ? this.stamp() : new Date(this.clock).toISOString(),
    };
    stored.issues.push(record);
    return record;
  }

  labelId(name: string): number {
    const id = this.labelIds.get(name) ?? this.labelIds.size + 1;
    this.labelIds.set(name, id);
    return id;
  }

  /** One issue as GET /repos/{o}/{r}/issues returns it. */
  render(repo: StoredRepo, issue: StoredIssue, apiUrl: string, htmlUrl: string): Record<string, unknown> {
    const api = `${apiUrl}/repos/${repo.owner}/${repo.name}`;
    const html = `${htmlUrl}/${repo.owner}/${repo.name}`;
    const pull = repo.pulls.get(issue.number);
    return {
      url: `${api}/issues/${issue.number}`,
      html_url: `${html}/${issue.isPullRequest ? 'pull' : 'issues'}/${issue.number}`,
      id: issue.number * 1000 + 7,
      node_id: Buffer.from(`I_${repo.owner}/${repo.name}#${issue.number}`).toString('base64'),
      number: issue.number,
      title: issue.title,
      body: issue.body,
      repository_url: api,
      labels_url: `${api}/issues/${issue.number}/labels{/name}`,
      comments_url: `${api}/issues/${issue.number}/comments`,
      events_url: `${api}/issues/${issue.number}/events`,
      assignee: null,
      milestone: null,
      user: user(issue.author, { api: apiUrl, html: htmlUrl }),
      labels: issue.labels.map((name) => ({
        id: this.labelId(name),
        name,
        color: 'ededed',
        default: false,
        description: null,
      })),
      state: issue.state,
      locked: false,
      assignees: [],
      comments: repo.issueComments.filter((c) => c.number === issue.number).length,
      created_at: issue.createdAt,
      updated_at: issue.createdAt,
      closed_at: issue.state === 'closed' ? (issue.closedAt ?? issue.createdAt) : null,
      author_association: 'OWNER',
      ...(issue.isPullRequest
        ? {
            pull_request: {
              url: `${api}/pulls/${issue.number}`,
              html_url: `${html}/pull/${issue.number}`,
              diff_url: `${html}/pull/${issue.number}.diff`,
              patch_url: `${html}/pull/${issue.number}.patch`,
              merged_at: pull?.merged?.at ?? null,
            },
          }
        : {}),
    };
  }
}
