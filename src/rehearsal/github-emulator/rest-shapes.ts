/**
 * GitHub's REST response shapes (the required fields of the OpenAPI schemas in
 * `@octokit/openapi`, which the contract tests check): users, repositories, pulls, comments,
 * and reviews (check runs, statuses and commits: rest-shapes-checks.ts).
 */
import type { PullView } from './pull-view.js';
import { mergeState } from './store-protection.js';
import type { GithubStore, StoredComment, StoredRepo, StoredReview, StoredReviewComment } from './store.js';

export interface Urls {
  /** API base, e.g. http://127.0.0.1:1234 */
  api: string;
  /** Where html_url points (the emulator itself). */
  html: string;
}

const userId = (login: string): number => [...login].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000, 7) + 1;

export function user(login: string, urls: Urls): Record<string, unknown> {
  const api = `${urls.api}/users/${login}`;
  const bot = login.endsWith('[bot]');
  return {
    login,
    id: userId(login),
    node_id: `U_${Buffer.from(login).toString('base64url')}`,
    avatar_url: `${urls.html}/avatars/${login}`,
    gravatar_id: '',
    url: api,
    html_url: `${urls.html}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: bot ? 'Bot' : 'User',
    site_admin: false,
    user_view_type: 'public',
  };
}

/** `file://` URL of the bare repository: what Drover clones, fetches and pushes. */
export const cloneUrl = (repo: StoredRepo): string => (repo.bare ? `file://${repo.bare}` : '');

export function repository(repo: StoredRepo, urls: Urls, openIssues: number): Record<string, unknown> {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const clone = cloneUrl(repo);
  const templated: Record<string, string> = {};
  for (const [field, suffix] of Object.entries({
    archive_url: '/{archive_format}{/ref}',
    assignees_url: '/assignees{/user}',
    blobs_url: '/git/blobs{/sha}',
    branches_url: '/branches{/branch}',
    collaborators_url: '/collaborators{/collaborator}',
    comments_url: '/comments{/number}',
    commits_url: '/commits{/sha}',
    compare_url: '/compare/{base}...{head}',
    contents_url: '/contents/{+path}',
    contributors_url: '/contributors',
    deployments_url: '/deployments',
    downloads_url: '/downloads',
    events_url: '/events',
    forks_url: '/forks',
    git_commits_url: '/git/commits{/sha}',
    git_refs_url: '/git/refs{/sha}',
    git_tags_url: '/git/tags{/sha}',
    hooks_url: '/hooks',
    issue_comment_url: '/issues/comments{/number}',
    issue_events_url: '/issues/events{/number}',
    issues_url: '/issues{/number}',
    keys_url: '/keys{/key_id}',
    labels_url: '/labels{/name}',
    languages_url: '/languages',
    merges_url: '/merges',
    milestones_url: '/milestones{/number}',
    notifications_url: '/notifications{?since,all,participating}',
    pulls_url: '/pulls{/number}',
    releases_url: '/releases{/id}',
    stargazers_url: '/stargazers',
    statuses_url: '/statuses/{sha}',
    subscribers_url: '/subscribers',
    subscription_url: '/subscription',
    tags_url: '/tags',
    teams_url: '/teams',
    trees_url: '/git/trees{/sha}',
  }))
    templated[field] = api + suffix;
  return {
    id: repo.id,
    node_id: repositoryNodeId(repo),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: user(repo.owner, urls),
    private: false,
    html_url: `${urls.html}/${repo.owner}/${repo.name}`,
    description: null,
    fork: false,
    url: api,
    ...templated,
    clone_url: clone,
    git_url: clone,
    ssh_url: clone,
    svn_url: `${urls.html}/${repo.owner}/${repo.name}`,
    mirror_url: null,
    homepage: null,
    language: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues: openIssues,
    open_issues_count: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'public',
    pushed_at: repo.createdAt,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    allow_rebase_merge: true,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_auto_merge: false,
    delete_branch_on_merge: repo.deleteBranchOnMerge,
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
    network_count: 0,
    subscribers_count: 0,
  };
}

export function label(store: GithubStore, name: string, urls: Urls, repo: StoredRepo): Record<string, unknown> {
  const id = store.labelId(name);
  return {
    id,
    node_id: `LA_${id}`,
    url: `${urls.api}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(name)}`,
    name,
    description: null,
    color: 'ededed',
    default: false,
  };
}

export function pull(
  store: GithubStore,
  view: PullView,
  urls: Urls,
  extra: { commits: number; openIssues: number },
): Record<string, unknown> {
  const { repo, pull: p } = view;
  const n = p.issue.number;
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const html = `${urls.html}/${repo.owner}/${repo.name}/pull/${n}`;
  const repoShape = repository(repo, urls, extra.openIssues);
  const side = (ref: string, sha: string | null) => ({
    label: `${repo.owner}:${ref}`,
    ref,
    sha: sha ?? '',
    user: user(repo.owner, urls),
    repo: repoShape,
  });
  const link = (href: string) => ({ href });
  const state = mergeState(view).state;
  const reviewComments = repo.threads.filter((t) => t.number === n).reduce((sum, t) => sum + t.comments.length, 0);
  return {
    url: `${api}/pulls/${n}`,
    id: repo.id * 100_000 + n,
    node_id: pullNodeId(repo, n),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${n}`,
    commits_url: `${api}/pulls/${n}/commits`,
    review_comments_url: `${api}/pulls/${n}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${n}/comments`,
    statuses_url: `${api}/statuses/${view.headSha ?? ''}`,
    number: n,
    state: p.issue.state,
    locked: false,
    title: p.issue.title,
    user: user(p.issue.author, urls),
    body: p.issue.body,
    labels: p.issue.labels.map((l) => label(store, l, urls, repo)),
    milestone: null,
    active_lock_reason: null,
    created_at: p.issue.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.issue.state === 'closed' ? (p.issue.closedAt ?? null) : null,
    merged_at: p.merged?.at ?? null,
    merge_commit_sha: p.merged?.sha ?? null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(p.head, view.headSha),
    base: side(p.base, view.baseSha),
    _links: {
      self: link(`${api}/pulls/${n}`),
      html: link(html),
      issue: link(`${api}/issues/${n}`),
      comments: link(`${api}/issues/${n}/comments`),
      review_comments: link(`${api}/pulls/${n}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${n}/commits`),
      statuses: link(`${api}/statuses/${view.headSha ?? ''}`),
    },
    author_association: 'OWNER',
    auto_merge: null,
    draft: p.draft,
    merged: p.merged !== undefined,
    mergeable: view.mergeable,
    rebaseable: view.mergeable,
    mergeable_state: state,
    merged_by: p.merged ? user(p.merged.by, urls) : null,
    comments: repo.issueComments.filter((c) => c.number === n).length,
    review_comments: reviewComments,
    maintainer_can_modify: p.maintainerCanModify,
    commits: extra.commits,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

export const repositoryNodeId = (repo: StoredRepo): string =>
  `R_${Buffer.from(`${repo.owner}/${repo.name}`).toString('base64url')}`;

export const pullNodeId = (repo: StoredRepo, n: number): string =>
  `PR_${Buffer.from(`${repo.owner}/${repo.name}#${n}`).toString('base64url')}`;

export function issueComment(repo: StoredRepo, c: StoredComment, urls: Urls): Record<string, unknown> {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const kind = repo.pulls.has(c.number) ? 'pull' : 'issues';
  return {
    id: c.id,
    node_id: c.nodeId,
    url: `${api}/issues/comments/${c.id}`,
    html_url: `${urls.html}/${repo.owner}/${repo.name}/${kind}/${c.number}#issuecomment-${c.id}`,
    body: c.body,
    user: user(c.author, urls),
    created_at: c.createdAt,
    updated_at: c.createdAt,
    issue_url: `${api}/issues/${c.number}`,
    author_association: 'OWNER',
  };
}

export function reviewComment(
  repo: StoredRepo,
  c: StoredReviewComment,
  urls: Urls,
  at: { path: string; line: number | null; originalLine: number },
): Record<string, unknown> {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const html = `${urls.html}/${repo.owner}/${repo.name}/pull/${c.number}#discussion_r${c.id}`;
  return {
    url: `${api}/pulls/comments/${c.id}`,
    pull_request_review_id: null,
    id: c.id,
    node_id: c.nodeId,
    diff_hunk: `@@ -${at.originalLine},1 +${at.originalLine},1 @@`,
    path: at.path,
    position: at.line ?? undefined,
    original_position: at.originalLine,
    commit_id: c.commitId,
    original_commit_id: c.commitId,
    ...(c.inReplyTo !== null ? { in_reply_to_id: c.inReplyTo } : {}),
    user: user(c.author, urls),
    body: c.body,
    created_at: c.createdAt,
    updated_at: c.createdAt,
    html_url: html,
    pull_request_url: `${api}/pulls/${c.number}`,
    author_association: 'OWNER',
    _links: {
      self: { href: `${api}/pulls/comments/${c.id}` },
      html: { href: html },
      pull_request: { href: `${api}/pulls/${c.number}` },
    },
    start_line: null,
    original_start_line: null,
    start_side: null,
    line: at.line ?? undefined,
    original_line: at.originalLine,
    side: 'RIGHT',
    subject_type: 'line',
  };
}

export function review(repo: StoredRepo, r: StoredReview, urls: Urls): Record<string, unknown> {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const html = `${urls.html}/${repo.owner}/${repo.name}/pull/${r.number}#pullrequestreview-${r.id}`;
  return {
    id: r.id,
    node_id: r.nodeId,
    user: user(r.author, urls),
    body: r.body,
    state: r.state,
    html_url: html,
    pull_request_url: `${api}/pulls/${r.number}`,
    _links: { html: { href: html }, pull_request: { href: `${api}/pulls/${r.number}` } },
    submitted_at: r.submittedAt,
    commit_id: r.commitId,
    author_association: 'COLLABORATOR',
  };
}
