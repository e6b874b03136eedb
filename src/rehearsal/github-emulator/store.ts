/**
 * The GitHub emulator's in-memory state: repositories and their issues (pull requests share
 * the issue numbering, as on GitHub). Items are rendered in GitHub's REST shape.
 */

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
}

interface StoredRepo {
  owner: string;
  name: string;
  issues: StoredIssue[];
}

const key = (owner: string, repo: string): string => `${owner}/${repo}`.toLowerCase();

export class GithubStore {
  private readonly repos = new Map<string, StoredRepo>();
  private labelIds = new Map<string, number>();
  private clock = Date.parse('2025-01-01T00:00:00Z');

  repo(owner: string, repo: string): StoredRepo | undefined {
    return this.repos.get(key(owner, repo));
  }

  /** Creates the repository on first use; returns the new issue's number. */
  addIssue(owner: string, repo: string, issue: NewIssue): number {
    const k = key(owner, repo);
    const stored = this.repos.get(k) ?? { owner, name: repo, issues: [] };
    this.repos.set(k, stored);
    const number = stored.issues.length + 1;
    this.clock += 60_000;
    stored.issues.push({
      number,
      title: issue.title,
      body: issue.body ?? null,
      labels: issue.labels ?? [],
      isPullRequest: issue.isPullRequest ?? false,
      state: issue.state ?? 'open',
      author: issue.author ?? 'octocat',
      createdAt: new Date(this.clock).toISOString(),
    });
    return number;
  }

  private labelId(name: string): number {
    const id = this.labelIds.get(name) ?? this.labelIds.size + 1;
    this.labelIds.set(name, id);
    return id;
  }

  /** One issue as GET /repos/{o}/{r}/issues returns it. */
  render(repo: StoredRepo, issue: StoredIssue, apiUrl: string, htmlUrl: string): Record<string, unknown> {
    const api = `${apiUrl}/repos/${repo.owner}/${repo.name}`;
    const html = `${htmlUrl}/${repo.owner}/${repo.name}`;
    return {
      url: `${api}/issues/${issue.number}`,
      html_url: `${html}/${issue.isPullRequest ? 'pull' : 'issues'}/${issue.number}`,
      id: issue.number * 1000 + 7,
      node_id: Buffer.from(`I_${repo.owner}/${repo.name}#${issue.number}`).toString('base64'),
      number: issue.number,
      title: issue.title,
      body: issue.body,
      user: { login: issue.author, id: 1, type: 'User' },
      labels: issue.labels.map((name) => ({ id: this.labelId(name), name, color: 'ededed', default: false, description: null })),
      state: issue.state,
      locked: false,
      assignees: [],
      comments: 0,
      created_at: issue.createdAt,
      updated_at: issue.createdAt,
      closed_at: issue.state === 'closed' ? issue.createdAt : null,
      author_association: 'OWNER',
      ...(issue.isPullRequest ? { pull_request: { url: `${api}/pulls/${issue.number}`, html_url: `${html}/pull/${issue.number}`, merged_at: null } } : {}),
    };
  }
}
