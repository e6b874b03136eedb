import { describe, expect, it } from 'vitest';
import { parseSimScript, parseSimScriptText } from '../../src/domain/sim-script.js';

describe('sim script parser', () => {
  it('fills defaults and keeps phases in order', () => {
    const s = parseSimScriptText(
      JSON.stringify({
        phases: [
          { kind: 'work', ms: 500, everyMs: 100 },
          { kind: 'dialog', command: 'git commit -m x' },
          { kind: 'commit', file: 'a/b.txt' },
          { kind: 'done' },
        ],
      }),
    );
    expect(s.startupMs).toBe(200);
    expect(s.phases).toEqual([
      { kind: 'work', ms: 500, everyMs: 100, untilSignal: false, text: 'building…' },
      { kind: 'dialog', command: 'git commit -m x', description: 'Run a command', selected: 1, answerDelayMs: 0 },
      { kind: 'commit', file: 'a/b.txt', content: 'sim\n', message: 'sim: work' },
      { kind: 'done' },
    ]);
    expect(parseSimScript(undefined)).toEqual({ startupMs: 200, phases: [] });
  });

  it('names each bad field', () => {
    expect(() =>
      parseSimScript({
        phases: [
          { kind: 'checkpoint', step: 'no spaces' },
          { kind: 'commit', file: '../escape' },
        ],
        log: 'relative.jsonl',
      }),
    ).toThrow(/phases\.0\.step: .*\n.*phases\.1\.file: .*\n.*log: log must be an absolute path/);
    expect(() => parseSimScript({ phases: [{ kind: 'explode' }] })).toThrow(/phases\.0\.kind/);
    expect(() => parseSimScript({ phases: [], extra: 1 })).toThrow(/extra/);
    expect(() => parseSimScriptText('{not json', 'x.json')).toThrow(/Cannot parse x\.json/);
  });
});
