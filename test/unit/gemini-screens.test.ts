import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { claudeProfile } from '../../src/domain/agent-profile.js';
import { decideDialog } from '../../src/domain/dialog-policy.js';
import { geminiProfile } from '../../src/domain/profiles/gemini.js';
import {
  classifyScreen,
  ScreenClassificationSchema,
  type Dialog,
  type ScreenState,
} from '../../src/domain/screen-classifier.js';
import { unframeLine } from '../../src/domain/screen-normalize.js';

/** Real gemini-cli 0.61.0 screens (220×50, `tmux capture-pane -p`) from runs against the scripted model server. */
const DIR = new URL('../fixtures/panes/', import.meta.url);
const names = readdirSync(DIR)
  .filter((f) => f.startsWith('gemini-') && f.endsWith('.txt'))
  .sort();
const pane = (name: string) => readFileSync(new URL(name, DIR), 'utf8');
const alive = { paneDead: false };
const WT = '/tmp/gprobe/work';

interface Expectation {
  state: ScreenState;
  dialog?: Partial<Dialog>;
  /** The policy's answer (worktree /tmp/gprobe/work, where the captures were taken). */
  decision?: { decision: string; keys: string[] };
  checkpoints?: string[];
  done?: boolean;
  input?: string;
}

const allowOnce = { decision: 'approve', keys: ['Enter'] };
const EXPECTED: Record<string, Expectation> = {
  'gemini-0.61.0-startup-blank.txt': { state: 'starting' },
  'gemini-0.61.0-trust-folder-dialog.txt': {
    state: 'dialog',
    dialog: {
      kind: 'trust-folder',
      options: [
        { index: 1, label: 'Trust folder (work)', selected: true },
        { index: 2, label: 'Trust parent folder (gprobe)', selected: false },
        { index: 3, label: "Don't trust", selected: false },
      ],
    },
    decision: allowOnce,
  },
  'gemini-0.61.0-idle-after-trust-restart.txt': { state: 'idle', input: '', done: false },
  'gemini-0.61.0-idle-prompt.txt': { state: 'idle', input: '', checkpoints: [], done: false },
  'gemini-0.61.0-typed-not-submitted.txt': { state: 'typed', input: 'Fix a.txt so it says fixed, then commit.' },
  'gemini-0.61.0-permission-write-dialog.txt': {
    state: 'dialog',
    dialog: { kind: 'permission', tool: 'write', file: 'a.txt' },
    decision: allowOnce,
  },
  'gemini-0.61.0-permission-edit-dialog.txt': {
    state: 'dialog',
    dialog: { kind: 'permission', tool: 'edit', file: 'a.txt' },
    decision: allowOnce,
  },
  'gemini-0.61.0-permission-bash-dialog.txt': {
    state: 'dialog',
    dialog: {
      kind: 'permission',
      tool: 'bash',
      command: 'git add -A && git commit -q -m "Fix a.txt"',
      options: [
        { index: 1, label: 'Allow once', selected: true },
        { index: 2, label: 'Allow for this session', selected: false },
        { index: 3, label: 'No, suggest changes (esc)', selected: false },
      ],
    },
    decision: allowOnce,
  },
  'gemini-0.61.0-permission-redirect-dialog.txt': {
    state: 'dialog',
    dialog: { kind: 'permission', tool: 'bash', command: 'echo drover report checkpoint fix > b.txt' },
    decision: allowOnce,
  },
  'gemini-0.61.0-working-tool-running.txt': { state: 'working', done: false },
  'gemini-0.61.0-done-after-turn.txt': { state: 'idle', checkpoints: ['fix'], done: true, input: '' },
  'gemini-0.61.0-process-killed-dead-pane.txt': { state: 'crashed' },
  'gemini-0.61.0-crash-on-start-dead-pane.txt': { state: 'crashed', done: false },
};

describe('classifyScreen on real gemini 0.61.0 captures', () => {
  it('has an expectation for every gemini capture', () => {
    expect(names.filter((n) => !(n in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((n) => !names.includes(n))).toEqual([]);
  });

  it.each(names)('%s', (name) => {
    const want = EXPECTED[name]!;
    const got = classifyScreen(geminiProfile, pane(name), alive);
    expect(ScreenClassificationSchema.parse(got)).toEqual(got);
    expect(got.state).toBe(want.state);
    if (want.dialog) expect(got.dialog).toMatchObject(want.dialog);
    else expect(got.dialog).toBeUndefined();
    if (want.decision) expect(decideDialog(got.dialog!, { worktree: WT })).toMatchObject(want.decision);
    if (want.checkpoints) expect(got.checkpoints).toEqual(want.checkpoints);
    if (want.done !== undefined) expect(got.done).toBe(want.done);
    if (want.input !== undefined) expect(got.input).toBe(want.input);
  });

  it.each(names)('%s: same result with trailing spaces, CRLF and colour escapes', (name) => {
    const screen = pane(name);
    const want = classifyScreen(geminiProfile, screen, alive);
    const spaced = screen
      .split('\n')
      .map((l) => `${l}   `)
      .join('\n');
    const crlf = screen.split('\n').join('\r\n');
    const coloured = screen
      .split('\n')
      .map((l) => (l === '' ? l : `\u001b[2m${l}\u001b[0m`))
      .join('\n');
    for (const variant of [spaced, crlf, coloured])
      expect({ ...classifyScreen(geminiProfile, variant, alive), tail: [] }).toEqual({ ...want, tail: [] });
  });

  it('a dangerous command in a gemini dialog waits for a human; a deny rule answers "No"', () => {
    const screen = pane('gemini-0.61.0-permission-bash-dialog.txt').replaceAll(
      'git add -A && git commit -q -m "Fix a.txt"',
      'rm -rf /srv/other && git push --force',
    );
    const dialog = classifyScreen(geminiProfile, screen, alive).dialog!;
    expect(dialog.command).toBe('rm -rf /srv/other && git push --force');
    expect(decideDialog(dialog, { worktree: WT }).decision).toBe('ask-human');
    expect(
      decideDialog(dialog, { worktree: WT, rules: [{ action: 'deny', argv: ['git', 'push', '**'], from: 'test' }] }),
    ).toMatchObject({
      decision: 'deny',
      keys: ['Down', 'Down', 'Enter'],
    });
  });

  it('a write outside the worktree is not auto-approved', () => {
    const screen = pane('gemini-0.61.0-permission-write-dialog.txt').replace(
      'Writing to a.txt',
      'Writing to /etc/passwd',
    );
    const dialog = classifyScreen(geminiProfile, screen, alive).dialog!;
    expect(dialog).toMatchObject({ tool: 'write', file: '/etc/passwd' });
    expect(decideDialog(dialog, { worktree: WT }).decision).toBe('ask-human');
  });

  it('the claude profile does not mistake gemini screens for an idle claude prompt', () => {
    expect(classifyScreen(claudeProfile, pane('gemini-0.61.0-permission-bash-dialog.txt'), alive).state).not.toBe(
      'idle',
    );
  });

  it('unframeLine strips nested box sides and blanks box edges', () => {
    expect(unframeLine('│ │ git status │ │')).toBe('git status');
    expect(unframeLine('│ ╭────────╮ │')).toBe('');
    expect(unframeLine('╰──────────╯')).toBe('');
    expect(unframeLine('│ ● 1. Allow once      │')).toBe('● 1. Allow once');
    expect(unframeLine('plain text │')).toBe('plain text │');
  });
});
