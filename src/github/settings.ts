import type { GithubSettings } from '../activities/github.js';
import { githubOptionsFromEnv } from './issues.js';

/**
 * A worker's GitHub settings, from its own environment only: `GITHUB_TOKEN`, `GITHUB_API_URL`
 * (GitHub Enterprise or the emulator) and `DROVER_GITHUB_THREAD_PAGE_SIZE` (1-100, default 50).
 */
export function githubSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): { ok: true; settings: GithubSettings } | { ok: false; error: string } {
  const base = githubOptionsFromEnv(env);
  if (!base.ok) return base;
  const sizeText = env.DROVER_GITHUB_THREAD_PAGE_SIZE?.trim();
  const threadPageSize = sizeText ? Number(sizeText) : 50;
  if (!Number.isInteger(threadPageSize) || threadPageSize < 1 || threadPageSize > 100) {
    return { ok: false, error: `DROVER_GITHUB_THREAD_PAGE_SIZE must be a whole number from 1 to 100, not "${sizeText ?? ''}"` };
  }
  return { ok: true, settings: { apiUrl: base.options.apiUrl, threadPageSize, ...(base.options.token ? { token: base.options.token } : {}) } };
}
