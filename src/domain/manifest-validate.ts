/**
 * Checks a task manifest and says, for every problem at once, what to change: schema issues
 * with their JSON path, then the graph (ids, dependencies, cycles, phases) and the files.
 * The graph checks run on whatever parts of the input have the right shape, so a schema error
 * elsewhere does not hide them. Pure: no I/O.
 */
import type { z } from 'zod';
import { entryCovers, isGlob } from './file-overlap.js';
import { branchForTask, validateTaskId } from './identifiers.js';
import { ManifestSchema, TASK_KEYS, type Gates, type Manifest } from './manifest-schema.js';

export interface ValidateContext {
  /** Repository-relative paths of the repository's files; when given, entries matching none are warned about. */
  repoFiles?: string[];
  /** Phase gating the manifest will run under (default strict): decides whether a dependency on a later phase is an error. */
  gates?: Gates;
}

export type ManifestValidation = { ok: true; manifest: Manifest; warnings: string[] } | { ok: false; errors: string[] };

const MAX_CYCLES = 10;

/** Edit distance, for did-you-mean hints (short strings only). */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3 || a.length > 64 || b.length > 64) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[b.length] ?? 99;
}

function closest(word: string, options: Iterable<string>): string | undefined {
  const squash = (s: string): string => s.toLowerCase().replace(/[-_ ]/g, '');
  let best: string | undefined;
  let bestScore = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const option of options) {
    const score =
      squash(option) === squash(word) ? 0 : word.length < 4 ? 99 : distance(word.toLowerCase(), option.toLowerCase());
    if (score < bestScore) [best, bestScore] = [option, score];
  }
  return best;
}

const hint = (word: string, options: Iterable<string>): string => {
  const guess = closest(word, options);
  return guess === undefined ? '' : ` (did you mean "${guess}"?)`;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const quote = (s: string): string => JSON.stringify(s);

/** `phases[0].tasks[2].files[1]`, plus the task id when the input has one. */
function where(path: readonly PropertyKey[], raw: unknown): string {
  let out = '';
  let node: unknown = raw;
  let taskId: string | undefined;
  path.forEach((key, i) => {
    out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
    node = isRecord(node) || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (path[i - 1] === 'tasks' && typeof key === 'number' && isRecord(node) && typeof node.id === 'string')
      taskId = node.id;
  });
  return `${out === '' ? 'manifest' : out}${taskId === undefined ? '' : ` (task ${quote(taskId)})`}`;
}

function issueMessages(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  prefix: readonly PropertyKey[] = [],
): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') {
      // Report the alternative that got past its type check (e.g. the string form of validate).
      const fitting = issue.errors.filter(
        (errs) => !errs.some((e) => e.code === 'invalid_type' && e.path.length === 0),
      );
      if (fitting.length === 1 && fitting[0]) {
        out.push(...issueMessages(fitting[0], raw, path));
        continue;
      }
    }
    if (issue.code === 'unrecognized_keys') {
      const isTask = path.length === 4 && path[0] === 'phases' && path[2] === 'tasks';
      for (const key of issue.keys) {
        out.push(
          `${where(path, raw)}: unknown key ${quote(key)}${isTask ? `${hint(key, TASK_KEYS)}; a task may have ${TASK_KEYS.join(', ')}` : ''}`,
        );
      }
      continue;
    }
    const message = issue.message.replace(
      /^Invalid input: expected (\w+), received undefined$/,
      'missing (expected $1)',
    );
    out.push(`${where(path, raw)}: ${message}`);
  }
  return out;
}

interface RawTask {
  id: string;
  at: string;
  phase: number;
  dependsOn: string[];
  files: string[];
  branch: string | undefined;
}
interface RawPhase {
  name: string;
  at: string;
  taskCount: number | undefined;
}

/** The parts of the input with the right shape, for graph checks. */
function skeleton(raw: unknown): { phases: RawPhase[]; tasks: RawTask[]; hasPhases: boolean } {
  const phases: RawPhase[] = [];
  const tasks: RawTask[] = [];
  const rawPhases = isRecord(raw) && Array.isArray(raw.phases) ? (raw.phases as unknown[]) : undefined;
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  rawPhases?.forEach((p, i) => {
    const name = isRecord(p) && typeof p.name === 'string' ? p.name : `#${i + 1}`;
    const rawTasks = isRecord(p) && Array.isArray(p.tasks) ? (p.tasks as unknown[]) : undefined;
    phases.push({ name, at: `phases[${i}]`, taskCount: rawTasks?.length });
    rawTasks?.forEach((t, j) => {
      if (!isRecord(t) || typeof t.id !== 'string') return;
      tasks.push({
        id: t.id,
        at: `phases[${i}].tasks[${j}]`,
        phase: i,
        dependsOn: strings(t.dependsOn),
        files: strings(t.files),
        branch: typeof t.branch === 'string' ? t.branch : undefined,
      });
    });
  });
  return { phases, tasks, hasPhases: rawPhases !== undefined };
}

/** Why a `files` entry does not name something inside the repository, or undefined. */
export function fileEntryProblem(entry: string): string | undefined {
  if ([...entry].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return 'contains a control character';
  if (entry.startsWith('/') || entry.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(entry))
    return 'is an absolute path; write it relative to the repository root (e.g. src/app.ts)';
  if (entry.startsWith('~')) return "starts with '~' (a home directory); write it relative to the repository root";
  if (entry.split(/[\\/]/).includes('..'))
    return "climbs out of the repository with '..'; write it relative to the repository root";
  return undefined;
}

/** Dependency cycles, each printed as `a → b → a` (a waits for b, which waits for a). */
function findCycles(ids: string[], depsOf: (id: string) => string[]): string[][] {
  const color = new Map<string, 1 | 2>();
  const found = new Map<string, string[]>();
  for (const root of ids) {
    if (color.has(root)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    color.set(root, 1);
    while (stack.length > 0 && found.size < MAX_CYCLES) {
      const top = stack[stack.length - 1] as { id: string; next: number };
      const dep = depsOf(top.id)[top.next++];
      if (dep === undefined) {
        color.set(top.id, 2);
        stack.pop();
      } else if (color.get(dep) === 1) {
        const path = stack.map((f) => f.id);
        const cycle = path.slice(path.indexOf(dep));
        const key = [...cycle].sort().join('\u0000');
        if (!found.has(key)) found.set(key, [...cycle, dep]);
      } else if (!color.has(dep)) {
        color.set(dep, 1);
        stack.push({ id: dep, next: 0 });
      }
    }
  }
  return [...found.values()];
}

function checkGraph(
  raw: unknown,
  gates: Gates,
  repoFiles: string[] | undefined,
  errors: string[],
  warnings: string[],
): void {
  const { phases, tasks, hasPhases } = skeleton(raw);
  if (hasPhases && phases.length === 0) errors.push('the manifest has no phases; add at least one phase with tasks');
  const phaseLabel = (i: number): string => `phase ${quote(phases[i]?.name ?? `#${i + 1}`)}`;
  const seenNames = new Set<string>();
  for (const p of phases) {
    if (p.taskCount === 0) errors.push(`phase ${quote(p.name)} (${p.at}) has no tasks; add tasks to it or remove it`);
    if (seenNames.has(p.name))
      warnings.push(
        `two phases are named ${quote(p.name)}; give each phase its own name so gates and messages are unambiguous`,
      );
    seenNames.add(p.name);
  }

  const byId = new Map<string, RawTask[]>();
  for (const t of tasks) {
    const checked = validateTaskId(t.id);
    if (!checked.ok) errors.push(`task ${quote(t.id)} (${t.at}): ${checked.error}`);
    byId.set(t.id, [...(byId.get(t.id) ?? []), t]);
  }
  for (const [id, same] of byId) {
    if (same.length > 1)
      errors.push(
        `task id ${quote(id)} is used ${same.length} times: ${same.map((t) => `${phaseLabel(t.phase)} (${t.at})`).join(', ')}; each task needs its own id`,
      );
  }

  for (const t of tasks) {
    const seen = new Set<string>();
    for (const d of t.dependsOn) {
      if (seen.has(d)) warnings.push(`task ${quote(t.id)} lists the dependency ${quote(d)} more than once`);
      seen.add(d);
      const dep = byId.get(d)?.[0];
      if (dep === undefined) {
        errors.push(
          `task ${quote(t.id)} depends on ${quote(d)}, which is not a task in this manifest${hint(d, byId.keys())}`,
        );
      } else if (dep.phase > t.phase) {
        const what = `task ${quote(t.id)} (${phaseLabel(t.phase)}) depends on ${quote(d)}, which is in a later phase (${phaseLabel(dep.phase)})`;
        if (gates === 'strict')
          errors.push(
            `${what}; with strict phase gates neither could ever start: move ${quote(d)} to an earlier phase or drop the dependency`,
          );
        else warnings.push(`${what}; fine with dependency gates, but it would deadlock with strict phase gates`);
      }
    }
  }
  const depsOf = (id: string): string[] =>
    [...new Set((byId.get(id) ?? []).flatMap((t) => t.dependsOn))].filter((d) => byId.has(d));
  for (const cycle of findCycles([...byId.keys()], depsOf)) {
    errors.push(
      `dependency cycle: ${cycle.join(' → ')} (each task waits for the next, so none of them can start); remove one of these dependencies`,
    );
  }

  const branches = new Map<string, string[]>();
  for (const t of tasks) {
    const branch = t.branch ?? branchForTask(t.id);
    branches.set(branch, [...(branches.get(branch) ?? []), t.id]);
    if (t.files.length === 0)
      warnings.push(
        `task ${quote(t.id)} lists no files, so Drover cannot keep it apart from tasks that edit the same files`,
      );
    for (const [k, entry] of t.files.entries()) {
      const problem = entry === '' ? undefined : fileEntryProblem(entry);
      if (problem) errors.push(`task ${quote(t.id)} files[${k}] ${quote(entry)} ${problem}`);
      else if (/[{}]/.test(entry))
        warnings.push(
          `task ${quote(t.id)} files[${k}] ${quote(entry)}: braces are not expanded; list each path separately`,
        );
      else if (repoFiles !== undefined && entry !== '' && !repoFiles.some((f) => entryCovers(entry, f))) {
        warnings.push(
          isGlob(entry)
            ? `task ${quote(t.id)} files[${k}] ${quote(entry)} matches no file in the repository`
            : `task ${quote(t.id)} files[${k}] ${quote(entry)} is not in the repository (fine if the task creates it)`,
        );
      }
    }
  }
  for (const [branch, ids] of branches) {
    if (new Set(ids).size > 1)
      errors.push(
        `tasks ${ids.map(quote).join(', ')} all use the branch ${quote(branch)}; give each task its own branch`,
      );
  }
}

/** Validates a parsed manifest (JSON or YAML data). Collects every problem; warnings never block. */
export function validateManifest(raw: unknown, ctx: ValidateContext = {}): ManifestValidation {
  const errors: string[] = [];
  const warnings: string[] = [];
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) errors.push(...issueMessages(parsed.error.issues, raw));
  checkGraph(raw, ctx.gates ?? 'strict', ctx.repoFiles, errors, warnings);
  if (!parsed.success || errors.length > 0) return { ok: false, errors: [...new Set(errors)] };
  return { ok: true, manifest: parsed.data, warnings: [...new Set(warnings)] };
}
