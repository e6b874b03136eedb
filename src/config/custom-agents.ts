import { builtinProfiles, registerCustomProfiles, type AgentProfile } from '../domain/agent-profile.js';
import { customProfile } from '../domain/custom-profile.js';
import type { DroverConfig } from './config.js';

/** Registers the config file's custom agents for this process; throws naming the first bad one. */
export function registerConfigAgents(config: Pick<DroverConfig, 'agents'>): AgentProfile[] {
  const profiles: AgentProfile[] = [];
  for (const agent of config.agents) {
    const built = customProfile(agent, builtinProfiles());
    if (!built.ok) throw new Error(`drover.config: ${built.error}`);
    profiles.push(built.profile);
  }
  registerCustomProfiles(profiles);
  return profiles;
}
