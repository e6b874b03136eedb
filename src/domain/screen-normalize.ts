import type { ScreenProfile } from './agent-profile.js';

/**
 * Profile-driven clean-up of screen lines before they are read, for CLIs whose drawing differs
 * from claude's: box frames (`boxFrames`) and an indented prompt (`promptIndent`). A profile
 * without these options gets its lines back unchanged.
 */

const BOX_EDGE = /^[╭╰]─*[╮╯]?$/u;
const MAX_DEPTH = 3;

/** One line without its box side borders (nested boxes too); a box's top or bottom edge becomes ''. */
export function unframeLine(line: string): string {
  let text = line;
  for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
    const trimmed = text.trim();
    if (BOX_EDGE.test(trimmed)) return '';
    if (!trimmed.startsWith('│')) break;
    let inner = trimmed.slice(1);
    if (inner.endsWith('│')) inner = inner.slice(0, -1);
    text = inner.startsWith(' ') ? inner.slice(1).trimEnd() : inner.trimEnd();
  }
  return text;
}

/** Strips `promptIndent` spaces in front of a prompt marker (` > text` → `> text`). */
function unindentPrompt(line: string, sp: ScreenProfile): string {
  const indent = sp.promptIndent ?? 0;
  if (indent === 0) return line;
  const pad = ' '.repeat(indent);
  if (!line.startsWith(pad)) return line;
  const rest = line.slice(indent);
  const marker = sp.promptMarkers.find((m) => rest === m || rest.startsWith(`${m} `));
  return marker === undefined ? line : rest;
}

export function normalizeLines(lines: readonly string[], sp: ScreenProfile): string[] {
  if (sp.boxFrames !== true && (sp.promptIndent ?? 0) === 0) return [...lines];
  return lines.map((line) => unindentPrompt(sp.boxFrames === true ? unframeLine(line) : line, sp));
}
