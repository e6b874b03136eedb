import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * How the claude CLI (2.1.197) remembers an approved `ANTHROPIC_API_KEY`: the last 20
 * characters of the key, in `customApiKeyResponses.approved` of `~/.claude.json`.
 */
export function apiKeyFingerprint(key: string): string {
  return key.slice(-20);
}

export interface ClaudeHomeSeed {
  /**
   * Directories to mark trusted (`projects[dir].hasTrustDialogAccepted`). Trust is inherited:
   * the CLI walks up from its cwd, so trusting a parent covers every worktree below it.
   * Omit to see the real "Accessing workspace" trust dialog.
   */
  trustedDirs?: string[];
  /** API keys to pre-approve; omit to see the "Detected a custom API key" dialog. */
  approvedApiKeys?: string[];
}

/**
 * The `~/.claude.json` for an isolated HOME. `hasCompletedOnboarding: true` is required
 * offline: without it the CLI runs its first-run onboarding, which checks api.anthropic.com
 * and exits with "Unable to connect to Anthropic services".
 */
export function claudeConfigSeed(seed: ClaudeHomeSeed = {}): Record<string, unknown> {
  const config: Record<string, unknown> = { hasCompletedOnboarding: true };
  if (seed.approvedApiKeys !== undefined && seed.approvedApiKeys.length > 0) {
    config.customApiKeyResponses = { approved: seed.approvedApiKeys.map(apiKeyFingerprint), rejected: [] };
  }
  if (seed.trustedDirs !== undefined && seed.trustedDirs.length > 0) {
    config.projects = Object.fromEntries(
      seed.trustedDirs.map((dir) => [path.resolve(dir), { hasTrustDialogAccepted: true }]),
    );
  }
  return config;
}

/** Creates `home` and writes its `.claude.json`. */
export async function seedClaudeHome(home: string, seed: ClaudeHomeSeed = {}): Promise<void> {
  await mkdir(home, { recursive: true });
  await writeFile(path.join(home, '.claude.json'), JSON.stringify(claudeConfigSeed(seed), null, 2));
}

export interface RehearsalEnvOptions {
  /** The route's base URL, e.g. `server.routeUrl('task-1')`. */
  baseUrl: string;
  home: string;
  /**
   * `apiKey` sets ANTHROPIC_API_KEY (sent as `x-api-key`; the CLI asks "Do you want to use
   * this API key?" unless approved in the HOME); `authToken` sets ANTHROPIC_AUTH_TOKEN (sent
   * as `authorization: Bearer …`; no dialog). Default: apiKey `sk-ant-test`.
   */
  credential?: { apiKey: string } | { authToken: string };
  path?: string;
  term?: string;
}

/**
 * The complete environment for a claude process talking to the model server. Complete, not
 * merged: nothing is inherited (no CLAUDECODE / CLAUDE_* nested-session guards, no tokens).
 */
export function rehearsalClaudeEnv(options: RehearsalEnvOptions): Record<string, string> {
  const credential = options.credential ?? { apiKey: 'sk-ant-test' };
  return {
    HOME: options.home,
    PATH: options.path ?? '/usr/local/bin:/usr/bin:/bin',
    TERM: options.term ?? 'xterm-256color',
    LANG: 'C.UTF-8',
    ANTHROPIC_BASE_URL: options.baseUrl,
    ...('apiKey' in credential
      ? { ANTHROPIC_API_KEY: credential.apiKey }
      : { ANTHROPIC_AUTH_TOKEN: credential.authToken }),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  };
}
