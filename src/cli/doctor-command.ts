import type { Command } from 'commander';
import { getProfile, knownAgents } from '../domain/agent-profile.js';
import { loadConfig } from '../config/config.js';
import { agentBinaryCheck, agentRoundTripCheck, PINNED_AGENTS } from '../doctor/agent-checks.js';
import { renderChecks, runCheck, type CheckResult } from '../doctor/check.js';
import { gitCheck, githubCheck, temporalCliCheck, temporalServerCheck, tmuxCheck } from '../doctor/system-checks.js';
import { startModelServer } from '../rehearsal/model-server.js';
import { CliError } from './context.js';

/**
 * `drover doctor`: tmux, git, Temporal, GitHub, and per agent CLI a two-phase check (binary
 * and version, then a real prompt round trip with a timeout), as a table with the fix for each
 * failure. Exit 1 when something failed (warnings do not fail).
 */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check this host: tmux, git, Temporal, GitHub token, and each agent CLI (version, then a real prompt round trip)',
    )
    .option('--agent <names>', 'only these agent CLIs (comma-separated)')
    .option('--no-round-trip', 'skip phase 2 of the agent checks (the prompt round trip)')
    .option('--json', 'machine-readable results')
    .action(async (opts: { agent?: string; roundTrip: boolean; json?: boolean }) => {
      const known = knownAgents();
      // by default every agent a user would run (not the `sim` benchmark stand-in)
      const agents = opts.agent ? opts.agent.split(',').map((a) => a.trim()) : known.filter((a) => a !== 'sim');
      const unknown = agents.filter((a) => !known.includes(a));
      if (unknown.length > 0) throw new CliError(`--agent: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
      const config = loadConfig();
      const results: CheckResult[] = [];
      const add = async (...r: Parameters<typeof runCheck>) => {
        const got = await runCheck(...r);
        results.push(got);
        if (!opts.json) process.stderr.write(`  ${got.status.padEnd(4)} ${got.group}: ${got.name}\n`);
      };
      await add('host', 'tmux', 10_000, tmuxCheck);
      await add('host', 'git', 10_000, gitCheck);
      await add('temporal', 'CLI', 20_000, temporalCliCheck(config));
      await add('temporal', 'server', 10_000, temporalServerCheck(config));
      await add('github', 'token', 15_000, githubCheck(process.env));
      const server = opts.roundTrip ? await startModelServer({ port: 0, host: '127.0.0.1' }) : undefined;
      try {
        for (const name of agents) {
          const profile = getProfile(name);
          // an agent Drover does not install (cursor-agent) is only a warning when missing, unless asked for
          const optional = !opts.agent && !PINNED_AGENTS.has(name);
          await add(`agent ${name}`, 'binary', 30_000, agentBinaryCheck(profile, config.projectRoot, { optional }));
          const binaryOk = results.at(-1)!.status === 'ok';
          if (server && binaryOk)
            await add(`agent ${name}`, 'round trip', 120_000, agentRoundTripCheck(profile, config.projectRoot, server));
          else
            results.push({
              group: `agent ${name}`,
              name: 'round trip',
              status: 'skip',
              detail: server ? 'no working binary' : '--no-round-trip',
              ms: 0,
            });
        }
      } finally {
        await server?.close();
      }
      console.log(opts.json ? JSON.stringify(results, null, 2) : renderChecks(results));
      if (results.some((r) => r.status === 'fail')) throw new CliError('', 1);
    });
}
