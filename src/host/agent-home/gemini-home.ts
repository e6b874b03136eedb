import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The fixed dummy key rehearsal gives gemini (never a real secret; the server ignores it). */
export const REHEARSAL_GEMINI_API_KEY = 'gemini-rehearsal-key';

/**
 * Why gemini-cli 0.61.0 exits at once (code 52, "Please fix the configuration file(s) and
 * try again."): an unparsable `~/.gemini/settings.json`. Written instead of the real settings
 * when a scenario lists `gemini` in `crashOnStart`, so every start (and every relaunch) dies.
 */
export const CRASHING_SETTINGS = '{ "rehearsal": "crashOnStart: this file is deliberately not JSON"';

export interface GeminiHomeSeed {
  /** Folders to trust (`~/.gemini/trustedFolders.json`); omit to see the real trust dialog. */
  trustedDirs?: string[];
  /** Write an unparsable settings file so the CLI exits on every start (rehearsal fault). */
  crashOnStart?: boolean;
}

/**
 * `~/.gemini/settings.json` for an isolated HOME. Without `security.auth.selectedType` the CLI
 * opens its auth dialog (interactive) or fails with "Invalid auth method selected." (`-p`,
 * because `GOOGLE_GEMINI_BASE_URL` alone selects the `gateway` type): `gemini-api-key` uses
 * `GEMINI_API_KEY` and still honours `GOOGLE_GEMINI_BASE_URL`.
 */
export function geminiSettingsSeed(): Record<string, unknown> {
  return {
    security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: true } },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    ide: { enabled: false, hasSeenNudge: true },
    ui: { theme: 'Default' },
  };
}

/** `trustedFolders.json`: `{ "<abs dir>": "TRUST_FOLDER" }`, as the trust dialog writes it. */
export function geminiTrustSeed(dirs: readonly string[]): Record<string, string> {
  return Object.fromEntries(dirs.map((dir) => [path.resolve(dir), 'TRUST_FOLDER']));
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  if (!existsSync(file)) return {};
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * Creates `home/.gemini` with settings (rewritten every time, so a crash fault can be turned
 * off again) and trusted folders (merged with what the CLI saved since).
 */
export async function seedGeminiHome(home: string, seed: GeminiHomeSeed = {}): Promise<void> {
  const dir = path.join(home, '.gemini');
  await mkdir(dir, { recursive: true });
  const settings = seed.crashOnStart === true ? CRASHING_SETTINGS : JSON.stringify(geminiSettingsSeed(), null, 2);
  await writeFile(path.join(dir, 'settings.json'), settings);
  if (seed.trustedDirs !== undefined && seed.trustedDirs.length > 0) {
    const file = path.join(dir, 'trustedFolders.json');
    const trusted = { ...(await readJson(file)), ...geminiTrustSeed(seed.trustedDirs) };
    await writeFile(file, JSON.stringify(trusted, null, 2));
  }
}

export interface GeminiEnvOptions {
  /** The route's base URL, e.g. `server.routeUrl('task-1')`. */
  baseUrl: string;
  home: string;
  apiKey?: string;
  path?: string;
  term?: string;
}

/**
 * The environment variables that point gemini at the model server: the base URL, the dummy
 * key, and no update checks. For a complete environment (`env -i`) add HOME, PATH, TERM, LANG.
 */
export function geminiModelEnv(baseUrl: string, apiKey = REHEARSAL_GEMINI_API_KEY): Record<string, string> {
  return { GOOGLE_GEMINI_BASE_URL: baseUrl, GEMINI_API_KEY: apiKey };
}

/** The complete environment for a gemini process talking to the model server (nothing inherited). */
export function rehearsalGeminiEnv(options: GeminiEnvOptions): Record<string, string> {
  return {
    HOME: options.home,
    PATH: options.path ?? '/usr/local/bin:/usr/bin:/bin',
    TERM: options.term ?? 'xterm-256color',
    LANG: 'C.UTF-8',
    ...geminiModelEnv(options.baseUrl, options.apiKey),
  };
}
