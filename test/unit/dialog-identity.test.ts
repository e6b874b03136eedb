import { describe, expect, it } from 'vitest';
import { dialogIdentity, sameDialog } from '../../src/domain/dialog-identity.js';
import { claudeProfile } from '../../src/domain/agent-profile.js';
import { classifyScreen } from '../../src/domain/screen-classifier.js';
import { readFixture } from './screen-fixtures.js';

describe('dialogIdentity: the same dialog whatever option is highlighted (issue 21 item 5)', () => {
  it("claude's API-key dialog with No, then Yes highlighted, is one dialog; another dialog is not", () => {
    const screen = readFixture('claude-2.1.197-api-key-dialog.txt');
    const before = classifyScreen(claudeProfile, screen, { paneDead: false }).dialog!;
    const moved = classifyScreen(
      claudeProfile,
      screen.replace('    1. Yes', '  ❯ 1. Yes').replace('  ❯ 2. No (recommended)', '    2. No (recommended)'),
      { paneDead: false },
    ).dialog!;
    expect(before.kind).toBe('api-key');
    expect(moved.text).not.toBe(before.text); // what the old comparison saw: a new dialog
    expect(moved.options.find((o) => o.selected)?.index).toBe(1);
    expect(sameDialog(before, moved)).toBe(true);
    expect(dialogIdentity(before)).not.toContain('❯');
    // a startup dialog is known by its kind: drawn again while claude starts (rewrapped, a line short), it is the same one
    const trust = classifyScreen(claudeProfile, readFixture('claude-2.1.197-trust-folder-dialog.txt'), {
      paneDead: false,
    }).dialog!;
    expect(trust.kind).toBe('trust-folder');
    expect(sameDialog(trust, { ...trust, text: trust.text.replace('Security guide\n', '') })).toBe(true);
    expect(sameDialog(trust, before)).toBe(false);
    // a permission dialog is known by its text: another command is another dialog
    const bash = classifyScreen(claudeProfile, readFixture('claude-2.1.197-permission-bash-dialog.txt'), {
      paneDead: false,
    }).dialog!;
    expect(bash.kind).toBe('permission');
    expect(sameDialog(bash, { ...bash, text: bash.text.replace(bash.command!, `${bash.command!} -x`) })).toBe(false);
    const bashMoved = { ...bash, text: bash.text.replace('❯ 1. Yes', '1. Yes').replace(/\n(\s*)3\. No/, '\n❯ 3. No') };
    expect(bashMoved.text).not.toBe(bash.text);
    expect(sameDialog(bash, bashMoved)).toBe(true);
  });
});
