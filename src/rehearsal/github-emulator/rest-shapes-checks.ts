/**
 * GitHub's REST response shapes for CI and history: check runs (by the GitHub Actions app),
 * commit statuses and commits (required fields of the OpenAPI schemas, checked by the contract tests).
 */
import type { GitCommit } from './git-refs.js';
import { user, type Urls } from './rest-shapes.js';
import type { StoredCheckRun, StoredRepo, StoredStatus } from './store.js';

const ACTIONS_APP_CREATED = '2018-07-30T09:30:17Z';

function actionsApp(urls: Urls): Record<string, unknown> {
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    owner: user('github', urls),
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${urls.html}/apps/github-actions`,
    created_at: ACTIONS_APP_CREATED,
    updated_at: ACTIONS_APP_CREATED,
    permissions: { checks: 'write', contents: 'write', statuses: 'write' },
    events: ['check_run', 'pull_request', 'push'],
  };
}

export function checkRun(
  repo: StoredRepo,
  run: StoredCheckRun,
  urls: Urls,
  pulls: Array<{ number: number; head: string; headSha: string; base: string; baseSha: string }>,
): Record<string, unknown> {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const html = `${urls.html}/${repo.owner}/${repo.name}/runs/${run.id}`;
  const repoRef = { id: repo.id, url: api, name: repo.name };
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: run.nodeId,
    external_id: String(run.id),
    url: `${api}/check-runs/${run.id}`,
    html_url: html,
    details_url: run.detailsUrl ?? html,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    name: run.name,
    output: {
      title: run.title,
      summary: run.summary,
      text: run.text,
      annotations_count: 0,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    check_suite: { id: run.id + 500_000 },
    app: actionsApp(urls),
    pull_requests: pulls.map((p) => ({
      id: repo.id * 100_000 + p.number,
      number: p.number,
      url: `${api}/pulls/${p.number}`,
      head: { ref: p.head, sha: p.headSha, repo: repoRef },
      base: { ref: p.base, sha: p.baseSha, repo: repoRef },
    })),
  };
}

export function status(repo: StoredRepo, s: StoredStatus, urls: Urls): Record<string, unknown> {
  return {
    url: `${urls.api}/repos/${repo.owner}/${repo.name}/statuses/${s.sha}`,
    avatar_url: null,
    id: s.id,
    node_id: s.nodeId,
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.createdAt,
  };
}

export function commit(repo: StoredRepo, c: GitCommit, urls: Urls, author: string): Record<string, unknown> {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const html = `${urls.html}/${repo.owner}/${repo.name}/commit/${c.sha}`;
  return {
    url: `${api}/commits/${c.sha}`,
    sha: c.sha,
    node_id: `C_${Buffer.from(`${repo.id}:${c.sha}`).toString('base64url')}`,
    html_url: html,
    comments_url: `${api}/commits/${c.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${c.sha}`,
      author: c.author,
      committer: c.committer,
      message: c.message,
      comment_count: 0,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      verification: { verified: false, reason: 'unsigned', payload: null, signature: null, verified_at: null },
    },
    author: user(author, urls),
    committer: user(author, urls),
    parents: c.parents.map((sha) => ({
      sha,
      url: `${api}/commits/${sha}`,
      html_url: `${urls.html}/${repo.owner}/${repo.name}/commit/${sha}`,
    })),
  };
}
