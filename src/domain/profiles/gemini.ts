import type { AgentProfile } from '../agent-profile.js';

/**
 * Google Gemini CLI (`@google/gemini-cli`, verified with 0.61.0 against the scripted model
 * server; captures in test/fixtures/panes/gemini-0.61.0-*.txt, notes in docs/agents/gemini.md).
 *
 * Only types are imported from agent-profile.ts (which validates this profile when it builds
 * its map), so there is no import cycle.
 */
export const geminiProfile: AgentProfile = {
  name: 'gemini',
  command: 'gemini',
  launch: {
    // `default` approval mode: edits and non-read-only shell commands open a confirmation
    // dialog that Drover's dialog policy answers, as for claude. (`yolo` would run everything
    // unseen, `auto_edit` would skip the dialogs for file edits.)
    baseArgs: ['--approval-mode', 'default'],
    // `--session-id` refuses an id that already exists ("Use --resume to resume it").
    newSessionArgs: ['--session-id', '{sessionId}'],
    // `--resume` takes "latest", an index, or the session UUID.
    resumeArgs: ['--resume', '{sessionId}'],
    modelArgs: ['-m', '{model}'],
  },
  screen: {
    // The input line is ` > text` (a space first) under a rule, with the approval-mode line
    // (` Shift+Tab to accept edits`) and a blank line in between; no rule below it.
    promptMarkers: ['>'],
    promptIndent: 1,
    inputBorderChar: '─',
    inputBoxGap: 2,
    inputPlaceholders: ['^Type your message or @path/to/file$'],
    assistantMarkers: ['✦'],
    outputPrefixes: [],
    boxFrames: true,
    // ` ⠧ Thinking... (esc to cancel, 1s)` above the rule; `⊷  Shell sleep 6` while a tool runs.
    workingPatterns: ['\\(esc to cancel\\b', '^⊷ '],
    workingLookback: 6,
    crashedPatterns: ['^Pane is dead\\b'],
    optionSelectedMarkers: ['●'],
    dialogs: [
      { kind: 'trust-folder', anyOf: ['Do you trust the files in this folder?', 'Trust folder ('] },
      { kind: 'permission', anyOf: ['Allow execution of', 'Apply this change?', 'Do you want to proceed?'] },
    ],
    dialogFooters: ['(esc)'],
    permission: {
      // `? Shell  git add -A && git commit -m "Fix"`, then the whole command in a nested box.
      bashHeader: '? Shell ',
      bashHeaderMatch: 'prefix',
      // Edits name the file in the header, not in the question (`Apply this change?`).
      editQuestion: 'Apply this change to ',
      createQuestion: 'Apply this new file ',
      fileHeaders: [
        { tool: 'write', pattern: '^\\? WriteFile\\s+Writing to (\\S.{0,500})$' },
        { tool: 'edit', pattern: '^\\? Edit\\s+(\\S.{0,500}?): ' },
        { tool: 'edit', pattern: '^\\? Edit\\s+(\\S{1,500})$' },
      ],
    },
    checkpointPrefix: 'CHECKPOINT:',
    doneMarker: 'ORCHESTRATOR:DONE',
  },
  // The same list as DEFAULT_SHELLS in agent-profile.ts (not imported: see above).
  shellCommands: ['sh', 'bash', 'zsh', 'fish', 'dash', 'ksh', 'mksh', 'tcsh', 'csh', 'login'],
};
