import { readdirSync, readFileSync } from 'node:fs';
import { claudeProfile, codexProfile, type AgentProfile } from '../../src/domain/agent-profile.js';
import { geminiProfile } from '../../src/domain/profiles/gemini.js';

/** The real screen captures shared by all suites (DESIGN §4). */
export const FIXTURE_DIR = new URL('../../../shared/fixtures/panes/', import.meta.url);

export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.txt')).sort();
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
