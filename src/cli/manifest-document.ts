import { isMap, isScalar, isSeq, parseDocument, type Document, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { fieldEntries, type TaskUpdate } from '../domain/manifest-updates.js';

/**
 * Applies write-back updates to a manifest's text, changing only the named fields of the named
 * tasks. YAML is edited in place through the Document's source ranges, so comments, quoting and
 * layout elsewhere stay byte for byte; JSON keeps its key order and indentation.
 */

export interface AppliedText {
  text: string;
  /** Task ids updated. */
  applied: string[];
  /** Task ids not in the file: reported, never added. */
  missing: string[];
  /** YAML: edited in place, or re-rendered through the Document (a layout the in-place edit could not handle). */
  how: 'in-place' | 're-rendered';
}

type Value = string | number | null;

/** A value as YAML: strings double-quoted (JSON's escaping is valid YAML), so none reads as another type. */
const yamlValue = (v: Value): string => (v === null ? 'null' : typeof v === 'number' ? String(v) : JSON.stringify(v));

interface Splice {
  at: number;
  remove: number;
  insert: string;
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

function setInBlockMap(text: string, map: YAMLMap, key: string, value: Value): Splice {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Scalar, unknown> | undefined;
  if (pair && isScalar(pair.value) && pair.value.range) {
    const [start, end] = pair.value.range;
    // `key:` with nothing after it: the empty value sits right after the colon.
    return start === end
      ? { at: start, remove: 0, insert: `${text[start - 1] === ':' ? ' ' : ''}${yamlValue(value)}` }
      : { at: start, remove: end - start, insert: yamlValue(value) };
  }
  if (pair) throw new Error(`the field ${key} holds a list or a map, not a value`);
  const last = map.items[map.items.length - 1]!;
  const firstKey = map.items[0]!.key as Scalar;
  const lastNode = (last.value ?? last.key) as Scalar;
  const keyStart = firstKey.range![0];
  const indent = keyStart - lineStart(text, keyStart);
  const end = lastNode.range![1];
  if (map.flow) {
    const close = text.indexOf('}', end);
    // After the last value, before any space ahead of the closing brace: `{ a: 1, key: v }`.
    return { at: end + text.slice(end, close).trimEnd().length, remove: 0, insert: `, ${key}: ${yamlValue(value)}` };
  }
  if (text[end - 1] === '\n')
    return { at: end, remove: 0, insert: `${' '.repeat(indent)}${key}: ${yamlValue(value)}\n` };
  const eol = text.indexOf('\n', end);
  return { at: eol < 0 ? text.length : eol, remove: 0, insert: `\n${' '.repeat(indent)}${key}: ${yamlValue(value)}` };
}

function taskMaps(doc: Document): Map<string, YAMLMap> {
  const out = new Map<string, YAMLMap>();
  const phases = doc.get('phases');
  if (!isSeq(phases)) throw new Error('the manifest has no phases list');
  for (const phase of phases.items) {
    const tasks = isMap(phase) ? phase.get('tasks') : undefined;
    if (!isSeq(tasks)) continue;
    for (const task of tasks.items) {
      const id = isMap(task) ? task.get('id') : undefined;
      if (isMap(task) && typeof id === 'string' && !out.has(id)) out.set(id, task);
    }
  }
  return out;
}

function expected(doc: Document, updates: readonly TaskUpdate[]): unknown {
  const js = doc.toJS() as { phases: Array<{ tasks?: Array<Record<string, unknown>> }> };
  for (const phase of js.phases) {
    for (const task of phase.tasks ?? []) {
      const u = updates.find((x) => x.taskId === task.id);
      if (u) for (const [k, v] of fieldEntries(u.fields)) task[k] = v;
    }
  }
  return js;
}

export function applyToYaml(text: string, updates: readonly TaskUpdate[]): AppliedText {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const tasks = taskMaps(doc);
  const splices: Splice[] = [];
  const applied: string[] = [];
  const missing: string[] = [];
  for (const u of updates) {
    const map = tasks.get(u.taskId);
    if (!map) {
      missing.push(u.taskId);
      continue;
    }
    applied.push(u.taskId);
    for (const [k, v] of fieldEntries(u.fields)) splices.push(setInBlockMap(text, map, k, v));
  }
  // From the end backwards, so earlier offsets stay valid; inserts at one point keep their order.
  const ordered = splices.map((s, i) => ({ s, i })).sort((a, b) => b.s.at - a.s.at || b.i - a.i);
  let out = text;
  for (const { s } of ordered) out = out.slice(0, s.at) + s.insert + out.slice(s.at + s.remove);
  // The edit must mean exactly the intended change; a layout it cannot handle falls back to a re-render.
  const check = parseDocument(out, { uniqueKeys: true });
  if (check.errors.length > 0 || JSON.stringify(check.toJS()) !== JSON.stringify(expected(doc, updates))) {
    for (const u of updates) for (const [k, v] of fieldEntries(u.fields)) tasks.get(u.taskId)?.set(k, v);
    return { text: doc.toString({ lineWidth: 0 }), applied, missing, how: 're-rendered' };
  }
  return { text: out, applied, missing, how: 'in-place' };
}

function jsonIndent(text: string): string | number {
  const m = /^[{[]\s*?\n([ \t]+)\S/.exec(text);
  return m?.[1] ?? 2;
}

export function applyToJson(text: string, updates: readonly TaskUpdate[]): AppliedText {
  const data = JSON.parse(text) as { phases?: Array<{ tasks?: Array<Record<string, unknown>> }> };
  if (!Array.isArray(data.phases)) throw new Error('the manifest has no phases list');
  const applied: string[] = [];
  const missing: string[] = [];
  for (const u of updates) {
    const task = data.phases.flatMap((p) => p.tasks ?? []).find((t) => t.id === u.taskId);
    if (!task) {
      missing.push(u.taskId);
      continue;
    }
    applied.push(u.taskId);
    for (const [k, v] of fieldEntries(u.fields)) task[k] = v; // an existing key keeps its place
  }
  return {
    text: `${JSON.stringify(data, null, jsonIndent(text))}${text.endsWith('\n') ? '\n' : ''}`,
    applied,
    missing,
    how: 'in-place',
  };
}
