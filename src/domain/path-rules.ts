/** Pure path checks against a worktree: no filesystem, so symlinks are not followed (be conservative). */

const CREDENTIAL_SEGMENTS = new Set([
  '.ssh',
  '.aws',
  '.gnupg',
  '.netrc',
  '.git-credentials',
  '.npmrc',
  '.pypirc',
  '.docker',
  '.kube',
  '.azure',
]);
const CREDENTIAL_PATTERNS = [
  /^\.env(?:\..*)?$/i,
  /^id_(?:rsa|dsa|ecdsa|ed25519)(?:\.pub)?$/i,
  /\.pem$/i,
  /^credentials(?:\.json)?$/i,
];

/** `/a/b/` → `/a/b`; '' and '/' stay as they are. */
export function trimSlashes(path: string): string {
  let p = path;
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** Why the path names a credential file or directory, or undefined. */
export function credentialIn(path: string): string | undefined {
  for (const seg of segments(path)) {
    if (CREDENTIAL_SEGMENTS.has(seg.toLowerCase()) || CREDENTIAL_PATTERNS.some((re) => re.test(seg))) return seg;
  }
  return undefined;
}

export type PathVerdict = { inside: true; relative: string } | { inside: false; why: string };

/**
 * Where a path (as written in a command) points relative to the worktree. Relative paths are
 * taken relative to the worktree (the agent's working directory). Any `..`, `~` or `$` is
 * treated as outside, since it cannot be resolved without the filesystem.
 */
export function locate(path: string, worktree: string): PathVerdict {
  if (path === '') return { inside: false, why: 'an empty path' };
  if (path.startsWith('~')) return { inside: false, why: `${path} is in a home directory` };
  if (path.includes('$')) return { inside: false, why: `${path} depends on a variable` };
  if (segments(path).includes('..')) return { inside: false, why: `${path} climbs out with ..` };
  if (!path.startsWith('/'))
    return {
      inside: true,
      relative: segments(path)
        .filter((s) => s !== '.')
        .join('/'),
    };
  const root = trimSlashes(worktree);
  if (!root.startsWith('/') || root === '/')
    return { inside: false, why: `${path} cannot be checked: the worktree "${worktree}" is not an absolute path` };
  const p = trimSlashes(path);
  if (p === root) return { inside: true, relative: '' };
  if (p.startsWith(`${root}/`))
    return {
      inside: true,
      relative: segments(p.slice(root.length))
        .filter((s) => s !== '.')
        .join('/'),
    };
  return { inside: false, why: `${path} is outside the worktree ${root}` };
}

/** A path the agent may read: inside the worktree and not a credential. */
export function readableProblem(path: string, worktree: string): string | undefined {
  const where = locate(path, worktree);
  if (!where.inside) return where.why;
  const cred = credentialIn(path);
  return cred ? `${path} is a credential file (${cred})` : undefined;
}

/** A path the agent may write or delete: readable, not git's own metadata, not the worktree itself. */
export function writableProblem(path: string, worktree: string): string | undefined {
  const problem = readableProblem(path, worktree);
  if (problem) return problem;
  const where = locate(path, worktree);
  if (where.inside && where.relative === '') return `${path} is the whole worktree`;
  if (where.inside && segments(where.relative).includes('.git'))
    return `${path} is inside .git (hooks and config there run code)`;
  return undefined;
}
