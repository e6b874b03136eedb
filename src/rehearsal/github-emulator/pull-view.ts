/**
 * A pull request as of now: head and base SHAs read live from the bare repository, mergeability
 * from `git merge-tree`, and the CI rule run on a head SHA seen for the first time. Every read
 * path (REST and GraphQL) goes through `viewPull`, so "any read of the PR" observes new heads.
 */
import type { CiRunner } from './ci.js';
import { branches, mergeTree, sameFile, type MergeCheck } from './git-refs.js';
import { isAncestor } from './git-merge.js';
import type { StoredPull, StoredRepo, StoredThread } from './store.js';

export interface PullView {
  repo: StoredRepo;
  pull: StoredPull;
  headSha: string | null;
  baseSha: string | null;
  /** null while unknown: merged/closed PRs or a missing branch. */
  mergeable: boolean | null;
  conflicts: string[];
  /** Whether the head lacks the base's tip (GitHub's `behind` under strict protection); null when unknown. */
  behind: boolean | null;
}

/** Where a thread sits now: outdated (line null, as GitHub shows it) once its file changed after the thread's commit. */
export interface ThreadPosition {
  path: string;
  line: number | null;
  originalLine: number;
  outdated: boolean;
}

export class PullViewer {
  private readonly merges = new Map<string, Promise<MergeCheck>>();
  private readonly ancestry = new Map<string, Promise<boolean>>();

  constructor(private readonly ci: CiRunner) {}

  /** Branch tips of a repository (one `for-each-ref`). */
  async branches(repo: StoredRepo): Promise<Map<string, string>> {
    return repo.bare ? branches(repo.bare) : new Map();
  }

  async view(repo: StoredRepo, pull: StoredPull, tips?: Map<string, string>): Promise<PullView> {
    if (pull.merged) {
      return {
        repo,
        pull,
        headSha: pull.merged.headSha,
        baseSha: pull.merged.baseSha,
        mergeable: null,
        conflicts: [],
        behind: null,
      };
    }
    const refs = tips ?? (await this.branches(repo));
    const headSha = refs.get(pull.head) ?? pull.observedHead ?? null;
    const baseSha = refs.get(pull.base) ?? null;
    if (headSha && refs.has(pull.head)) {
      pull.observedHead = headSha;
      await this.ci.observe(repo, pull, headSha);
    }
    if (pull.issue.state !== 'open' || !headSha || !baseSha || !repo.bare || !refs.has(pull.head)) {
      return { repo, pull, headSha, baseSha, mergeable: null, conflicts: [], behind: null };
    }
    const [check, upToDate] = await Promise.all([
      this.mergeCheck(repo.bare, baseSha, headSha),
      this.contains(repo.bare, headSha, baseSha),
    ]);
    return {
      repo,
      pull,
      headSha,
      baseSha,
      mergeable: check.clean,
      conflicts: check.clean ? [] : check.conflicts,
      behind: !upToDate,
    };
  }

  async viewAll(repo: StoredRepo, pulls: StoredPull[]): Promise<PullView[]> {
    const tips = await this.branches(repo);
    return Promise.all(pulls.map((p) => this.view(repo, p, tips)));
  }

  /** The merge result of two commits never changes, so it is cached by the SHA pair. */
  mergeCheck(bare: string, base: string, head: string): Promise<MergeCheck> {
    const k = `${bare}\0${base}\0${head}`;
    let check = this.merges.get(k);
    if (!check) {
      check = mergeTree(bare, base, head);
      this.merges.set(k, check);
      check.catch(() => this.merges.delete(k));
    }
    return check;
  }

  /** Whether `commit` contains `ancestor`; fixed for a SHA pair, so cached like merge checks. */
  contains(bare: string, commit: string, ancestor: string): Promise<boolean> {
    const k = `${bare}\0${commit}\0${ancestor}`;
    let known = this.ancestry.get(k);
    if (!known) {
      known = isAncestor(bare, ancestor, commit);
      this.ancestry.set(k, known);
      known.catch(() => this.ancestry.delete(k));
    }
    return known;
  }

  async threadAt(view: PullView, thread: StoredThread): Promise<ThreadPosition> {
    const unchanged =
      !view.repo.bare || !view.headSha || (await sameFile(view.repo.bare, thread.commitId, view.headSha, thread.path));
    return { path: thread.path, line: unchanged ? thread.line : null, originalLine: thread.line, outdated: !unchanged };
  }
}
