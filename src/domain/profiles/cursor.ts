import type { AgentProfile } from '../agent-profile.js';

/**
 * Cursor's agent CLI (`cursor-agent`, not on npm; installed with `curl https://cursor.com/install`).
 * NOT verified against the real CLI here: launch arguments follow Cursor's CLI documentation
 * (`--force` runs commands without asking, `--model`, `--resume <chat-id>` / `--continue`), and
 * the screen rules were written for it and checked only against a stand-in program
 * (test/support/stand-ins/cursor-agent.mjs) that draws the same markers. Replace them with
 * captures of the real CLI before relying on dialog handling; see docs/agents/cursor.md.
 */
export const cursorProfile: AgentProfile = {
  name: 'cursor-agent',
  command: 'cursor-agent',
  launch: {
    // --force: Cursor's own autonomy flag (run commands without approval prompts); Drover's
    // verification and the worktree boundary are the guard rails, as with --dangerously-* flags.
    baseArgs: ['--force'],
    // A chat id cannot be chosen up front; with a HOME per task, the latest chat is the task's.
    newSessionArgs: [],
    resumeArgs: ['--continue'],
    modelArgs: ['--model', '{model}'],
    sessionStore: { dir: '.cursor/chats', match: 'any' },
  },
  screen: {
    promptMarkers: ['→'],
    inputBorderChar: '─',
    inputPlaceholders: ['^Plan, search, build anything$', '^Add a follow-up$'],
    assistantMarkers: [],
    outputPrefixes: [],
    // `⬢ Generating… ctrl+c to stop` while it works (the documented stop hint).
    workingPatterns: ['ctrl\\+c to stop', '^[⬡⬢] \\S+ing\\b'],
    workingLookback: 6,
    crashedPatterns: ['^Pane is dead\\b'],
    optionSelectedMarkers: ['→', '>'],
    dialogs: [
      { kind: 'trust-folder', anyOf: ['Workspace Trust Required', 'Do you trust the contents of this directory'] },
      { kind: 'permission', anyOf: ['Run this command?', 'Waiting for approval'] },
    ],
    dialogFooters: ['(y) (enter)', 'skip (esc or n)'],
    permission: {
      bashHeader: 'Run this command?',
      editQuestion: 'Apply this edit to ',
      createQuestion: 'Create ',
    },
    checkpointPrefix: 'CHECKPOINT:',
    doneMarker: 'ORCHESTRATOR:DONE',
  },
  shellCommands: ['sh', 'bash', 'zsh', 'fish', 'dash', 'ksh', 'mksh', 'tcsh', 'csh', 'login'],
};
