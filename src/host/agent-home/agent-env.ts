import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { geminiModelEnv, REHEARSAL_GEMINI_API_KEY, seedGeminiHome } from './gemini-home.js';
import { CODEC_KEY_ENV_NAMES } from '../../codec/keys.js';

/**
 * The environment the tmux server starts with, which every agent window inherits. An
 * allowlist: nothing else of the worker's environment passes (no CLAUDECODE / CLAUDE_*
 * nested-session guards, no GitHub, npm or cloud tokens, no TLS key).
 */
export function agentBaseEnv(source: NodeJS.ProcessEnv, extraPath: string[]): Record<string, string> {
  const env: Record<string, string> = {
    PATH: [...extraPath, source.PATH ?? '/usr/local/bin:/usr/bin:/bin'].join(path.delimiter),
    TERM: 'xterm-256color',
    LANG: source.LANG ?? 'C.UTF-8',
    LC_ALL: source.LC_ALL ?? 'C.UTF-8',
    SHELL: '/bin/bash',
    HOME: source.HOME ?? '/tmp',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  };
  // The codec keys let `drover report` in the agent's shell read the (encrypted) update result; the
  // agent runs as the worker's user, which can read the worker's environment anyway.
  for (const key of [
    'ANTHROPIC_API_KEY',
    'ANTHROPIC_BASE_URL',
    'GEMINI_API_KEY',
    'GOOGLE_GEMINI_BASE_URL',
    'TMPDIR',
    'TEMPORAL_ADDRESS',
    'TEMPORAL_NAMESPACE',
    'TEMPORAL_TLS_CERT',
    'TEMPORAL_TLS_CA',
    'TEMPORAL_TLS',
    ...CODEC_KEY_ENV_NAMES,
  ]) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

/** A private HOME per task, seeded so the CLI skips onboarding but still asks its real dialogs. */
export async function ensureAgentHome(homesRoot: string, taskId: string): Promise<string> {
  const home = path.join(homesRoot, taskId);
  await mkdir(home, { recursive: true });
  const configFile = path.join(home, '.claude.json');
  let config: Record<string, unknown> = {};
  if (existsSync(configFile)) {
    try {
      config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
    } catch {
      config = {};
    }
  }
  if (config.hasCompletedOnboarding !== true) {
    config.hasCompletedOnboarding = true;
    await writeFile(configFile, JSON.stringify(config, null, 2));
  }
  return home;
}

/**
 * Seeds what a CLI other than claude needs in the task's HOME (gemini: settings that skip the
 * auth dialog, the worktree trusted). `crashOnStart` is a rehearsal fault (see scenario.ts).
 */
export async function seedAgentHome(
  agent: string,
  home: string,
  opts: { worktree: string; crashOnStart?: boolean },
): Promise<void> {
  if (agent === 'gemini') await seedGeminiHome(home, { trustedDirs: [opts.worktree], crashOnStart: opts.crashOnStart });
}

/** The environment pointing an agent at the scripted model server's route (fixed dummy keys, never a real secret). */
export function rehearsalModelEnv(agent: string, baseUrl: string): Record<string, string> {
  if (agent === 'gemini') return geminiModelEnv(baseUrl, REHEARSAL_GEMINI_API_KEY);
  return { ANTHROPIC_BASE_URL: baseUrl, ANTHROPIC_API_KEY: 'sk-ant-rehearsal-key' };
}

/** A `drover` command on the agent's PATH, so `drover report …` works from its shell. */
export async function ensureDroverShim(binDir: string, projectRoot: string): Promise<string> {
  await mkdir(binDir, { recursive: true });
  const shim = path.join(binDir, 'drover');
  if (!existsSync(shim)) {
    try {
      await symlink(path.join(projectRoot, 'bin', 'drover.mjs'), shim);
    } catch (error) {
      if (!existsSync(shim)) throw error;
    }
  }
  return binDir;
}

/** Finds the agent CLI binary: an explicit override, the pinned npm package, then PATH. */
export function resolveAgentBinary(command: string, projectRoot: string, env: NodeJS.ProcessEnv): string {
  const override = env[`DROVER_${command.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_BIN`];
  if (override) return override;
  if (command === 'claude') {
    const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
    const candidates = [
      path.join(projectRoot, 'node_modules', '@anthropic-ai', `claude-code-${process.platform}-${arch}`, 'claude'),
      path.join(projectRoot, 'node_modules', '.bin', 'claude'),
    ];
    const found = candidates.find((c) => existsSync(c));
    if (found) return found;
  }
  // A launcher shipped with Drover itself (bin/drover-sim.mjs for the `sim` agent).
  const shipped = path.join(projectRoot, 'bin', `${command}.mjs`);
  if (/^drover-[a-z0-9-]+$/.test(command) && existsSync(shipped)) return shipped;
  // The pinned npm package of any other CLI (codex: its node launcher, which execs the native binary).
  const pinned = path.join(projectRoot, 'node_modules', '.bin', command);
  if (/^[a-z][a-z0-9-]*$/.test(command) && existsSync(pinned)) return pinned;
  return command;
}
