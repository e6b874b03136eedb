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
    const other = {
      ...before,
      text: before.text.replace('Do you want to use this API key?', 'Do you want to use another key?'),
    };
    expect(sameDialog(before, other)).toBe(false);
  });
});
