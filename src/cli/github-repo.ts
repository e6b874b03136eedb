import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { DEFAULT_API_URL, createGithubClient, type GithubClient } from '../github/client.js';
import { githubOptionsFromEnv } from '../github/issues.js';
import { keepTokenOnOrigin } from '../github/same-origin.js';
import { parseGithubRepoArg, parseRemoteUrl, type GithubRepo } from '../domain/github-remote.js';
import { CliError } from './context.js';

/**
 * The CLI's view of GitHub: a one-shot Octokit from the environment (`GITHUB_TOKEN`,
 * `GITHUB_API_URL`, as `drover plan` reads them), and which GitHub repository a local repository
 * is (its origin remote, or `--github OWNER/REPO`).
 */

/** A client for one command: failures are reported at once, not waited out. */
export function cliGithubClient(env: NodeJS.ProcessEnv = process.env): { client: GithubClient; apiUrl: string } {
  const got = githubOptionsFromEnv(env);
  if (!got.ok) throw new CliError(got.error);
  const { apiUrl, token } = got.options;
  const client = createGithubClient({
    apiUrl,
    rateLimitRetries: 0,
    retries: 0,
    etagCacheSize: 0,
    ...(token ? { token } : {}),
  });
  keepTokenOnOrigin(client, apiUrl);
  return { client, apiUrl };
}

async function gitOut(cwd: string, args: string[]): Promise<string | undefined> {
  const res = await execa('git', args, { cwd, reject: false });
  return res.exitCode === 0 ? res.stdout.trim() : undefined;
}

const canonical = (p: string): Promise<string> => realpath(p).catch(() => path.resolve(p));

/**
 * A local path names a GitHub repository only when the configured API (the emulator, say) says
 * that repository's clone URL is that path. No API configured: not confirmed.
 */
async function confirmLocal(candidatePath: string, owner: string, repo: string, env: NodeJS.ProcessEnv) {
  const apiUrl = env.GITHUB_API_URL?.trim();
  if (!apiUrl || apiUrl.replace(/\/+$/, '') === DEFAULT_API_URL) return false;
  try {
    const { client } = cliGithubClient(env);
    const { data } = await client.rest.repos.get({ owner, repo });
    const clone = (data as { clone_url?: string }).clone_url ?? '';
    if (!clone.startsWith('file://')) return false;
    const clonePath = decodeURIComponent(new URL(clone).pathname);
    return (await canonical(clonePath)) === (await canonical(candidatePath));
  } catch {
    return false;
  }
}

export type Detected = { ok: true; github: GithubRepo; via: string } | { ok: false; why: string };

/**
 * Which GitHub repository `repo` is: its origin remote on github.com or the API's host (GitHub
 * Enterprise); a local origin (or, for a bare repository, the repository itself) when the API
 * confirms it is that repository's clone URL (the GitHub emulator's file:// clones).
 */
export async function detectGithubRepo(repo: string, env: NodeJS.ProcessEnv = process.env): Promise<Detected> {
  const apiUrl = env.GITHUB_API_URL?.trim() || undefined;
  const origin = await gitOut(repo, ['remote', 'get-url', 'origin']);
  const candidates: string[] = [];
  let why = `${repo} has no origin remote`;
  if (origin) {
    const parsed = parseRemoteUrl(origin, { apiUrl });
    if (parsed.kind === 'github')
      return { ok: true, github: { owner: parsed.owner, repo: parsed.repo }, via: `origin ${origin}` };
    if (parsed.kind === 'other') why = parsed.why;
    else {
      candidates.push(path.resolve(repo, parsed.path));
      why = `origin ${origin} is a local path that ${apiUrl ? `the GitHub API at ${apiUrl} does not serve` : 'no GITHUB_API_URL serves'}`;
    }
  }
  if ((await gitOut(repo, ['rev-parse', '--is-bare-repository'])) === 'true') candidates.push(path.resolve(repo));
  for (const candidate of candidates) {
    const local = parseRemoteUrl(candidate);
    if (local.kind !== 'local' || !local.owner || !local.repo) continue;
    if (await confirmLocal(candidate, local.owner, local.repo, env))
      return {
        ok: true,
        github: { owner: local.owner, repo: local.repo },
        via: `${candidate} (its clone URL on ${apiUrl})`,
      };
  }
  return { ok: false, why };
}

/** `--github OWNER/REPO` when given (validated), else what the repository's remote says; undefined: not on GitHub. */
export async function resolveGithubRepo(
  repo: string,
  githubFlag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ github?: GithubRepo; why: string }> {
  if (githubFlag !== undefined) {
    const parsed = parseGithubRepoArg(githubFlag);
    if (!parsed.ok) throw new CliError(parsed.error);
    return { github: parsed.value, why: '--github' };
  }
  const detected = await detectGithubRepo(repo, env);
  return detected.ok ? { github: detected.github, why: detected.via } : { why: detected.why };
}
