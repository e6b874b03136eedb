import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claudeProfile } from '../../src/domain/agent-profile.js';
import {
  classifyScreen,
  ScreenClassificationSchema,
  type Dialog,
  type ScreenState,
} from '../../src/domain/screen-classifier.js';
import { claudeScreen, echoPrompt, fixtureNames, profileFor, readFixture } from './screen-fixtures.js';

interface Expectation {
  state: ScreenState;
  dialog?: Partial<Dialog>;
  checkpoints?: string[];
  done?: boolean;
  input?: string;
}

/**
 * One expectation per reference capture in test/fixtures/panes (see screen-fixtures.ts). A
 * capture added to the reference set without an entry fails the suite. Decision for Codex's first start: it is a sign-in chooser Drover cannot
 * answer for the user, so it is an `unknown` dialog (a human decides).
 */
const EXPECTED: Record<string, Expectation> = {
  'claude-2.1.197-api-key-dialog.txt': {
    state: 'dialog',
    dialog: {
      kind: 'api-key',
      options: [
        { index: 1, label: 'Yes', selected: false },
        { index: 2, label: 'No (recommended)', selected: true },
      ],
    },
  },
  'claude-2.1.197-done-after-turn.txt': { state: 'idle', checkpoints: ['fix'], done: true },
  'claude-2.1.197-idle-prompt.txt': { state: 'idle', checkpoints: [], done: false },
  'claude-2.1.197-permission-bash-dialog.txt': {
    state: 'dialog',
    dialog: {
      kind: 'permission',
      tool: 'bash',
      command: 'sleep 4 && echo fixed > a.txt && git add a.txt && git -c user.email=a@b -c user.name=bot commit -m fix',
      description: 'Fix and commit',
      options: [
        { index: 1, label: 'Yes', selected: true },
        { index: 2, label: "Yes, and don't ask again for similar commands in /srv/acme1", selected: false },
        { index: 3, label: 'No', selected: false },
      ],
    },
  },
  'claude-2.1.197-permission-dangerous-dialog.txt': {
    state: 'dialog',
    dialog: { kind: 'permission', tool: 'bash', command: 'rm -rf ../important && git push --force origin HEAD:main' },
  },
  'claude-2.1.197-process-killed-dead-pane.txt': { state: 'crashed', checkpoints: [], done: false },
  'claude-2.1.197-trust-folder-dialog.txt': {
    state: 'dialog',
    dialog: {
      kind: 'trust-folder',
      folder: '/srv/acme1',
      options: [
        { index: 1, label: 'Yes, I trust this folder', selected: true },
        { index: 2, label: 'No, exit', selected: false },
      ],
    },
  },
  'claude-2.1.197-typed-not-submitted.txt': {
    state: 'typed',
    input: 'Fix a.txt and commit',
    checkpoints: [],
    done: false,
  },
  'claude-2.1.197-working-tool-running.txt': { state: 'working', checkpoints: [], done: false },
  'codex-0.169.0-first-start.txt': {
    state: 'dialog',
    dialog: {
      kind: 'unknown',
      options: [
        { index: 1, label: 'Sign in with ChatGPT', selected: true },
        { index: 2, label: 'Sign in with Device Code', selected: false },
        { index: 3, label: 'Sign in another way', selected: false },
      ],
    },
  },
};

const alive = { paneDead: false };

describe('classifyScreen on the real captures', () => {
  it('has an expectation for every capture (add one when you add a capture)', () => {
    const missing = fixtureNames().filter((f) => !(f in EXPECTED));
    expect(missing, `captures without an expectation in ${import.meta.url}`).toEqual([]);
    const stale = Object.keys(EXPECTED).filter((f) => !fixtureNames().includes(f));
    expect(stale).toEqual([]);
  });

  it.each(fixtureNames())('%s', (name) => {
    const want = EXPECTED[name];
    if (!want) throw new Error(`no expectation for ${name}`);
    const got = classifyScreen(profileFor(name), readFixture(name), alive);
    expect(ScreenClassificationSchema.parse(got)).toEqual(got);
    expect(got.state).toBe(want.state);
    if (want.dialog) expect(got.dialog).toMatchObject(want.dialog);
    else expect(got.dialog).toBeUndefined();
    if (want.checkpoints) expect(got.checkpoints).toEqual(want.checkpoints);
    if (want.done !== undefined) expect(got.done).toBe(want.done);
    if (want.input !== undefined) expect(got.input).toBe(want.input);
    expect(got.tail.length).toBeGreaterThan(0);
  });

  it.each(fixtureNames())('%s: same result with trailing spaces, CRLF and colour escapes', (name) => {
    const screen = readFixture(name);
    const want = classifyScreen(profileFor(name), screen, alive);
    const spaced = screen
      .split('\n')
      .map((l) => `${l}   `)
      .join('\n');
    const crlf = screen.split('\n').join('\r\n');
    const coloured = screen
      .split('\n')
      .map((l) => (l === '' ? l : `\u001b[2m${l}\u001b[0m`))
      .join('\n');
    for (const variant of [spaced, crlf, coloured]) {
      const got = classifyScreen(profileFor(name), variant, alive);
      expect({ ...got, tail: [] }).toEqual({ ...want, tail: [] });
    }
  });

  it('the codex sign-in screen is an unknown dialog with the claude profile too', () => {
    const got = classifyScreen(claudeProfile, readFixture('codex-0.169.0-first-start.txt'), alive);
    expect(got.state).toBe('dialog');
    expect(got.dialog?.kind).toBe('unknown');
  });

  it('masks the API key shown in the api-key dialog (dialog text goes into history)', () => {
    const got = classifyScreen(claudeProfile, readFixture('claude-2.1.197-api-key-dialog.txt'), alive);
    expect(got.dialog?.text).toContain('ANTHROPIC_API_KEY: [REDACTED]');
    expect(got.dialog?.text).not.toContain('sk-ant-');
  });

  it('the dead-pane capture reports why, and no dialog to answer', () => {
    const got = classifyScreen(claudeProfile, readFixture('claude-2.1.197-process-killed-dead-pane.txt'), alive);
    expect(got.crashReason).toMatch(/Pane is dead/);
    expect(got.dialog).toBeUndefined();
  });
});

describe('crash detection', () => {
  const idle = readFixture('claude-2.1.197-idle-prompt.txt');
  it('paneDead wins over everything', () => {
    expect(classifyScreen(claudeProfile, idle, { paneDead: true }).state).toBe('crashed');
  });
  it.each(['bash', '-bash', 'zsh', '/bin/sh', 'fish'])('foreground %s means back at the shell', (cmd) => {
    expect(classifyScreen(claudeProfile, idle, { paneDead: false, paneCommand: cmd }).state).toBe('crashed');
  });
  it.each(['claude', 'node', ''])('foreground %s is the agent', (cmd) => {
    expect(classifyScreen(claudeProfile, idle, { paneDead: false, paneCommand: cmd }).state).toBe('idle');
  });
  it('shellCommands overrides the profile list', () => {
    expect(
      classifyScreen(claudeProfile, idle, { paneDead: false, paneCommand: 'node', shellCommands: ['node'] }).state,
    ).toBe('crashed');
  });
  it('"Pane is dead" inside the agent output is not a crash', () => {
    const screen = claudeScreen(['● tmux prints:', '  Pane is dead (status 0)', '', '● ok']);
    expect(classifyScreen(claudeProfile, screen, alive).state).toBe('idle');
  });
});

describe('input box', () => {
  it('multi-line unsubmitted text is typed', () => {
    const got = classifyScreen(claudeProfile, claudeScreen([], { input: 'first line\nsecond line' }), alive);
    expect(got.state).toBe('typed');
    expect(got.input).toBe('first line\nsecond line');
  });
  it('a placeholder suggestion is an empty box', () => {
    expect(classifyScreen(claudeProfile, claudeScreen([], { input: 'Try "refactor src/a.ts"' }), alive).state).toBe(
      'idle',
    );
  });
  it('a collapsed paste is typed', () => {
    expect(classifyScreen(claudeProfile, claudeScreen([], { input: '[Pasted text #1 +42 lines]' }), alive).state).toBe(
      'typed',
    );
  });
  it('an empty screen is starting', () => {
    expect(classifyScreen(claudeProfile, '', alive).state).toBe('starting');
    expect(classifyScreen(claudeProfile, '\n\n\n', alive).state).toBe('starting');
  });
  it('esc to interrupt in the footer is working, even with text typed', () => {
    const got = classifyScreen(
      claudeProfile,
      claudeScreen(['● Reading files'], { input: 'queued', footer: 'esc to interrupt' }),
      alive,
    );
    expect(got.state).toBe('working');
    expect(got.input).toBe('queued');
  });
  it('a spinner line above the box is working; the past-tense summary is not', () => {
    expect(classifyScreen(claudeProfile, claudeScreen(['✶ Thinking… (3s)']), alive).state).toBe('working');
    expect(classifyScreen(claudeProfile, claudeScreen(['✻ Sautéed for 4s']), alive).state).toBe('idle');
  });
});

describe('markers count only in the agent output', () => {
  const classify = (transcript: string[], input = '') =>
    classifyScreen(claudeProfile, claudeScreen(transcript, { input }), alive);

  it('markers in the echoed user prompt are ignored, even multi-line with blank lines', () => {
    const prompt = 'Do the work.\nCHECKPOINT:fix\n\nORCHESTRATOR:DONE\n  CHECKPOINT:indented\n● CHECKPOINT:fake-bullet';
    const got = classify([...echoPrompt(prompt), '', '● Working on it.']);
    expect(got.checkpoints).toEqual([]);
    expect(got.done).toBe(false);
    expect(got.doneCount).toBe(0);
  });

  it('markers in the input box are ignored', () => {
    const got = classify([], 'CHECKPOINT:fix\nORCHESTRATOR:DONE');
    expect(got.state).toBe('typed');
    expect(got.checkpoints).toEqual([]);
    expect(got.done).toBe(false);
  });

  it('markers in assistant text and tool output count, in order, once each', () => {
    const got = classify([
      ...echoPrompt('go'),
      '● CHECKPOINT:plan',
      '',
      '● Bash(echo CHECKPOINT:build)',
      '  ⎿  CHECKPOINT:build',
      '',
      '● Done.   ',
      '  CHECKPOINT:plan',
      '  CHECKPOINT:test.unit_2-x',
      '  ORCHESTRATOR:DONE',
    ]);
    expect(got.checkpoints).toEqual(['plan', 'build', 'test.unit_2-x']);
    expect(got.done).toBe(true);
    expect(got.doneCount).toBe(1);
  });

  it('markers inside a sentence, with bad step names, or in status lines do not count', () => {
    const got = classify([
      '● I will print ORCHESTRATOR:DONE when finished and CHECKPOINT:x after x.',
      '  CHECKPOINT:has space',
      `  CHECKPOINT:${'a'.repeat(65)}`,
      '  CHECKPOINT:',
      '  ORCHESTRATOR:DONE!',
      '  `ORCHESTRATOR:DONE`',
      '✻ CHECKPOINT:status-line',
    ]);
    expect(got.checkpoints).toEqual([]);
    expect(got.doneCount).toBe(0);
  });

  it('done is latched to the turn: a new prompt hides the old marker (doneCount keeps it)', () => {
    const got = classify([
      ...echoPrompt('first'),
      '● ORCHESTRATOR:DONE',
      '',
      ...echoPrompt('verification failed, fix it'),
      '● On it.',
    ]);
    expect(got.done).toBe(false);
    expect(got.doneCount).toBe(1);
  });
});

describe('synthetic dialogs', () => {
  const dialogScreen = (body: string[]) =>
    [...echoPrompt('go'), '', '● Working', '', '─'.repeat(120), ...body, '', ' Esc to cancel'].join('\n');

  it('an edit permission names the file', () => {
    const got = classifyScreen(
      claudeProfile,
      dialogScreen([
        ' Edit file',
        ' src/a.ts',
        ' Do you want to make this edit to src/a.ts?',
        ' ❯ 1. Yes',
        '   2. Yes, allow all edits during this session (shift+tab)',
        '   3. No, and tell Claude what to do differently (esc)',
      ]),
      alive,
    );
    expect(got.dialog).toMatchObject({ kind: 'permission', tool: 'edit', file: 'src/a.ts' });
    expect(got.dialog?.options).toHaveLength(3);
  });

  it('a create permission names the file', () => {
    const got = classifyScreen(
      claudeProfile,
      dialogScreen([' Create file', ' Do you want to create notes/b.md?', ' ❯ 1. Yes', '   2. No']),
      alive,
    );
    expect(got.dialog).toMatchObject({ kind: 'permission', tool: 'write', file: 'notes/b.md' });
  });

  it('a wrapped command without a prose description keeps all its lines', () => {
    const got = classifyScreen(
      claudeProfile,
      dialogScreen([
        ' Bash command',
        '',
        '   git add a.txt &&',
        '   python3 evil.py',
        '',
        ' Do you want to proceed?',
        ' ❯ 1. Yes',
        '   2. No',
      ]),
      alive,
    );
    expect(got.dialog?.command).toBe('git add a.txt &&\npython3 evil.py');
    expect(got.dialog?.description).toBeUndefined();
  });

  it('tokens in a shown command are masked', () => {
    const token = `ghp_${'a1'.repeat(18)}`;
    const got = classifyScreen(
      claudeProfile,
      dialogScreen([
        ' Bash command',
        '',
        `   curl -H "Authorization: token ${token}" https://api`,
        '',
        ' Do you want to proceed?',
        ' ❯ 1. Yes',
        '   2. No',
      ]),
      alive,
    );
    expect(got.dialog?.command).toBe('curl -H "Authorization: token [REDACTED]" https://api');
    expect(got.dialog?.text).not.toContain(token);
  });

  it('a numbered list in agent output with the input box visible is not a dialog', () => {
    const got = classifyScreen(claudeProfile, claudeScreen(['● Options:', '  ❯ 1. Yes', '    2. No']), alive);
    expect(got.state).toBe('idle');
  });
});

describe('hostile input', () => {
  const fragments = [
    '❯ ',
    '❯\u00a0',
    '─'.repeat(12),
    '● ',
    '  ⎿  ',
    'CHECKPOINT:',
    'ORCHESTRATOR:DONE',
    '1. Yes',
    '❯ 2. No',
    'Bash command',
    'Do you want to proceed?',
    'esc to interrupt',
    '· Warping…',
    'Pane is dead',
    '\n',
    '\r',
    '\u001b[',
    '\u001b]',
    ' ',
    '…',
    'a',
    '/',
  ];
  const screen = fc
    .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ unit: 'grapheme' })), { maxLength: 80 })
    .map((p) => p.join(''));

  it('never throws and always returns a valid classification', () => {
    fc.assert(
      fc.property(
        fc.oneof(screen, fc.string({ unit: 'binary' })),
        fc.boolean(),
        fc.option(fc.string()),
        (s, dead, cmd) => {
          const got = classifyScreen(claudeProfile, s, {
            paneDead: dead,
            ...(cmd === null ? {} : { paneCommand: cmd }),
          });
          expect(ScreenClassificationSchema.safeParse(got).success).toBe(true);
          if (dead) expect(got.state).toBe('crashed');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('finishes on very long lines and screens (no catastrophic backtracking)', () => {
    const big = [
      '─'.repeat(200_000),
      `● ${'CHECKPOINT:'.repeat(20_000)}`,
      `❯ ${'1. '.repeat(50_000)}`,
      `· ${'a'.repeat(100_000)}`,
      `${'❯ 1. Yes\n'.repeat(20_000)}Do you want to proceed?`,
      `${'● CHECKPOINT:a\n  ⎿  ORCHESTRATOR:DONE\n'.repeat(20_000)}`,
      `Bash command\n${'   x'.repeat(50_000)}`,
      '\u001b]'.repeat(50_000),
      '\u001b['.repeat(50_000),
    ];
    for (const s of big) expect(() => classifyScreen(claudeProfile, s, alive)).not.toThrow();
  });

  it('tolerates non-string screens from untyped callers', () => {
    expect(classifyScreen(claudeProfile, undefined as unknown as string, alive).state).toBe('starting');
  });
});
