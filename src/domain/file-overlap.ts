/**
 * Do two tasks' `files` lists share a file? Entries are repository-relative paths or globs.
 *
 * Conventions (all conservative: when unsure, say "overlap", which only serializes two tasks):
 * - `./a`, `a//b`, `a/./b` and a leading `/` normalize away; `.`, `./` or `` mean the whole repository.
 * - Directories: an entry ending in `/` or `/**` covers everything beneath it. So does one whose
 *   last segment has no extension (`src`, `lib/*`, `.github`, `Makefile`): it may be a
 *   directory. One with an extension (`a.ts`, `src/*.md`) names files only, so a glob for
 *   every `.ts` file does not overlap `README.md`. Two plain paths overlap when one is a prefix of the other.
 * - Globs: `*` and `?` stay inside one path segment, `[abc]`, `[a-z]`, `[!x]`/`[^x]` are
 *   character classes, `**` as a whole segment spans any number of segments (`a**b` is `a*b`),
 *   `\` escapes the next character. Braces are not expanded. Matching is case-sensitive, like git.
 * - Glob vs glob: instead of comparing literal prefixes (which would call `src/*.ts` and
 *   `src/*.js` overlapping), the two patterns are intersected exactly: they overlap when some
 *   path is covered by both. Two character classes are compared by their ranges.
 * - `..` is not resolved (validation refuses it). Entries longer than MAX_FILE_ENTRY overlap everything.
 *
 * Cost: no regular expressions and no backtracking; a product automaton explored once per
 * state, so O(|a| × |b|) per pair of entries, bounded by the entry length cap. Never throws.
 */
import { MAX_FILE_ENTRY } from './manifest-schema.js';

interface CharSet {
  neg: boolean;
  ranges: Array<[number, number]>;
}
type Tok = { star: true } | { star: false; set: CharSet };
type Seg = { globstar: true } | { globstar: false; toks: Tok[] };
/** An entry: its segments, whether it may be a directory (covers what lies beneath), whether it has no wildcard; or 'all'. */
type Pattern = { segs: Seg[]; cover: boolean; literal: boolean } | 'all';

const ANY: CharSet = { neg: true, ranges: [] };
const lit = (c: number): Tok => ({ star: false, set: { neg: false, ranges: [[c, c]] } });

/** Normalized spelling of an entry: `./src//a/` → `src/a`, `./` → `.`. */
export function normalizeFileEntry(entry: string): string {
  const parts = String(entry)
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  return parts.length === 0 ? '.' : parts.join('/');
}

/** Parses `[...]` starting at chars[i] === '['; undefined when unterminated (then '[' is literal). */
function parseClass(chars: string[], start: number): { set: CharSet; next: number } | undefined {
  let i = start + 1;
  const neg = chars[i] === '!' || chars[i] === '^';
  if (neg) i++;
  const ranges: Array<[number, number]> = [];
  let first = true;
  while (i < chars.length) {
    let c = chars[i] as string;
    if (c === ']' && !first) return { set: { neg, ranges }, next: i + 1 };
    first = false;
    if (c === '\\' && i + 1 < chars.length) c = chars[++i] as string;
    const lo = c.codePointAt(0) ?? 0;
    if (chars[i + 1] === '-' && i + 2 < chars.length && chars[i + 2] !== ']') {
      let h = chars[i + 2] as string;
      i += 2;
      if (h === '\\' && i + 1 < chars.length) h = chars[++i] as string;
      ranges.push([lo, h.codePointAt(0) ?? 0]);
    } else {
      ranges.push([lo, lo]);
    }
    i++;
  }
  return undefined;
}

function parseSegment(seg: string): Seg {
  if (seg === '**') return { globstar: true };
  const chars = [...seg];
  const toks: Tok[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '*') {
      if (toks[toks.length - 1]?.star !== true) toks.push({ star: true });
    } else if (c === '?') {
      toks.push({ star: false, set: ANY });
    } else if (c === '[') {
      const cls = parseClass(chars, i);
      if (cls) {
        toks.push({ star: false, set: cls.set });
        i = cls.next - 1;
      } else toks.push(lit(0x5b));
    } else if (c === '\\' && i + 1 < chars.length) {
      toks.push(lit((chars[++i] as string).codePointAt(0) ?? 0));
    } else {
      toks.push(lit(c.codePointAt(0) ?? 0));
    }
  }
  return { globstar: false, toks };
}

function parsePattern(entry: string): Pattern {
  if (typeof entry !== 'string' || entry.length > MAX_FILE_ENTRY) return 'all';
  const parts = entry.split('/').filter((s) => s !== '' && s !== '.');
  const last = parts[parts.length - 1];
  if (last === undefined) return 'all';
  const segs: Seg[] = [];
  for (const part of parts) {
    const seg = parseSegment(part);
    if (!(seg.globstar && segs[segs.length - 1]?.globstar === true)) segs.push(seg);
  }
  const literal = segs.every(
    (s) =>
      !s.globstar &&
      s.toks.every(
        (t) => !t.star && !t.set.neg && t.set.ranges.length === 1 && t.set.ranges[0]?.[0] === t.set.ranges[0]?.[1],
      ),
  );
  return { segs, cover: entry.endsWith('/') || last === '**' || last.indexOf('.', 1) === -1, literal };
}

/** Whether an entry uses glob syntax (`*`, `?`, or a terminated `[...]`). */
export function isGlob(entry: string): boolean {
  const p = parsePattern(entry);
  return p !== 'all' && !p.literal;
}

const within = (c: number, set: CharSet): boolean => set.ranges.some(([lo, hi]) => c >= lo && c <= hi);

/** Is some character in both sets? ('/' never occurs inside a segment; the alphabet is otherwise unbounded.) */
function setsIntersect(a: CharSet, b: CharSet): boolean {
  if (a.neg && b.neg) return true;
  if (!a.neg && !b.neg) return a.ranges.some(([l1, h1]) => b.ranges.some(([l2, h2]) => l1 <= h2 && l2 <= h1));
  const [pos, neg] = a.neg ? [b, a] : [a, b];
  // A character of `pos` outside every range of `neg`: try each range start and each point just past a `neg` range.
  for (const [lo, hi] of pos.ranges) {
    const candidates = [lo, 0x30, ...neg.ranges.map(([, h]) => h + 1).filter((c) => c >= lo && c <= hi)];
    if (candidates.some((c) => c >= lo && c <= hi && c !== 0x2f && !within(c, neg))) return true;
  }
  return false;
}

/**
 * Reachability over the product of two sequences where `isStar(x)` elements absorb any number
 * of the other side's elements and plain elements advance together when `step` allows it.
 */
function intersect<T>(
  a: readonly T[],
  b: readonly T[],
  isStar: (x: T) => boolean,
  step: (x: T, y: T) => boolean,
): boolean {
  const n = a.length;
  const m = b.length;
  const seen = new Uint8Array((n + 1) * (m + 1));
  const stack: number[] = [0];
  seen[0] = 1;
  const push = (i: number, j: number): void => {
    const k = i * (m + 1) + j;
    if (seen[k] === 0) {
      seen[k] = 1;
      stack.push(k);
    }
  };
  while (stack.length > 0) {
    const k = stack.pop() as number;
    const i = Math.floor(k / (m + 1));
    const j = k % (m + 1);
    if (i === n && j === m) return true;
    const x = a[i];
    const y = b[j];
    if (x !== undefined && isStar(x)) {
      push(i + 1, j);
      if (y !== undefined) push(i, j + 1);
    }
    if (y !== undefined && isStar(y)) {
      push(i, j + 1);
      if (x !== undefined) push(i + 1, j);
    }
    if (x !== undefined && y !== undefined && !isStar(x) && !isStar(y) && step(x, y)) push(i + 1, j + 1);
  }
  return false;
}

function segmentsIntersect(a: Seg, b: Seg): boolean {
  if (a.globstar || b.globstar) return true;
  return intersect(
    a.toks,
    b.toks,
    (t) => t.star,
    (x, y) => !x.star && !y.star && setsIntersect(x.set, y.set),
  );
}

const GLOBSTAR: Seg = { globstar: true };
const covering = (p: Seg[], cover: boolean): Seg[] =>
  !cover || p[p.length - 1]?.globstar === true ? p : [...p, GLOBSTAR];

function patternsOverlap(a: Pattern, b: Pattern): boolean {
  if (a === 'all' || b === 'all') return true;
  // Two plain paths: one may be a directory holding the other, whatever their names look like.
  const both = a.literal && b.literal;
  return intersect(
    covering(a.segs, both || a.cover),
    covering(b.segs, both || b.cover),
    (s) => s.globstar,
    segmentsIntersect,
  );
}

/** Whether two single entries cover a common path. */
export function entriesOverlap(a: string, b: string): boolean {
  try {
    return patternsOverlap(parsePattern(a), parsePattern(b));
  } catch {
    return true;
  }
}

/**
 * Whether `entry` (a path or glob, and what lies beneath it when it may be a directory) covers the file `path`
 * (a repository-relative file path, taken literally).
 */
export function entryCovers(entry: string, path: string): boolean {
  try {
    const target = normalizeFileEntry(path)
      .split('/')
      .map((s): Seg => ({ globstar: false, toks: [...s].map((c) => lit(c.codePointAt(0) ?? 0)) }));
    return patternsOverlap(parsePattern(entry), { segs: target, cover: false, literal: false });
  } catch {
    return true;
  }
}

/** The first pair of entries (one from each list) that overlap, or undefined. */
export function firstOverlap(a: readonly string[], b: readonly string[]): [string, string] | undefined {
  if (!Array.isArray(a) || !Array.isArray(b)) return undefined;
  for (const x of a) {
    for (const y of b) {
      if (entriesOverlap(x, y)) return [x, y];
    }
  }
  return undefined;
}

/** Whether two `files` lists share a file (an empty list shares nothing). */
export function filesOverlap(a: string[], b: string[]): boolean {
  return firstOverlap(a, b) !== undefined;
}
