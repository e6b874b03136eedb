import { describe, expect, it } from 'vitest';
import {
  AgentProfileSchema,
  buildLaunchArgs,
  claudeProfile,
  codexProfile,
  DEFAULT_SHELLS,
  getProfile,
} from '../../src/domain/agent-profile.js';
import { geminiProfile } from '../../src/domain/profiles/gemini.js';

const id = '0b7c8f4e-2a51-4d8e-9a43-5b1f3c2d7e10';

describe('agent profiles', () => {
  it('are plain data that round-trips through the schema', () => {
    for (const p of [claudeProfile, codexProfile, geminiProfile])
      expect(AgentProfileSchema.parse(JSON.parse(JSON.stringify(p)))).toEqual(p);
  });

  it('claude: new session, resume, model; never skips permissions', () => {
    expect(buildLaunchArgs(claudeProfile, { sessionId: id, resume: false })).toEqual(['--session-id', id]);
    expect(buildLaunchArgs(claudeProfile, { sessionId: id, resume: true })).toEqual(['--resume', id]);
    expect(buildLaunchArgs(claudeProfile, { sessionId: id, resume: false, model: 'claude-sonnet-4-5' })).toEqual([
      '--session-id',
      id,
      '--model',
      'claude-sonnet-4-5',
    ]);
    expect(buildLaunchArgs(claudeProfile, { sessionId: id, resume: true, model: 'opus' }).join(' ')).not.toMatch(
      /dangerously/,
    );
  });

  it('codex cannot be given a session id: new session, or resume the last one of its HOME', () => {
    const base = ['--no-daemon', '--sandbox', 'workspace-write', '--ask-for-approval', 'on-request'];
    expect(buildLaunchArgs(codexProfile, { sessionId: id, resume: false })).toEqual(base);
    expect(buildLaunchArgs(codexProfile, { sessionId: id, resume: true })).toEqual([...base, 'resume', '--last']);
    expect(buildLaunchArgs(codexProfile, { sessionId: id, resume: true, model: 'gpt-5.5' })).toEqual([
      ...base,
      'resume',
      '--last',
      '--model',
      'gpt-5.5',
    ]);
    expect(buildLaunchArgs(codexProfile, { sessionId: id, resume: false }).join(' ')).not.toMatch(/dangerously|never/);
  });

  it('codex is registered validated, and equal to its module export', () => {
    expect(getProfile('codex')).toEqual(codexProfile);
  });

  it('gemini: default approval mode (dialogs answered by policy), session id, resume by id, -m', () => {
    expect(buildLaunchArgs(geminiProfile, { sessionId: id, resume: false })).toEqual([
      '--approval-mode',
      'default',
      '--session-id',
      id,
    ]);
    expect(buildLaunchArgs(geminiProfile, { sessionId: id, resume: true, model: 'gemini-2.5-pro' })).toEqual([
      '--approval-mode',
      'default',
      '--resume',
      id,
      '-m',
      'gemini-2.5-pro',
    ]);
    expect(buildLaunchArgs(geminiProfile, { sessionId: id, resume: false }).join(' ')).not.toMatch(/yolo/);
    expect(geminiProfile.shellCommands).toEqual(DEFAULT_SHELLS);
  });

  it.each(['', '--dangerously-skip-permissions', '-x', 'a b', 'x\ny'])('refuses session id %j', (bad) => {
    expect(() => buildLaunchArgs(claudeProfile, { sessionId: bad, resume: false })).toThrow(/invalid session id/);
  });

  it('refuses a model that reads as an option', () => {
    expect(() => buildLaunchArgs(claudeProfile, { sessionId: id, resume: false, model: '--verbose' })).toThrow(
      /invalid model/,
    );
  });

  it('getProfile finds built-ins and names them when it cannot', () => {
    expect(getProfile('claude')).toBe(claudeProfile);
    expect(getProfile('gemini')).toBe(geminiProfile);
    expect(() => getProfile('aider')).toThrow(/known agents: claude, codex, gemini/);
  });
});
