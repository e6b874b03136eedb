/** What the emulator was asked: every GitHub API request (control calls excluded), and counts by route. */

export interface RecordedGithubRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  path: string;
  /** GitHub's path template of the matched route (`/repos/{owner}/{repo}/pulls/{pull_number}`), if any. */
  route?: string;
  graphql: boolean;
  /** The GraphQL operation name (`anonymous` when unnamed). */
  operationName?: string;
  authorization: string | undefined;
  status: number;
  /** The status came from an injected fault. */
  faulted: boolean;
}

export interface RequestCounts {
  total: number;
  rest: number;
  graphql: number;
  notModified: number;
  faulted: number;
  /** `GET /repos/{owner}/{repo}/pulls/{pull_number}` or `graphql PrThreads` → count. */
  byRoute: Record<string, number>;
}

export const routeKey = (r: RecordedGithubRequest): string =>
  r.graphql ? `graphql ${r.operationName ?? '?'}` : `${r.method} ${r.route ?? r.path}`;

export class RequestLog {
  private entries: RecordedGithubRequest[] = [];

  add(entry: RecordedGithubRequest): void {
    this.entries.push(entry);
  }

  all(): RecordedGithubRequest[] {
    return [...this.entries];
  }

  reset(): void {
    this.entries = [];
  }

  counts(): RequestCounts {
    const byRoute: Record<string, number> = {};
    for (const r of this.entries) byRoute[routeKey(r)] = (byRoute[routeKey(r)] ?? 0) + 1;
    return {
      total: this.entries.length,
      rest: this.entries.filter((r) => !r.graphql).length,
      graphql: this.entries.filter((r) => r.graphql).length,
      notModified: this.entries.filter((r) => r.status === 304).length,
      faulted: this.entries.filter((r) => r.faulted).length,
      byRoute,
    };
  }
}
