import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { claudeProfile } from '../../src/domain/agent-profile.js';
import { decideDialog } from '../../src/domain/dialog-policy.js';
import { classifyScreen } from '../../src/domain/screen-classifier.js';

/** Captures Drover's own runs added to the shared set (real claude 2.1.197 screens, 220 columns). */
const pane = (name: string) => readFileSync(new URL(`../fixtures/panes/${name}`, import.meta.url), 'utf8');

describe('captures from Drover runs', () => {
  it('the overwrite-file permission dialog is a write inside the worktree and approved', () => {
    const cls = classifyScreen(claudeProfile, pane('claude-2.1.197-permission-overwrite-dialog.txt'), { paneDead: false });
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
    const cls = classifyScreen(claudeProfile, pane('claude-2.1.197-permission-drover-report-dialog.txt'), { paneDead: false });
    expect(cls.dialog?.command).toBe('drover report checkpoint fix');
    expect(cls.dialog?.description).toBe('Report the checkpoint to Drover');
    expect(decideDialog(cls.dialog!, { worktree: '/srv/wt' })).toMatchObject({ decision: 'approve', keys: ['Enter'] });
  });
});
