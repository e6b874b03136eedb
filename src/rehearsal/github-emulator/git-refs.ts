/**
 * The emulator's window on its bare repositories: branch SHAs, commits, file contents,
 * mergeability (`git merge-tree --write-tree`) and real merges. Every call is `git` with an
 * argument array; refs supplied by callers go after `--` or are checked to be plain branch names.
 */
import { execa, execaSync } from 'execa';

const BRANCH = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/;

export function isBranchName(name: string): boolean {
  return BRANCH.test(name) && !name.endsWith('/') && !name.endsWith('.lock');
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'GitHub',
  GIT_AUTHOR_EMAIL: 'noreply@github.com',
  GIT_COMMITTER_NAME: 'GitHub',
  GIT_COMMITTER_EMAIL: 'noreply@github.com',
};

async function git(
  bare: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; exitCode: number }> {
  const res = await execa('git', ['--git-dir', bare, ...args], {
    reject: false,
    env: { ...env, GIT_TERMINAL_PROMPT: '0' },
  });
  return { stdout: res.stdout, exitCode: res.exitCode ?? 1 };
}

export async function cloneBare(from: string, bare: string): Promise<void> {
  const res = await execa('git', ['clone', '--bare', '--quiet', '--', from, bare], { reject: false });
  if (res.exitCode !== 0) throw new Error(`git clone --bare ${from} failed: ${res.stderr.trim()}`);
}

/** The bare repository's HEAD branch (what `git clone` checks out). */
export async function headBranch(bare: string): Promise<string> {
  const res = await git(bare, ['symbolic-ref', '--short', 'HEAD']);
  return res.exitCode === 0 ? res.stdout.trim() : 'main';
}

/** Every branch → its commit SHA, in one `for-each-ref`. */
export async function branches(bare: string): Promise<Map<string, string>> {
  const res = await git(bare, ['for-each-ref', '--format=%(refname:strip=2) %(objectname)', 'refs/heads/']);
  const out = new Map<string, string>();
  for (const line of res.stdout.split('\n')) {
    const [name, sha] = line.split(' ');
    if (name && sha) out.set(name, sha);
  }
  return out;
}

/** A branch name, tag or (abbreviated) SHA → the full commit SHA, or undefined. */
export async function resolveCommit(bare: string, ref: string): Promise<string | undefined> {
  if (ref.startsWith('-')) return undefined;
  const res = await git(bare, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  return res.exitCode === 0 ? res.stdout.trim() : undefined;
}

export interface GitCommit {
  sha: string;
  tree: string;
  parents: string[];
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
  message: string;
}

/** GitHub prints times in UTC to the second. */
const isoSeconds = (date: string): string => new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');

const FORMAT = ['%H', '%T', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%B'].join('%x00') + '%x1e';

function parseCommits(stdout: string): GitCommit[] {
  return stdout
    .split('\x1e')
    .map((c) => c.replace(/^\n/, ''))
    .filter((c) => c !== '')
    .map((chunk) => {
      const [sha = '', tree = '', parents = '', an = '', ae = '', ad = '', cn = '', ce = '', cd = '', message = ''] =
        chunk.split('\x00');
      return {
        sha,
        tree,
        parents: parents.split(' ').filter((p) => p !== ''),
        author: { name: an, email: ae, date: isoSeconds(ad) },
        committer: { name: cn, email: ce, date: isoSeconds(cd) },
        message: message.replace(/\n+$/, ''),
      };
    });
}

export async function commit(bare: string, sha: string): Promise<GitCommit | undefined> {
  const res = await git(bare, ['log', '-1', `--format=${FORMAT}`, sha, '--']);
  return res.exitCode === 0 ? parseCommits(res.stdout)[0] : undefined;
}

/** Commits reachable from `head` but not from `base`, oldest first (what a PR's commit list shows). */
export async function commitsBetween(bare: string, base: string, head: string): Promise<GitCommit[]> {
  const res = await git(bare, ['log', '--reverse', `--format=${FORMAT}`, head, `^${base}`, '--']);
  return res.exitCode === 0 ? parseCommits(res.stdout) : [];
}

/** A file's text at a commit, or null when absent. Synchronous for the CI rule's `readFile`. */
export function readFileSync(bare: string, sha: string, file: string): string | null {
  const res = execaSync('git', ['--git-dir', bare, 'cat-file', 'blob', `${sha}:${file.replace(/^\/+/, '')}`], {
    reject: false,
    stripFinalNewline: false,
  });
  return res.exitCode === 0 ? String(res.stdout) : null;
}

/** Whether `file` has the same content at both commits. */
export async function sameFile(bare: string, a: string, b: string, file: string): Promise<boolean> {
  if (a === b) return true;
  const res = await git(bare, ['diff', '--quiet', a, b, '--', file]);
  return res.exitCode === 0;
}

export type MergeCheck = { clean: true; tree: string } | { clean: false; conflicts: string[] };

/** `git merge-tree --write-tree base head`: the merged tree, or the conflicting paths. */
export async function mergeTree(bare: string, base: string, head: string): Promise<MergeCheck> {
  const res = await git(bare, ['merge-tree', '--write-tree', '--name-only', '--no-messages', base, head]);
  const [tree = '', ...rest] = res.stdout.split('\n');
  if (res.exitCode === 0) return { clean: true, tree: tree.trim() };
  if (res.exitCode === 1) return { clean: false, conflicts: rest.filter((l) => l.trim() !== '') };
  throw new Error(`git merge-tree failed (${res.exitCode}) for ${base} ${head}`);
}

/** Writes the merge (two parents) or squash (one parent) commit and moves `branch` from `expected` to it atomically. */
export async function mergeInto(
  bare: string,
  opts: { branch: string; expected: string; head: string; tree: string; message: string; squash: boolean },
): Promise<string> {
  const parents = opts.squash ? ['-p', opts.expected] : ['-p', opts.expected, '-p', opts.head];
  const made = await git(bare, ['commit-tree', opts.tree, ...parents, '-m', opts.message], IDENTITY);
  if (made.exitCode !== 0) throw new Error(`git commit-tree failed for ${opts.branch}`);
  const sha = made.stdout.trim();
  const moved = await git(bare, ['update-ref', `refs/heads/${opts.branch}`, sha, opts.expected]);
  if (moved.exitCode !== 0) throw new Error(`${opts.branch} moved during the merge`);
  return sha;
}
