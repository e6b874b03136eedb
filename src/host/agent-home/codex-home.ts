import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The codex CLI's per-task home: `<HOME>/.codex` (its default CODEX_HOME) holding a
 * `config.toml` that skips the first-run screens Drover cannot answer. Observed with 0.169.0
 * (docs/agents/codex.md); every key here is accepted by `--strict-config`.
 */

/** The fixed dummy key for the scripted model server; never a real secret. */
export const CODEX_REHEARSAL_KEY = 'sk-rehearsal-key';
/** The environment variable the rehearsal provider reads its key from (`env_key`). */
export const CODEX_REHEARSAL_KEY_ENV = 'OPENAI_API_KEY';
/** A model codex 0.169.0 has metadata for, so it offers `apply_patch` (unknown models do not). */
export const CODEX_REHEARSAL_MODEL = 'gpt-5.5';
/** The notice codex 0.169.0 shows for gpt-5.5 ("Meet GPT-6 Sol"), recorded as seen. */
const MODEL_MIGRATIONS: Record<string, string> = { 'gpt-5.5': 'gpt-6-sol' };

export interface CodexHomeSeed {
  /** Directories to trust (`[projects."<dir>"] trust_level`); not inherited by subdirectories. */
  trustedDirs?: string[];
  /** A Responses API base URL (the model-server route) to use instead of OpenAI. */
  rehearsalBaseUrl?: string;
  /** Default model written to the config (rehearsal: gpt-5.5). */
  model?: string;
}

/** TOML basic strings accept JSON's escapes. */
const str = (value: string): string => JSON.stringify(value);

/** The text of `config.toml`. */
export function codexConfigToml(seed: CodexHomeSeed = {}): string {
  const lines: string[] = ['# Written by Drover at every launch of this task\u2019s agent (docs/agents/codex.md).'];
  const model = seed.model ?? (seed.rehearsalBaseUrl !== undefined ? CODEX_REHEARSAL_MODEL : undefined);
  if (model !== undefined) lines.push(`model = ${str(model)}`);
  if (seed.rehearsalBaseUrl !== undefined) lines.push('model_provider = "drover-rehearsal"');
  lines.push('check_for_update_on_startup = false', '', '[analytics]', 'enabled = false');
  if (seed.rehearsalBaseUrl !== undefined) {
    lines.push(
      '',
      '[model_providers.drover-rehearsal]',
      'name = "Drover rehearsal"',
      `base_url = ${str(seed.rehearsalBaseUrl)}`,
      `env_key = ${str(CODEX_REHEARSAL_KEY_ENV)}`,
      'wire_api = "responses"',
      'request_max_retries = 2',
      'stream_max_retries = 2',
    );
  }
  for (const dir of seed.trustedDirs ?? [])
    lines.push('', `[projects.${str(path.resolve(dir))}]`, 'trust_level = "trusted"');
  lines.push(
    '',
    '[notice.model_migrations]',
    ...Object.entries(MODEL_MIGRATIONS).map(([from, to]) => `${str(from)} = ${str(to)}`),
  );
  lines.push('', '[tui]', 'screen_reader_detection_done = true', '');
  return lines.join('\n');
}

/** Writes `<home>/.codex/config.toml` (replacing the CLI's own edits: trust and notices are re-seeded). */
export async function seedCodexHome(home: string, seed: CodexHomeSeed = {}): Promise<string> {
  const codexHome = path.join(home, '.codex');
  await mkdir(codexHome, { recursive: true });
  await writeFile(path.join(codexHome, 'config.toml'), codexConfigToml(seed));
  return codexHome;
}

/**
 * What a codex agent needs besides Drover's base environment: its config seeded for the
 * worktree (and the model-server route in rehearsal), and the dummy key the provider reads.
 */
export async function prepareCodexHome(
  home: string,
  opts: { worktree: string; rehearsalBaseUrl?: string },
): Promise<Record<string, string>> {
  await seedCodexHome(home, { trustedDirs: [opts.worktree], rehearsalBaseUrl: opts.rehearsalBaseUrl });
  return opts.rehearsalBaseUrl !== undefined ? { [CODEX_REHEARSAL_KEY_ENV]: CODEX_REHEARSAL_KEY } : {};
}
