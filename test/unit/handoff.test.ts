import { describe, expect, it } from 'vitest';
import { buildHandoffNote, parseAgentChain } from '../../src/domain/handoff.js';

describe('agent chains', () => {
  const known = ['claude', 'codex', 'gemini'];
  it('parses a chain of known agents', () => {
    expect(parseAgentChain('gemini, claude', known)).toEqual({ ok: true, value: ['gemini', 'claude'] });
    expect(parseAgentChain('claude', known)).toEqual({ ok: true, value: ['claude'] });
  });
  it.each([
    ['gemini,,claude', /empty name/],
    ['gemini,cursor', /unknown agent cursor; known: claude, codex, gemini/],
    ['claude,claude', /claude appears twice/],
  ])('refuses %j', (text, why) => {
    const got = parseAgentChain(text, known);
    expect(got.ok).toBe(false);
    expect(!got.ok && got.error).toMatch(why);
  });
});

describe('handoff note', () => {
  it('says what the previous agent did and what remains', () => {
    const note = buildHandoffNote({
      from: 'gemini',
      to: 'claude',
      why: 'it crashed 4 times (cap 3)',
      progress: {
        commits: [{ sha: 'a'.repeat(40), subject: 'Half the fix' }],
        diffStat: '1 file changed, 2 insertions(+)',
        changedFiles: ['a.txt'],
        dirtyFiles: ['b.txt'],
      },
      checkpoints: ['edit'],
      steps: ['edit', 'test'],
      lastVerification: ['missing checkpoint: test'],
    });
    expect(note).toContain(
      'take over this task from the gemini agent, which stopped because it crashed 4 times (cap 3)',
    );
    expect(note).toContain('aaaaaaaaaa Half the fix');
    expect(note).toContain('Files changed: a.txt');
    expect(note).toContain('Uncommitted changes left in: b.txt');
    expect(note).toContain('Steps already reported: edit');
    expect(note).toContain('Steps still to do and report: test');
    expect(note).toContain("Drover's last check said: missing checkpoint: test");
  });
  it('with nothing done it says so', () => {
    const note = buildHandoffNote({
      from: 'gemini',
      to: 'claude',
      why: 'x',
      progress: { commits: [], diffStat: '', changedFiles: [], dirtyFiles: [] },
      checkpoints: [],
      steps: [],
      lastVerification: [],
    });
    expect(note).toContain('No commit yet on the branch.');
    expect(note).toContain('Every required step was reported');
  });
});
