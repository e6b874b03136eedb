import type { ScreenProfile } from './agent-profile.js';

/** Reading the geometry of a captured agent screen: lines, rules, the input box, the transcript. */

/* eslint-disable no-control-regex */
const CSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
const OSC = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
/* eslint-enable no-control-regex */

/** Split into lines; strip escapes and control characters, turn no-break spaces into spaces, trim ends. */
export function screenLines(screen: unknown): string[] {
  const text = typeof screen === 'string' ? screen : '';
  return text
    .replace(CSI, '')
    .replace(OSC, '')
    .split('\n')
    .map((l) =>
      l
        .replace(CONTROL, '')
        .replace(/\u00a0/g, ' ')
        .trimEnd(),
    );
}

/** A horizontal rule: at least 10 characters, all of them `ch`. */
export function isRule(line: string | undefined, ch: string): boolean {
  if (!line || ch === '' || line.length < 10) return false;
  for (const c of line) if (c !== ch) return false;
  return true;
}

/** The marker the line starts with at column 0, if any. */
export function leadingMarker(line: string, markers: readonly string[]): string | undefined {
  return markers.find((m) => line.startsWith(m));
}

const cache = new Map<string, RegExp | null>();
/** Compile a profile pattern once; an invalid pattern never matches instead of throwing. */
export function compile(source: string): RegExp | null {
  let re = cache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source, 'u');
    } catch {
      re = null;
    }
    if (cache.size > 500) cache.clear();
    cache.set(source, re);
  }
  return re;
}

export function matchesAny(text: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => compile(p)?.test(text) ?? false);
}

export interface InputBox {
  /** Index of the top rule (or of the prompt line when the profile draws no rules). */
  top: number;
  /** Index just past the box: the bottom rule, or the first line after a borderless box. */
  end: number;
  /** What sits in the input, '' when empty or showing a placeholder. */
  text: string;
}

function inputText(lines: readonly string[], first: number, end: number, marker: string, sp: ScreenProfile): string {
  const parts = [(lines[first] ?? '').slice(marker.length).trim()];
  for (let i = first + 1; i < end; i += 1) parts.push((lines[i] ?? '').trim());
  const text = parts.join('\n').trim();
  return matchesAny(text, sp.inputPlaceholders) ? '' : text;
}

/** Index of the rule right above the prompt line `i` (up to `inputBoxGap` other lines between), or -1. */
function ruleAbove(lines: readonly string[], i: number, sp: ScreenProfile): number {
  const gap = sp.inputBoxGap ?? 0;
  for (let j = i - 1; j >= Math.max(0, i - 1 - gap); j -= 1) {
    if (isRule(lines[j], sp.inputBorderChar)) return j;
    if (leadingMarker(lines[j] ?? '', sp.promptMarkers) !== undefined) return -1;
  }
  return -1;
}

/** The live input box: the bottom-most prompt line framed by rules (or, borderless, the last prompt line). */
export function findInputBox(lines: readonly string[], sp: ScreenProfile): InputBox | undefined {
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = lines[i] ?? '';
    const marker = leadingMarker(line, sp.promptMarkers);
    if (marker === undefined) continue;
    if (sp.inputBorderChar === '') {
      if (/^\s*\d{1,2}\.\s/.test(line.slice(marker.length))) continue;
      let end = i + 1;
      while (end < lines.length && /^\s+\S/.test(lines[end] ?? '')) end += 1;
      if (
        sp.inputMaxLinesBelow !== undefined &&
        nonBlank(lines, end, lines.length, sp.inputMaxLinesBelow + 1).length > sp.inputMaxLinesBelow
      )
        return undefined;
      return { top: i, end, text: inputText(lines, i, end, marker, sp) };
    }
    const rule = ruleAbove(lines, i, sp);
    if (rule < 0) continue;
    let end = i + 1;
    while (end < lines.length && !isRule(lines[end], sp.inputBorderChar)) end += 1;
    if (end >= lines.length) end = i + 1;
    return { top: rule, end, text: inputText(lines, i, end, marker, sp) };
  }
  return undefined;
}

/** Where a dialog drawn without a rule above it starts: the last line matching `dialogTops`, or -1. */
export function lastDialogTop(lines: readonly string[], sp: ScreenProfile): number {
  const tops = sp.dialogTops ?? [];
  if (tops.length === 0) return -1;
  for (let i = lines.length - 1; i >= 0; i -= 1) if (matchesAny(lines[i] ?? '', tops)) return i;
  return -1;
}

/** Index of the last rule line, or -1. */
export function lastRule(lines: readonly string[], sp: ScreenProfile): number {
  for (let i = lines.length - 1; i >= 0; i -= 1) if (isRule(lines[i], sp.inputBorderChar)) return i;
  return -1;
}

/** The last `count` non-blank lines at or after `from` and before `to`, trimmed at the start. */
export function nonBlank(lines: readonly string[], from: number, to: number, count: number): string[] {
  const out: string[] = [];
  for (let i = Math.min(to, lines.length) - 1; i >= from && out.length < count; i -= 1) {
    const l = (lines[i] ?? '').trim();
    if (l !== '') out.unshift(l);
  }
  return out;
}

const STEP = /^[A-Za-z0-9._-]{1,64}$/;

/** The marker an output line carries as its whole content, if any. */
export function markerOf(line: string, sp: ScreenProfile): { step: string } | { done: true } | undefined {
  let rest = line.trimStart();
  const bullet = [...sp.assistantMarkers, ...sp.outputPrefixes].find((m) => rest.startsWith(m));
  if (bullet !== undefined) rest = rest.slice(bullet.length).trimStart();
  const inner = sp.outputPrefixes.find((m) => rest.startsWith(m));
  if (inner !== undefined) rest = rest.slice(inner.length).trimStart();
  if (rest === sp.doneMarker) return { done: true };
  if (rest.startsWith(sp.checkpointPrefix)) {
    const step = rest.slice(sp.checkpointPrefix.length);
    if (STEP.test(step)) return { step };
  }
  return undefined;
}

export interface TranscriptMarkers {
  checkpoints: string[];
  doneCount: number;
  /** A done marker after the last echoed user prompt. */
  doneThisTurn: boolean;
}

/**
 * Markers printed by the agent in `lines[0..end)`. Column-0 lines open blocks: a prompt
 * marker opens the echoed user prompt (its indented continuation lines included), an
 * assistant marker opens agent output; only agent output counts.
 */
export function transcriptMarkers(lines: readonly string[], end: number, sp: ScreenProfile): TranscriptMarkers {
  const checkpoints = new Set<string>();
  let doneCount = 0;
  let doneThisTurn = false;
  let block: 'user' | 'agent' | 'other' = 'other';
  for (let i = 0; i < Math.min(end, lines.length); i += 1) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    if (!/^\s/.test(line)) {
      if (leadingMarker(line, sp.promptMarkers) !== undefined) {
        block = 'user';
        doneThisTurn = false;
      } else if (sp.assistantMarkers.length === 0 || leadingMarker(line, sp.assistantMarkers) !== undefined) {
        block = 'agent';
      } else {
        block = 'other';
      }
    }
    if (block !== 'agent') continue;
    const marker = markerOf(line, sp);
    if (!marker) continue;
    if ('done' in marker) {
      doneCount += 1;
      doneThisTurn = true;
    } else {
      checkpoints.add(marker.step);
    }
  }
  return { checkpoints: [...checkpoints], doneCount, doneThisTurn };
}
