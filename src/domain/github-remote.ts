import { z } from 'zod';

/**
 * Which GitHub repository a local repository belongs to, from its `origin` remote's URL, or from
 * `--github OWNER/REPO`. A remote counts when its host is github.com, or the host of the configured
 * API (`GITHUB_API_URL`: GitHub Enterprise `https://HOST/api/v3`, `api.HOST.ghe.com`). A local
 * remote (a path or `file://` URL, as the GitHub emulator hands out) only names a candidate the
 * caller has to confirm with the API (its `clone_url`): a path alone proves nothing.
 */

export const OWNER_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
export const REPO_NAME_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

export const GithubRepoSchema = z.object({
  owner: z.string().regex(OWNER_PATTERN, { error: 'OWNER is letters, digits and "-" (at most 39)' }),
  repo: z
    .string()
    .regex(REPO_NAME_PATTERN, { error: 'REPO is letters, digits, ".", "_" and "-" (at most 100)' })
    .refine((r) => r !== '.' && r !== '..', { error: 'REPO may not be "." or ".."' }),
});
export type GithubRepo = z.infer<typeof GithubRepoSchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** `--github OWNER/REPO` (a trailing `.git` is dropped). */
export function parseGithubRepoArg(text: string): Parsed<GithubRepo> {
  const m = /^([^/\s]+)\/([^/\s]+?)(?:\.git)?$/.exec(text.trim());
  if (!m) return { ok: false, error: `--github "${text}" is not OWNER/REPO (e.g. --github acme/widgets)` };
  const checked = GithubRepoSchema.safeParse({ owner: m[1], repo: m[2] });
  if (!checked.success)
    return { ok: false, error: `--github "${text}": ${checked.error.issues.map((i) => i.message).join('; ')}` };
  return { ok: true, value: checked.data };
}

/** The web host of a GitHub API root: api.github.com → github.com, https://HOST/api/v3 → HOST, api.X.ghe.com → X.ghe.com. */
export function githubHostsOf(apiUrl: string | undefined): string[] {
  const hosts = new Set(['github.com', 'www.github.com']);
  if (!apiUrl) return [...hosts];
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    return [...hosts];
  }
  const host = url.hostname.toLowerCase();
  hosts.add(host);
  if (host.startsWith('api.')) hosts.add(host.slice(4));
  return [...hosts];
}

export type RemoteRepo =
  | { kind: 'github'; host: string; owner: string; repo: string }
  /** A local path (or file:// URL): a candidate `<…>/<owner>/<repo>.git` to confirm with the API. */
  | { kind: 'local'; path: string; owner?: string; repo?: string }
  | { kind: 'other'; why: string };

const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/;

function ownerRepoFromPath(pathname: string): { owner: string; repo: string } | undefined {
  const parts = pathname
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  if (parts.length < 2) return undefined;
  const checked = GithubRepoSchema.safeParse({ owner: parts[parts.length - 2], repo: parts[parts.length - 1] });
  return checked.success ? checked.data : undefined;
}

/**
 * Parses a remote URL: `https://github.com/o/r(.git)`, `git@github.com:o/r.git`,
 * `ssh://git@github.com[:22]/o/r.git`, `git://…`, the API's host for GitHub Enterprise; a path or
 * `file://` URL is `local`. Anything else (another host, a malformed URL) is `other`, with why.
 */
export function parseRemoteUrl(url: string, opts: { apiUrl?: string | undefined } = {}): RemoteRepo {
  const text = url.trim();
  if (text === '') return { kind: 'other', why: 'no origin remote' };
  if (text.startsWith('file://') || text.startsWith('/') || /^\.{1,2}\//.test(text)) {
    let path = text;
    if (text.startsWith('file://')) {
      try {
        path = decodeURIComponent(new URL(text).pathname);
      } catch {
        return { kind: 'other', why: `origin ${text} is not a valid file URL` };
      }
    }
    return { kind: 'local', path, ...(ownerRepoFromPath(path) ?? {}) };
  }
  let host: string;
  let pathname: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return { kind: 'other', why: `origin ${text} is not a valid URL` };
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(parsed.protocol))
      return { kind: 'other', why: `origin ${text}: ${parsed.protocol} is not a GitHub transport` };
    host = parsed.hostname;
    pathname = decodeURIComponent(parsed.pathname);
  } else {
    const m = SCP_LIKE.exec(text);
    if (!m) return { kind: 'other', why: `origin ${text} is neither a URL nor host:path` };
    host = m[1]!;
    pathname = m[2]!;
  }
  host = host.toLowerCase();
  const hosts = githubHostsOf(opts.apiUrl);
  if (!hosts.includes(host))
    return {
      kind: 'other',
      why: `origin is on ${host}, not ${hosts.filter((h) => !h.startsWith('www.')).join(' or ')} (set GITHUB_API_URL for GitHub Enterprise)`,
    };
  // GitHub Enterprise over HTTPS may sit under a path prefix; owner/repo are always the last two segments.
  const ownerRepo = ownerRepoFromPath(pathname);
  if (!ownerRepo) return { kind: 'other', why: `origin ${text} does not end in OWNER/REPO` };
  return { kind: 'github', host: host === 'www.github.com' ? 'github.com' : host, ...ownerRepo };
}
