import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { claudeProfile, codexProfile } from '../../src/domain/agent-profile.js';
import { decideDialog } from '../../src/domain/dialog-policy.js';
import { classifyScreen } from '../../src/domain/screen-classifier.js';

/** Captures Drover's own runs added to the shared set (real claude 2.1.197 screens, 220 columns). */
const pane = (name: string) => readFileSync(new URL(`../fixtures/panes/${name}`, import.meta.url), 'utf8');

describe('captures from Drover runs', () => {
  it('the overwrite-file permission dialog is a write inside the worktree and approved', () => {
    const cls = classifyScreen(claudeProfile, pane('claude-2.1.197-permission-overwrite-dialog.txt'), {
      paneDead: false,
    });
    expect(cls.state).toBe('dialog');
    expect(cls.dialog?.kind).toBe('permission');
    expect(cls.dialog?.tool).toBe('write');
    expect(cls.dialog?.file).toBe('a.txt');
    const decision = decideDialog(cls.dialog!, { worktree: '/srv/wt' });
    expect(decision.decision).toBe('approve');
    expect(decision.keys).toEqual(['Enter']);
  });
});

describe('a description that mentions Drover', () => {
  it('`drover report` with the description "Report the checkpoint to Drover" is approved', () => {
    const cls = classifyScreen(claudeProfile, pane('claude-2.1.197-permission-drover-report-dialog.txt'), {
      paneDead: false,
    });
    expect(cls.dialog?.command).toBe('drover report checkpoint fix');
    expect(cls.dialog?.description).toBe('Report the checkpoint to Drover');
    expect(decideDialog(cls.dialog!, { worktree: '/srv/wt' })).toMatchObject({ decision: 'approve', keys: ['Enter'] });
  });
});

/**
 * Real codex 0.169.0 screens (220×50, `tmux capture-pane -p`) from runs against the scripted
 * model server; see docs/agents/codex.md for how each was produced.
 */
describe('codex 0.169.0 captures', () => {
  const worktree = '/var/tmp/cx/repo3';
  const cases: [string, { state: string; input?: string; done?: boolean; checkpoints?: string[] }][] = [
    ['codex-0.169.0-startup-first-frame.txt', { state: 'idle', input: '', done: false, checkpoints: [] }],
    ['codex-0.169.0-idle-prompt.txt', { state: 'idle', input: '', done: false, checkpoints: [] }],
    ['codex-0.169.0-typed-not-submitted.txt', { state: 'typed', input: 'Fix a.txt and commit' }],
    ['codex-0.169.0-working-tool-running.txt', { state: 'working', done: false }],
    ['codex-0.169.0-done-after-turn.txt', { state: 'idle', done: true, checkpoints: ['fix'] }],
    ['codex-0.169.0-resumed-idle.txt', { state: 'idle', done: true, checkpoints: ['fix'] }],
    ['codex-0.169.0-process-exited-dead-pane.txt', { state: 'crashed' }],
    ['codex-0.169.0-permission-bash-dialog.txt', { state: 'dialog' }],
    ['codex-0.169.0-permission-drover-report-dialog.txt', { state: 'dialog' }],
    ['codex-0.169.0-trust-folder-dialog.txt', { state: 'dialog' }],
    ['codex-0.169.0-model-migration-dialog.txt', { state: 'dialog' }],
  ];

  it.each(cases)('%s', (name, want) => {
    const cls = classifyScreen(codexProfile, pane(name), { paneDead: false });
    expect(cls.state).toBe(want.state);
    if (want.input !== undefined) expect(cls.input).toBe(want.input);
    if (want.done !== undefined) expect(cls.done).toBe(want.done);
    if (want.checkpoints !== undefined) expect(cls.checkpoints).toEqual(want.checkpoints);
    if (want.state !== 'dialog') expect(cls.dialog).toBeUndefined();
  });

  it('the approval for an escalated command is a bash permission with the command and reason; policy approves with Enter', () => {
    const cls = classifyScreen(codexProfile, pane('codex-0.169.0-permission-bash-dialog.txt'), { paneDead: false });
    expect(cls.dialog).toMatchObject({
      kind: 'permission',
      tool: 'bash',
      command: 'sleep 4 && git add -A && git commit -q -m "Fix a.txt"',
      description: 'Commit the change',
      options: [
        { index: 1, label: 'Yes, proceed (y)', selected: true },
        { index: 2, label: "Yes, and don't ask again for commands that start with `sleep 4` (p)", selected: false },
        { index: 3, label: 'No, and tell Codex what to do differently (esc)', selected: false },
      ],
    });
    expect(cls.dialog?.text.startsWith('Would you like to run the following command?')).toBe(true);
    expect(decideDialog(cls.dialog!, { worktree })).toMatchObject({ decision: 'approve', keys: ['Enter'] });
    expect(
      decideDialog(cls.dialog!, { worktree, rules: [{ action: 'deny', argv: ['git', 'commit', '**'], from: 'test' }] }),
    ).toMatchObject({
      decision: 'deny',
      keys: ['Down', 'Down', 'Enter'],
    });
  });

  it('`drover report` through codex is approved', () => {
    const cls = classifyScreen(codexProfile, pane('codex-0.169.0-permission-drover-report-dialog.txt'), {
      paneDead: false,
    });
    expect(cls.dialog).toMatchObject({
      tool: 'bash',
      command: 'drover report checkpoint fix',
      description: 'Report checkpoint fix',
    });
    expect(decideDialog(cls.dialog!, { worktree })).toMatchObject({ decision: 'approve', keys: ['Enter'] });
  });

  it('the trust dialog names the folder; trusting the task worktree is approved, another folder waits', () => {
    const cls = classifyScreen(codexProfile, pane('codex-0.169.0-trust-folder-dialog.txt'), { paneDead: false });
    expect(cls.dialog).toMatchObject({
      kind: 'trust-folder',
      folder: '/var/tmp/cx/repo2',
      options: [{ index: 1, label: 'Trust and continue', selected: true }, { index: 2 }],
    });
    expect(decideDialog(cls.dialog!, { worktree: '/var/tmp/cx/repo2' })).toMatchObject({
      decision: 'approve',
      keys: ['Enter'],
    });
    expect(decideDialog(cls.dialog!, { worktree })).toMatchObject({ decision: 'ask-human' });
  });

  it('the model-migration notice is an unknown dialog for a human (Drover seeds it away)', () => {
    const cls = classifyScreen(codexProfile, pane('codex-0.169.0-model-migration-dialog.txt'), { paneDead: false });
    expect(cls.dialog).toMatchObject({
      kind: 'unknown',
      options: [{ label: 'Try new model', selected: true }, { label: 'Use existing model' }],
    });
    expect(decideDialog(cls.dialog!, { worktree }).decision).toBe('ask-human');
  });

  it('an echoed prompt above a dialog is not taken for the input box', () => {
    const cls = classifyScreen(codexProfile, pane('codex-0.169.0-permission-bash-dialog.txt'), { paneDead: false });
    expect(cls.input).toBe('');
  });
});
