/**
 * The CI rule: a function of (repository, PR, head SHA, files at that SHA) → check runs. The
 * emulator runs it once per PR head SHA it observes, so after Drover pushes a fix, the next read
 * of the PR sees CI start (and finish) on the new head, like a real CI would.
 */
import { readFileSync } from './git-refs.js';
import type { GithubStore, StoredPull, StoredRepo } from './store.js';
import { addCheckRun, type NewCheckRun } from './store-checks.js';

export interface CiContext {
  owner: string;
  repo: string;
  number: number;
  sha: string;
  /** A file's content at `sha`, or null when absent. */
  readFile(path: string): string | null;
}

export type CiCheck = Omit<NewCheckRun, 'headSha'>;
export type CiRule = (ctx: CiContext) => CiCheck[] | Promise<CiCheck[]>;

/** The declarative rule the HTTP control API accepts: each check passes when its file condition holds. */
export interface DeclarativeCheck {
  name: string;
  file?: { path: string; contains?: string; notContains?: string; exists?: boolean };
  summary?: string;
  text?: string;
}

export function declarativeRule(checks: DeclarativeCheck[]): CiRule {
  return ({ readFile }) =>
    checks.map((check) => {
      let ok = true;
      let why = 'all conditions hold';
      if (check.file) {
        const content = readFile(check.file.path);
        const { path, contains, notContains, exists } = check.file;
        if (exists !== undefined && (content !== null) !== exists)
          [ok, why] = [false, `${path} ${exists ? 'is missing' : 'exists'}`];
        else if (contains !== undefined && !(content ?? '').includes(contains))
          [ok, why] = [false, `${path} does not contain "${contains}"`];
        else if (notContains !== undefined && (content ?? '').includes(notContains))
          [ok, why] = [false, `${path} contains "${notContains}"`];
      }
      return {
        name: check.name,
        status: 'completed' as const,
        conclusion: ok ? 'success' : 'failure',
        title: ok ? `${check.name} passed` : `${check.name} failed`,
        summary: check.summary ?? why,
        text: check.text ?? why,
      };
    });
}

export class CiRunner {
  private rule: CiRule | undefined;
  private readonly seen = new Set<string>();

  constructor(private readonly store: GithubStore) {}

  /** A new rule applies afresh: every head is "new" to it at the next read. */
  set(rule: CiRule | undefined): void {
    this.rule = rule;
    this.seen.clear();
  }

  /** Runs the rule for this head SHA unless it already ran for it; returns the check runs created. */
  async observe(repo: StoredRepo, pull: StoredPull, sha: string): Promise<number> {
    const seenKey = `${repo.id}#${pull.issue.number}@${sha}`;
    if (!this.rule || !repo.bare || this.seen.has(seenKey)) return 0;
    this.seen.add(seenKey);
    const bare = repo.bare;
    const checks = await this.rule({
      owner: repo.owner,
      repo: repo.name,
      number: pull.issue.number,
      sha,
      readFile: (path) => readFileSync(bare, sha, path),
    });
    for (const check of checks) addCheckRun(this.store, repo, { ...check, headSha: sha });
    return checks.length;
  }
}
