import type { AgentProfile } from '../agent-profile.js';

/**
 * The `sim` agent (src/rehearsal/sim-agent.ts, launched by bin/drover-sim.mjs): a scripted
 * stand-in for scale benchmarks that draws claude's screen shapes, so it is read with
 * claude's screen rules unchanged — the classifier, the dialog parser and the dialog policy
 * under test are the real ones. A built-in profile (not a config-file custom agent) so that
 * `--agent sim`, tests and benches need no config. Its script arrives in DROVER_SIM_SCRIPT
 * (the task's `scenario`, validated by src/domain/sim-script.ts); no session resume: a
 * relaunched sim continues from the state file in its HOME.
 *
 * Built from claude's profile passed in, so this module imports only types from
 * agent-profile.ts (no import cycle).
 */
export function simProfileFrom(claude: AgentProfile): AgentProfile {
  return {
    name: 'sim',
    command: 'drover-sim',
    launch: { baseArgs: [], newSessionArgs: [], resumeArgs: [], modelArgs: [] },
    screen: claude.screen,
    shellCommands: claude.shellCommands,
  };
}
