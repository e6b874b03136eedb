import type { AgentProfile } from '../agent-profile.js';

/**
 * OpenAI Codex CLI 0.169.0, from captures of the real CLI against the scripted model server
 * (test/fixtures/panes/codex-0.169.0-*.txt; docs/agents/codex.md).
 *
 * Validated by AgentProfileSchema where it is registered (agent-profile.ts); only a type
 * import here, so the two modules do not import each other at run time.
 */
export const codexProfile: AgentProfile = {
  name: 'codex',
  command: 'codex',
  launch: {
    // --no-daemon: no shared background app server between agents (each task has its own HOME).
    // workspace-write + on-request: writes inside the worktree and read-only commands run in
    // codex's sandbox without asking; anything escalated (git commit — `.git` is read-only in
    // the sandbox —, network, files outside) shows "Would you like to run the following
    // command?", which Drover's dialog policy answers like claude's permission dialogs.
    baseArgs: ['--no-daemon', '--sandbox', 'workspace-write', '--ask-for-approval', 'on-request'],
    // Codex cannot be given a session id; it picks a UUIDv7 (rollout-<time>-<id>.jsonl).
    // With a HOME per task, "the last session" of the worktree is the task's session.
    newSessionArgs: [],
    resumeArgs: ['resume', '--last'],
    modelArgs: ['--model', '{model}'],
    sessionStore: { dir: '.codex/sessions', match: 'any' },
  },
  screen: {
    promptMarkers: ['›'],
    inputBorderChar: '',
    inputPlaceholders: [
      '^Ask Codex to do anything$',
      '^Ask a follow-up question$',
      '^Write a prompt or slash command$',
    ],
    // Below the input: a blank line, `GPT-5.5 default · <dir>` and `← for agents · ? for shortcuts`.
    inputMaxLinesBelow: 3,
    assistantMarkers: ['•'],
    outputPrefixes: ['└'],
    // `• Working (2s • esc to interrupt)` (also `◦ Working (…)` while blinking) above the input.
    workingPatterns: ['esc to interrupt', '^[•◦] Working \\('],
    workingLookback: 6,
    crashedPatterns: ['^Pane is dead\\b'],
    optionSelectedMarkers: ['›', '>'],
    dialogTops: ['^\\s*Would you like to (run the following command|make the following edits)\\?'],
    dialogs: [
      { kind: 'trust-folder', anyOf: ['Trust this folder?', 'Trust and continue'] },
      {
        kind: 'permission',
        anyOf: ['Would you like to run the following command?', 'Would you like to make the following edits?'],
      },
    ],
    dialogFooters: [
      'Press enter to confirm or esc to cancel',
      'enter continue · esc back',
      'enter/esc confirm',
      'Press enter to continue',
    ],
    permission: {
      bashHeader: 'Would you like to run the following command?',
      commandPrefix: '$ ',
      reasonPrefix: 'Reason: ',
      // apply_patch outside the sandbox; the file is listed below, not in the question, so
      // such a dialog is `tool: other` and waits for a human.
      editQuestion: 'Would you like to make the following edits to ',
      createQuestion: 'Would you like to create ',
    },
    checkpointPrefix: 'CHECKPOINT:',
    doneMarker: 'ORCHESTRATOR:DONE',
  },
  shellCommands: ['sh', 'bash', 'zsh', 'fish', 'dash', 'ksh', 'mksh', 'tcsh', 'csh', 'login'],
};
