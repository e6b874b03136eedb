import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { resolveAgentBinary } from '../host/agent-home/agent-env.js';
import type { AgentProfile } from '../domain/agent-profile.js';
import { CODEX_REHEARSAL_KEY, CODEX_REHEARSAL_KEY_ENV, seedCodexHome } from '../host/agent-home/codex-home.js';
import { rehearsalClaudeEnv, seedClaudeHome } from '../host/agent-home/claude-home.js';
import { rehearsalGeminiEnv, seedGeminiHome } from '../host/agent-home/gemini-home.js';
import type { ModelServer } from '../rehearsal/model-server.js';
import type { CheckBody } from './check.js';

export const PONG = 'DROVER-PONG-7F3A';

/**
 * How to send one prompt to an agent CLI non-interactively and where its scripted model lives:
 * argv after the binary, the complete environment, and a seeded HOME.
 */
export interface RoundTrip {
  argv(prompt: string): string[];
  prepare(home: string, cwd: string, routeUrl: string): Promise<Record<string, string>>;
}

const REHEARSAL_KEY = 'sk-ant-doctor-rehearsal-key-0000';

export const ROUND_TRIPS: Record<string, RoundTrip> = {
  claude: {
    argv: (prompt) => ['-p', prompt],
    prepare: async (home, cwd, routeUrl) => {
      await seedClaudeHome(home, { trustedDirs: [cwd], approvedApiKeys: [REHEARSAL_KEY] });
      return rehearsalClaudeEnv({
        baseUrl: routeUrl,
        home,
        credential: { apiKey: REHEARSAL_KEY },
        path: process.env.PATH,
      });
    },
  },
  codex: {
    // exec never shows an approval; the one turn is plain text, so nothing needs the sandbox lifted
    argv: (prompt) => ['exec', '--skip-git-repo-check', prompt],
    prepare: async (home, cwd, routeUrl) => {
      await seedCodexHome(home, { trustedDirs: [cwd], rehearsalBaseUrl: routeUrl });
      return {
        HOME: home,
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LANG: 'C.UTF-8',
        [CODEX_REHEARSAL_KEY_ENV]: CODEX_REHEARSAL_KEY,
      };
    },
  },
  gemini: {
    argv: (prompt) => ['-p', prompt],
    prepare: async (home, cwd, routeUrl) => {
      await seedGeminiHome(home, { trustedDirs: [cwd] });
      return rehearsalGeminiEnv({ baseUrl: routeUrl, home, path: process.env.PATH });
    },
  },
};

/** Agent CLIs pinned in package.json (installed by `npm ci`); others are the user's to install. */
export const PINNED_AGENTS: ReadonlySet<string> = new Set(['claude', 'codex', 'gemini']);

const INSTALL_HINTS: Record<string, string> = {
  'cursor-agent': 'install it with `curl https://cursor.com/install -fsS | bash` (not on npm)',
};

/** Phase 1: the binary is there and answers `--version`. `optional`: a missing binary only warns. */
export function agentBinaryCheck(
  profile: AgentProfile,
  projectRoot: string,
  opts: { optional?: boolean } = {},
): CheckBody {
  return async () => {
    const binary = resolveAgentBinary(profile.command, projectRoot, process.env);
    const got = await execa(binary, ['--version'], { reject: false, timeout: 20_000, stdin: 'ignore' });
    if (got.exitCode !== 0) {
      const missing = (got as { code?: string }).code === 'ENOENT';
      const why = missing ? `${profile.command} not found` : `${binary} --version exited ${got.exitCode}`;
      const override = `put it on PATH or set DROVER_${profile.command.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_BIN`;
      const fix = PINNED_AGENTS.has(profile.name)
        ? `npm ci installs the pinned ${profile.command} CLI into node_modules, or ${override}`
        : `${INSTALL_HINTS[profile.name] ?? `install ${profile.command}`}, or ${override}`;
      return {
        status: missing && opts.optional ? 'warn' : 'fail',
        detail: missing && opts.optional ? `${why} (optional: only needed for --agent ${profile.name})` : why,
        fix,
      };
    }
    return { status: 'ok', detail: `${(got.stdout || got.stderr).split('\n')[0]!.trim()} (${binary})` };
  };
}

/**
 * Phase 2: a real prompt through the real CLI, answered by the scripted model server: proves the
 * binary runs, reaches a model endpoint and prints the answer on this host (no tokens spent).
 */
export function agentRoundTripCheck(profile: AgentProfile, projectRoot: string, server: ModelServer): CheckBody {
  return async () => {
    const trip = ROUND_TRIPS[profile.name];
    if (!trip) return { status: 'skip', detail: `no non-interactive round trip defined for ${profile.name}` };
    const tmp = await mkdtemp(path.join(os.tmpdir(), `drover-doctor-${profile.name}-`));
    try {
      const route = `doctor-${profile.name}`;
      server.setScenario(route, { turns: [{ text: PONG }] });
      const env = await trip.prepare(path.join(tmp, 'home'), tmp, server.routeUrl(route));
      const binary = resolveAgentBinary(profile.command, projectRoot, process.env);
      const started = Date.now();
      const got = await execa(binary, trip.argv('Reply with the check word.'), {
        cwd: tmp,
        env,
        extendEnv: false,
        reject: false,
        timeout: 90_000,
        stdin: 'ignore',
      });
      const out = `${got.stdout}\n${got.stderr}`;
      if (out.includes(PONG))
        return {
          status: 'ok',
          detail: `prompt → scripted model → answer in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        };
      return {
        status: 'fail',
        detail: `no answer (exit ${got.exitCode}${got.timedOut ? ', timed out' : ''}): ${out.trim().split('\n').slice(-1)[0]?.slice(0, 160) ?? ''}`,
        fix: `run \`${profile.command}\` by hand in a terminal: a login, update or first-run screen may be in the way`,
      };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  };
}
