import { z } from 'zod';
import { codexProfile } from './profiles/codex.js';

export { codexProfile } from './profiles/codex.js';
import { cursorProfile } from './profiles/cursor.js';
import { geminiProfile } from './profiles/gemini.js';
import { simProfileFrom } from './profiles/sim.js';

/**
 * An agent CLI described as data: how to launch it and how to read its screen.
 * Patterns are regular-expression sources (compiled with the `u` flag, tested per line);
 * keep them anchored or bounded so they run in linear time on hostile screens.
 */

export const DialogKindSchema = z.enum(['trust-folder', 'api-key', 'permission', 'unknown']);
export type DialogKind = z.infer<typeof DialogKindSchema>;

const pattern = z.string().min(1).max(300);

export const DialogDetectorSchema = z.object({
  kind: DialogKindSchema.exclude(['unknown']),
  /** The dialog is of this kind when its text contains any of these strings. */
  anyOf: z.array(z.string().min(1)).min(1),
});

export const ScreenProfileSchema = z.object({
  /** Prefix of the input line (`❯`) and of the echoed user prompt in the transcript. */
  promptMarkers: z.array(z.string().min(1)).min(1),
  /** The character drawing the horizontal rules around the input box (`─`); '' if none. */
  inputBorderChar: z.string().max(1),
  /** Greyed-out suggestions shown in an empty input box. */
  inputPlaceholders: z.array(pattern),
  /** Column-0 glyphs that start an assistant block (`●`); [] = any non-user line is output. */
  assistantMarkers: z.array(z.string().min(1)),
  /** Prefixes stripped from an output line before looking for markers (`⎿` tool output). */
  outputPrefixes: z.array(z.string().min(1)),
  /** Lines near the input box (or anywhere in its footer) matching one of these mean working. */
  workingPatterns: z.array(pattern),
  /** How many non-blank lines above the input box are searched for working patterns. */
  workingLookback: z.number().int().min(0).max(50),
  /**
   * The CLI draws dialogs and tool output inside `╭─╮ │ │ ╰─╯` boxes (gemini): side borders are
   * stripped and top/bottom borders read as blank lines before the screen is read.
   */
  boxFrames: z.boolean().optional(),
  /** Columns before the prompt marker (gemini draws ` > `); stripped from prompt lines before reading. */
  promptIndent: z.number().int().min(0).max(4).optional(),
  /** Lines allowed between the top rule and the prompt line (gemini's approval-mode line). */
  inputBoxGap: z.number().int().min(0).max(5).optional(),
  /** A line matching one of these means the pane's process is gone. */
  crashedPatterns: z.array(pattern),
  /**
   * Borderless input (no rules): the prompt line is the live input only with at most this many
   * non-blank lines below it (codex's footer), so an echoed prompt above a dialog is not taken
   * for the input box. Unset: no limit.
   */
  inputMaxLinesBelow: z.number().int().min(0).max(20).optional(),
  /**
   * Without a rule above a dialog, the dialog starts at the last line matching one of these
   * (else the whole screen is the dialog region).
   */
  dialogTops: z.array(pattern).optional(),
  /** Marker in front of the selected option of a dialog (`❯ 1. Yes`). */
  optionSelectedMarkers: z.array(z.string().min(1)).min(1),
  dialogs: z.array(DialogDetectorSchema),
  /** Any of these in a region with numbered options marks an (unknown) dialog. */
  dialogFooters: z.array(z.string().min(1)),
  permission: z.object({
    bashHeader: z.string().min(1),
    editQuestion: z.string().min(1),
    createQuestion: z.string().min(1),
    overwriteQuestion: z.string().min(1).optional(),
    /** The command is the line after `bashHeader` starting with this (codex: `$ `); unset: the paragraph after the header. */
    commandPrefix: z.string().min(1).optional(),
    /** The line starting with this holds the agent's reason (codex: `Reason: `). */
    reasonPrefix: z.string().min(1).optional(),
    /**
     * `prefix`: the command's header line only starts with `bashHeader` and the next paragraph
     * is the whole command, with no description under it (gemini). Default `line`.
     */
    bashHeaderMatch: z.enum(['line', 'prefix']).optional(),
    /** Lines naming the file of an edit/write permission (one capture group), for CLIs that do not name it in the question (gemini). */
    fileHeaders: z.array(z.object({ tool: z.enum(['edit', 'write']), pattern })).optional(),
  }),
  /** Line markers the agent prints; also reportable with `drover report`. */
  checkpointPrefix: z.string().min(1),
  doneMarker: z.string().min(1),
});
export type ScreenProfile = z.infer<typeof ScreenProfileSchema>;

export const LaunchProfileSchema = z.object({
  baseArgs: z.array(z.string()),
  /** `{sessionId}` is replaced. Empty when the CLI cannot be given a session id. */
  newSessionArgs: z.array(z.string()),
  resumeArgs: z.array(z.string()),
  /** `{model}` is replaced. */
  modelArgs: z.array(z.string()),
  /**
   * Where the CLI keeps its transcripts, relative to the agent's HOME: a session exists (launch
   * with resumeArgs) when `<dir>/…/<sessionId>.jsonl` exists (`session-id`), or any `.jsonl`
   * below `dir` (`any`: for a CLI that picks its own ids, resumed with "the last session").
   * Unset: never resume.
   */
  sessionStore: z.object({ dir: z.string().min(1), match: z.enum(['session-id', 'any']) }).optional(),
});

export const AgentProfileSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  command: z.string().min(1),
  launch: LaunchProfileSchema,
  screen: ScreenProfileSchema,
  /** A pane whose foreground command is one of these is back at the shell: the agent exited. */
  shellCommands: z.array(z.string().min(1)),
});
export type AgentProfile = z.infer<typeof AgentProfileSchema>;

export const DEFAULT_SHELLS = ['sh', 'bash', 'zsh', 'fish', 'dash', 'ksh', 'mksh', 'tcsh', 'csh', 'login'];

export const claudeProfile: AgentProfile = AgentProfileSchema.parse({
  name: 'claude',
  command: 'claude',
  launch: {
    // No --dangerously-skip-permissions: claude refuses it as root, and the dialog policy
    // answers permission prompts instead.
    baseArgs: [],
    newSessionArgs: ['--session-id', '{sessionId}'],
    resumeArgs: ['--resume', '{sessionId}'],
    modelArgs: ['--model', '{model}'],
    sessionStore: { dir: '.claude/projects', match: 'session-id' },
  },
  screen: {
    promptMarkers: ['❯'],
    inputBorderChar: '─',
    inputPlaceholders: ['^Try "[^"]{0,200}"$'],
    assistantMarkers: ['●'],
    outputPrefixes: ['⎿'],
    workingPatterns: [
      'esc to interrupt',
      // Spinner line: `· Warping… (1s · ↓ 37 tokens)`; the past-tense `✻ Sautéed for 4s` is not.
      '^[·✢✳✶✻✽*] \\S[^…]{0,80}…',
      '^⎿ +Running…',
    ],
    workingLookback: 6,
    crashedPatterns: ['^Pane is dead\\b'],
    optionSelectedMarkers: ['❯', '>', '›'],
    dialogs: [
      {
        kind: 'trust-folder',
        anyOf: [
          'Yes, I trust this folder',
          'Do you trust the files in this folder',
          'Is this a project you created or one you trust',
        ],
      },
      { kind: 'api-key', anyOf: ['Do you want to use this API key?', 'Detected a custom API key'] },
      {
        kind: 'permission',
        anyOf: [
          'Do you want to proceed?',
          'This command requires approval',
          'Do you want to make this edit to',
          'Do you want to create ',
          'Do you want to overwrite ',
          'Do you want to allow',
        ],
      },
    ],
    dialogFooters: ['Enter to confirm', 'Esc to cancel', 'Press enter to continue'],
    permission: {
      bashHeader: 'Bash command',
      editQuestion: 'Do you want to make this edit to ',
      createQuestion: 'Do you want to create ',
      overwriteQuestion: 'Do you want to overwrite ',
    },
    checkpointPrefix: 'CHECKPOINT:',
    doneMarker: 'ORCHESTRATOR:DONE',
  },
  shellCommands: DEFAULT_SHELLS,
});

/** Validates a profile defined in its own module (which imports only types from here, so no import cycle) and returns it as is. */
function checked(profile: AgentProfile): AgentProfile {
  AgentProfileSchema.parse(profile);
  return profile;
}

const PROFILES: ReadonlyMap<string, AgentProfile> = new Map([
  [claudeProfile.name, claudeProfile],
  // Profiles in ./profiles/ only import this module's types; they are validated here.
  [codexProfile.name, checked(codexProfile)],
  [geminiProfile.name, checked(geminiProfile)],
  [cursorProfile.name, checked(cursorProfile)],
  // the scripted stand-in for scale benchmarks, read with claude's screen rules
  ['sim', checked(simProfileFrom(claudeProfile))],
]);

/** Custom agents from the config file, registered once per process (worker, CLI). */
const custom = new Map<string, AgentProfile>();

export function builtinProfiles(): ReadonlyMap<string, AgentProfile> {
  return PROFILES;
}

/** Replaces the registered custom profiles (see custom-profile.ts for how they are built). */
export function registerCustomProfiles(profiles: readonly AgentProfile[]): void {
  custom.clear();
  for (const p of profiles) custom.set(p.name, p);
}

/** Names `--agent` accepts: built-in profiles, then custom ones. */
export function knownAgents(): string[] {
  return [...PROFILES.keys(), ...custom.keys()];
}

/** The built-in profile for an agent name; throws with the known names when there is none. */
export function getProfile(name: string): AgentProfile {
  const profile = PROFILES.get(name) ?? custom.get(name);
  if (!profile) throw new Error(`unknown agent "${name}"; known agents: ${[...PROFILES.keys()].join(', ')}`);
  return profile;
}

export interface LaunchOptions {
  sessionId: string;
  resume: boolean;
  model?: string;
}

const SAFE_ARG = /^[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,199}$/;

function fill(args: readonly string[], key: string, value: string): string[] {
  return args.map((a) => a.split(`{${key}}`).join(value));
}

/**
 * The CLI arguments (without the command itself) for a new or resumed session.
 * Throws on a session id or model that could be read as an option or is not a plain token.
 */
export function buildLaunchArgs(profile: AgentProfile, opts: LaunchOptions): string[] {
  if (!SAFE_ARG.test(opts.sessionId)) {
    throw new Error(`invalid session id "${opts.sessionId}": expected letters, digits and . _ : @ / + - (e.g. a UUID)`);
  }
  if (opts.model !== undefined && !SAFE_ARG.test(opts.model)) {
    throw new Error(`invalid model name "${opts.model}": expected letters, digits and . _ : @ / + -`);
  }
  const args = [...profile.launch.baseArgs];
  args.push(
    ...fill(opts.resume ? profile.launch.resumeArgs : profile.launch.newSessionArgs, 'sessionId', opts.sessionId),
  );
  if (opts.model !== undefined) args.push(...fill(profile.launch.modelArgs, 'model', opts.model));
  return args;
}
