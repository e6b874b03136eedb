/** Names Drover derives from user input: validated strictly, with messages that say what to change. */

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

const valid = <T>(value: T): Checked<T> => ({ ok: true, value });
const invalid = (error: string): Checked<never> => ({ ok: false, error });

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const ID_MAX = 100;

/** A character as a user can read it, control characters escaped. */
function show(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
}

function validateId(what: string, id: unknown): Checked<string> {
  if (typeof id !== 'string' || id === '')
    return invalid(`the ${what} is empty; use letters, digits, '.', '_' or '-' (e.g. fix-login)`);
  if (id.length > ID_MAX) return invalid(`the ${what} is ${id.length} characters long; the limit is ${ID_MAX}`);
  if (/\s/.test(id)) return invalid(`the ${what} contains a space or other whitespace; use '-' instead`);
  if (id.includes('/'))
    return invalid(`the ${what} contains '/'; it becomes one path and branch component, so use '-' instead`);
  if (id.startsWith('-')) return invalid(`the ${what} starts with '-', which commands would read as an option`);
  if (id.includes('..'))
    return invalid(
      `the ${what} contains '..', which could climb out of a directory and which git refuses in branch names`,
    );
  if (!/^[A-Za-z0-9]/.test(id))
    return invalid(`the ${what} must start with a letter or a digit, not '${show(id[0] ?? '')}'`);
  const bad = [...id].findIndex((c) => !/[A-Za-z0-9._-]/.test(c));
  if (bad >= 0)
    return invalid(
      `the ${what} contains '${show([...id][bad] ?? '')}' at position ${bad + 1}; allowed are letters, digits, '.', '_' and '-'`,
    );
  if (id.endsWith('.')) return invalid(`the ${what} ends with '.', which git refuses at the end of a branch name`);
  if (id.endsWith('.lock')) return invalid(`the ${what} ends with '.lock', which git reserves for lock files`);
  return ID_PATTERN.test(id) ? valid(id) : invalid(`the ${what} does not match ${ID_PATTERN.source}`);
}

/** Task ids: `^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`, usable in a branch name, a path and a window name. */
export function validateTaskId(id: string): Checked<string> {
  return validateId('task id', id);
}

/** Manifest names follow the task-id rules (they are a workflow id segment). */
export function validateManifestName(name: string): Checked<string> {
  return validateId('manifest name', name);
}

const STEP = /^[A-Za-z0-9._-]{1,64}$/;
export function validateStepName(step: string): Checked<string> {
  if (typeof step === 'string' && STEP.test(step)) return valid(step);
  return invalid(`step "${String(step).slice(0, 80)}" is not a valid step name: 1-64 letters, digits, '.', '_' or '-'`);
}

const BRANCH_MAX = 255;
const REFUSED_CHARS = new Set([' ', '~', '^', ':', '?', '*', '[', '\\']);

/** The rules of `git check-ref-format --branch`, without the `@{-N}` shorthand (refused). */
export function validateBranchName(name: string): Checked<string> {
  if (typeof name !== 'string' || name === '') return invalid('the branch name is empty');
  if (name.length > BRANCH_MAX)
    return invalid(`the branch name is ${name.length} characters long; the limit is ${BRANCH_MAX}`);
  if (name.startsWith('-')) return invalid("a branch name cannot start with '-'");
  if (name === '@') return invalid("a branch name cannot be '@'");
  if (name === 'HEAD') return invalid("'HEAD' is not a valid branch name");
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return invalid(`the branch name contains the control character '${show(ch)}'`);
    if (REFUSED_CHARS.has(ch))
      return invalid(
        `a branch name cannot contain '${ch === ' ' ? 'a space' : ch}' (git refuses space ~ ^ : ? * [ \\)`,
      );
  }
  if (name.includes('..')) return invalid("a branch name cannot contain '..'");
  if (name.includes('@{')) return invalid("a branch name cannot contain '@{'");
  if (name.startsWith('/') || name.endsWith('/')) return invalid("a branch name cannot start or end with '/'");
  if (name.includes('//')) return invalid("a branch name cannot contain '//'");
  if (name.endsWith('.')) return invalid("a branch name cannot end with '.'");
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return invalid(`the branch name component '${part}' starts with '.'`);
    if (part.endsWith('.lock')) return invalid(`the branch name component '${part}' ends with '.lock'`);
  }
  return valid(name);
}

/** Workflow id of a task: `task/<manifest>/<taskId>`; a task started on its own belongs to `adhoc`. */
export function taskWorkflowId(taskId: string, manifest = 'adhoc'): string {
  return `task/${manifest}/${taskId}`;
}

/** Test slot names follow the task-id rules (they are a workflow id segment). */
export function validateSlotName(name: string): Checked<string> {
  return validateId('slot name', name);
}

/** Workflow id of the mutex over one shared test resource: `test-slot/<name>`. Throws on an invalid name. */
export function testSlotWorkflowId(name: string): string {
  const checked = validateSlotName(name);
  if (!checked.ok) throw new Error(checked.error);
  return `test-slot/${name}`;
}

/** Workflow id of a pull-request fix: `pr/<owner>/<repo>/<number>`. */
export function prWorkflowId(owner: string, repo: string, number: number): string {
  return `pr/${owner}/${repo}/${number}`;
}

/** The branch a task works on. */
export function branchForTask(taskId: string): string {
  return `drover/${taskId}`;
}

/**
 * The tmux window of a task. tmux reads `.` in a target as the pane separator and an all-digit
 * name as a window index, so `.` becomes `~` and an all-digit id gets a leading `~`. For valid
 * task ids the mapping is one-to-one (no two tasks share a window).
 */
export function tmuxWindowName(taskId: string): string {
  const name = String(taskId).replace(/[^A-Za-z0-9_-]/g, '~');
  return /^\d+$/.test(name) ? `~${name}` : name;
}

export const REDACTED = '[REDACTED]';
/** Secrets shorter than this are ignored: replacing them would shred ordinary text. */
export const MIN_SECRET_LENGTH = 4;

/** Replaces every occurrence of each secret (longest first) with `[REDACTED]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  if (typeof text !== 'string' || text === '') return typeof text === 'string' ? text : '';
  const usable = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  if (usable.length === 0) return text;
  const pattern = new RegExp(usable.map((s) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|'), 'g');
  return text.replace(pattern, REDACTED);
}

const TOKEN_SHAPES: readonly RegExp[] = [
  /(API_KEY:\s*)\S+/g,
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /(\bBearer\s+)[A-Za-z0-9._~+/-]{16,}=*/g,
];

/** Masks values shaped like API keys and tokens (for screen text that goes into history). */
export function redactTokens(text: string): string {
  if (typeof text !== 'string') return '';
  return TOKEN_SHAPES.reduce(
    (t, re) => t.replace(re, (_m, keep: unknown) => `${typeof keep === 'string' ? keep : ''}${REDACTED}`),
    text,
  );
}

/** Workflow id of the host registry of a shared task queue (one registry per Drover deployment). */
export function hostRegistryWorkflowId(taskQueue: string): string {
  return `hosts/${taskQueue}`;
}

/**
 * Branches Drover never works on, rewrites or force-pushes: the usual long-lived names (the
 * worktree adapter and the CLI refuse them with this same pattern).
 */
export const PROTECTED_BRANCH_PATTERN = /^(main|master|develop|trunk|release\/.*|spare\/.*)$/;

export function isProtectedBranch(branch: string): boolean {
  return PROTECTED_BRANCH_PATTERN.test(branch);
}

/** A branch a task may be given: a valid name, and not a protected one (the worktree would refuse it after the start). */
export function validateTaskBranch(name: string): Checked<string> {
  const checked = validateBranchName(name);
  if (!checked.ok) return checked;
  if (isProtectedBranch(name))
    return invalid(
      `${name} is a protected branch (main, master, develop, trunk, release/*, spare/*); Drover never works on it: name a feature branch, or leave --branch out for drover/<task id>`,
    );
  return checked;
}
