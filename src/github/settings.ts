import { githubOptionsFromEnv } from './issues.js';

/** Where a worker's GitHub activities reach GitHub; from the worker's environment only, never workflow input. */
export interface GithubSettings {
  apiUrl: string;
  token?: string;
  /** Review threads per GraphQL page (1-100). */
  threadPageSize: number;
}

/**
 * A worker's GitHub settings, from its own environment only: `GITHUB_TOKEN`, `GITHUB_API_URL`
 * (GitHub Enterprise or the emulator) and `DROVER_GITHUB_THREAD_PAGE_SIZE` (1-100, default 50).
 */
export function githubSettingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): { ok: true; settings: GithubSettings } | { ok: false; error: string } {
  const base = githubOptionsFromEnv(env);
  if (!base.ok) return base;
  const sizeText = env.DROVER_GITHUB_THREAD_PAGE_SIZE?.trim();
  const threadPageSize = sizeText ? Number(sizeText) : 50;
  if (!Number.isInteger(threadPageSize) || threadPageSize < 1 || threadPageSize > 100) {
    return {
      ok: false,
      error: `DROVER_GITHUB_THREAD_PAGE_SIZE must be a whole number from 1 to 100, not "${sizeText ?? ''}"`,
    };
  }
  return {
    ok: true,
    settings: {
      apiUrl: base.options.apiUrl,
      threadPageSize,
      ...(base.options.token ? { token: base.options.token } : {}),
    },
  };
}
