import { describe, expect, it } from 'vitest';
import { builtinProfiles, getProfile, knownAgents } from '../../src/domain/agent-profile.js';
import { CustomAgentSchema, customProfile } from '../../src/domain/custom-profile.js';
import { registerConfigAgents } from '../../src/config/custom-agents.js';
import { ConfigFileSchema } from '../../src/config/config-schema.js';

describe('custom agent profiles from the config file', () => {
  it('extends a built-in: command, args and markers replaced, the rest inherited', () => {
    const got = customProfile(
      CustomAgentSchema.parse({
        name: 'my-claude',
        command: '/opt/claude/bin/claude',
        args: ['--verbose'],
        markers: { doneMarker: 'ALL-DONE' },
      }),
      builtinProfiles(),
    );
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    expect(got.profile.command).toBe('/opt/claude/bin/claude');
    expect(got.profile.launch.baseArgs).toEqual(['--verbose']);
    expect(got.profile.launch.resumeArgs).toEqual(getProfile('claude').launch.resumeArgs);
    expect(got.profile.screen.doneMarker).toBe('ALL-DONE');
    expect(got.profile.screen.promptMarkers).toEqual(getProfile('claude').screen.promptMarkers);
  });

  it.each([
    [{ name: 'claude', command: 'x' }, /built-in agent/],
    [{ name: 'mine', command: 'x', extends: 'nope' }, /unknown built-in "nope"/],
  ])('refuses %j with the reason', (raw, why) => {
    const got = customProfile(CustomAgentSchema.parse(raw), builtinProfiles());
    expect(!got.ok && got.error).toMatch(why);
  });

  it('the file schema rejects bad names, unknown keys and broken patterns', () => {
    const bad = ConfigFileSchema.safeParse({
      agents: [
        { name: 'Bad Name', command: 'x' },
        { name: 'ok', command: 'x', colour: 'red' },
        { name: 'rx', command: 'x', markers: { workingPatterns: ['(unclosed'] } },
      ],
    });
    expect(bad.success).toBe(false);
    const messages = bad.success ? '' : bad.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    expect(messages).toMatch(/agents\.0\.name: an agent name is/);
    expect(messages).toMatch(/agents\.1: Unrecognized key: "colour"/);
    expect(messages).toMatch(/agents\.2\.markers\.workingPatterns\.0: must be a valid regular expression/);
  });

  it('registered custom agents are known to --agent and getProfile', () => {
    registerConfigAgents({ agents: [CustomAgentSchema.parse({ name: 'wrapped', command: 'claude-wrapper' })] });
    try {
      expect(knownAgents()).toContain('wrapped');
      expect(getProfile('wrapped').command).toBe('claude-wrapper');
    } finally {
      registerConfigAgents({ agents: [] });
    }
    expect(knownAgents()).not.toContain('wrapped');
  });
});
