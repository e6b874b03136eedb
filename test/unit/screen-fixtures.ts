import { readdirSync, readFileSync } from 'node:fs';
import { claudeProfile, codexProfile, type AgentProfile } from '../../src/domain/agent-profile.js';
import { geminiProfile } from '../../src/domain/profiles/gemini.js';

/** The real screen captures (docs/design.md §4; provenance in test/fixtures/panes/README.md). */
export const FIXTURE_DIR = new URL('../fixtures/panes/', import.meta.url);

/**
 * The reference set (the first captures, 120×40, taken before Drover ran agents itself). The
 * classifier and dialog-policy suites hold one expectation for each; the captures from Drover's
 * own runs in the same folder have theirs in captured-panes and gemini-screens.
 */
const REFERENCE_SET = new Set([
  'claude-2.1.197-api-key-dialog.txt',
  'claude-2.1.197-done-after-turn.txt',
  'claude-2.1.197-idle-prompt.txt',
  'claude-2.1.197-permission-bash-dialog.txt',
  'claude-2.1.197-permission-dangerous-dialog.txt',
  'claude-2.1.197-process-killed-dead-pane.txt',
  'claude-2.1.197-trust-folder-dialog.txt',
  'claude-2.1.197-typed-not-submitted.txt',
  'claude-2.1.197-working-tool-running.txt',
  'codex-0.169.0-first-start.txt',
]);

/** The reference captures present on disk: one deleted by mistake shows up as a stale expectation. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => REFERENCE_SET.has(f))
    .sort();
}

export function readFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURE_DIR), 'utf8');
}

/** The profile a capture was taken with, from its file name (`<cli>-<version>-<what>.txt`). */
export function profileFor(name: string): AgentProfile {
  if (name.startsWith('gemini-')) return geminiProfile;
  return name.startsWith('codex-') ? codexProfile : claudeProfile;
}

const RULE = '─'.repeat(120);

/**
 * A Claude screen as it renders: the transcript, then the input box between two rules, then
 * the footer. `input` is what sits in the box.
 */
export function claudeScreen(transcript: readonly string[], opts: { input?: string; footer?: string } = {}): string {
  const input = (opts.input ?? '').split('\n');
  return [
    '╭─── Claude Code v2.1.197 ───╮',
    '│          Welcome back!      │',
    '╰─────────────────────────────╯',
    '',
    ...transcript,
    '',
    RULE,
    `❯\u00a0${input[0] ?? ''}`,
    ...input.slice(1).map((l) => `  ${l}`),
    RULE,
    `  ${opts.footer ?? '? for shortcuts · ← for agents'}`,
    '',
  ].join('\n');
}

/** How Claude echoes a submitted prompt: `❯ ` on the first line, two spaces before the others. */
export function echoPrompt(text: string): string[] {
  return text.split('\n').map((line, i) => (i === 0 ? `❯ ${line}` : line === '' ? '' : `  ${line}`));
}
