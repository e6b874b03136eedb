import type { DialogKind, ScreenProfile } from './agent-profile.js';
import { redactTokens } from './identifiers.js';
import { compile } from './screen-layout.js';
import type { Dialog, DialogOption } from './screen-classifier.js';

/** Reading a dialog (kind, options, command or file) from the lines below the last rule. */

const OPTION = /^(\d{1,2})\.\s+(\S.*)$/;
/**
 * Claude prints the tool's description under a Bash command. Only plain prose (a capital,
 * then words, spaces and , . : ' -) counts as one; anything else stays part of the command.
 */
const PROSE = /^[A-Z][A-Za-z0-9]*(?:[ ,.:'-]+[A-Za-z0-9]+)*\.?$/;
const MAX_TEXT = 4000;

function parseOption(line: string, sp: ScreenProfile): DialogOption | undefined {
  let rest = line.trim();
  const marker = sp.optionSelectedMarkers.find((m) => rest.startsWith(m));
  if (marker !== undefined) rest = rest.slice(marker.length).trimStart();
  const m = OPTION.exec(rest);
  if (!m) return undefined;
  return { index: Number(m[1]), label: (m[2] ?? '').trim(), selected: marker !== undefined };
}

/** The last run of options numbered 1, 2, 3…; description lines in between are skipped. */
export function parseOptions(region: readonly string[], sp: ScreenProfile): DialogOption[] {
  let current: DialogOption[] = [];
  let last: DialogOption[] = [];
  for (const line of region) {
    const opt = parseOption(line, sp);
    if (!opt) continue;
    if (opt.index === 1) {
      current = [opt];
      last = current;
    } else if (opt.index === current.length + 1) {
      current.push(opt);
    }
  }
  return last;
}

function detectKind(text: string, sp: ScreenProfile): DialogKind | undefined {
  return sp.dialogs.find((d) => d.anyOf.some((needle) => text.includes(needle)))?.kind;
}

/** The paragraph after the line equal to `header`: the command, and a description if the last line is prose. */
function bashCommand(
  region: readonly string[],
  header: string,
  prefix: boolean,
): { command: string; description?: string } | undefined {
  const at = region.findIndex((l) => (prefix ? l.trim().startsWith(header.trim() + ' ') : l.trim() === header));
  if (at < 0) return undefined;
  let i = at + 1;
  while (i < region.length && (region[i] ?? '').trim() === '') i += 1;
  const paragraph: string[] = [];
  for (; i < region.length && (region[i] ?? '').trim() !== ''; i += 1) paragraph.push((region[i] ?? '').trim());
  if (paragraph.length === 0) return undefined;
  if (prefix) return { command: paragraph.join('\n') };
  const tail = paragraph[paragraph.length - 1] ?? '';
  if (paragraph.length >= 2 && PROSE.test(tail)) {
    return { command: paragraph.slice(0, -1).join('\n'), description: tail };
  }
  return { command: paragraph.join('\n') };
}

function questionTarget(region: readonly string[], question: string): string | undefined {
  for (const line of region) {
    const at = line.indexOf(question);
    if (at < 0) continue;
    const rest = line.slice(at + question.length).trim();
    return rest.endsWith('?') ? rest.slice(0, -1).trim() : rest;
  }
  return undefined;
}

/**
 * Codex: `$ <command>` after the header (continuation lines up to a blank line or the
 * options), and `Reason: <text>` as the description.
 */
function prefixedCommand(
  region: readonly string[],
  header: string,
  prefix: string,
  reasonPrefix: string | undefined,
  sp: ScreenProfile,
): { command: string; description?: string } | undefined {
  const at = region.findIndex((l) => l.trim() === header);
  if (at < 0) return undefined;
  let description: string | undefined;
  for (let i = at + 1; i < region.length; i += 1) {
    const line = (region[i] ?? '').trim();
    if (reasonPrefix !== undefined && description === undefined && line.startsWith(reasonPrefix))
      description = line.slice(reasonPrefix.length).trim();
    if (!line.startsWith(prefix)) continue;
    const parts = [line.slice(prefix.length)];
    for (let j = i + 1; j < region.length; j += 1) {
      const next = (region[j] ?? '').trim();
      if (next === '' || parseOption(region[j] ?? '', sp)) break;
      parts.push(next);
    }
    return { command: parts.join('\n'), ...(description !== undefined && description !== '' ? { description } : {}) };
  }
  return undefined;
}

/** The file named by a `permission.fileHeaders` line (gemini: `? WriteFile  Writing to a.txt`). */
function fileHeader(region: readonly string[], sp: ScreenProfile): Partial<Dialog> | undefined {
  for (const header of sp.permission.fileHeaders ?? []) {
    const re = compile(header.pattern);
    if (re === null) continue;
    for (const line of region) {
      const file = re.exec(line.trim())?.[1]?.trim();
      if (file !== undefined && file !== '') return { tool: header.tool, file };
    }
  }
  return undefined;
}

function permissionDetails(region: readonly string[], sp: ScreenProfile): Partial<Dialog> {
  const { commandPrefix, reasonPrefix } = sp.permission;
  const bash =
    commandPrefix !== undefined
      ? prefixedCommand(region, sp.permission.bashHeader, commandPrefix, reasonPrefix, sp)
      : bashCommand(region, sp.permission.bashHeader, sp.permission.bashHeaderMatch === 'prefix');
  if (bash) return { tool: 'bash', ...bash };
  const headed = fileHeader(region, sp);
  if (headed) return headed;
  const edited = questionTarget(region, sp.permission.editQuestion);
  if (edited) return { tool: 'edit', file: edited };
  const created = questionTarget(region, sp.permission.createQuestion);
  if (created) return { tool: 'write', file: created };
  const overwritten = sp.permission.overwriteQuestion
    ? questionTarget(region, sp.permission.overwriteQuestion)
    : undefined;
  if (overwritten) return { tool: 'write', file: overwritten };
  return { tool: 'other' };
}

/**
 * A dialog in `rawRegion`, or undefined. Values shaped like API keys or tokens are masked. A known kind is recognised by its wording; an unknown
 * dialog needs at least two numbered options with one selected, or a dialog footer.
 */
export function parseDialog(rawRegion: readonly string[], sp: ScreenProfile): Dialog | undefined {
  const region = rawRegion.map((l) => redactTokens(l));
  const kept = region.map((l) => l.trim()).filter((l) => l !== '');
  if (kept.length === 0) return undefined;
  const text = kept.join('\n').slice(0, MAX_TEXT);
  const options = parseOptions(region, sp);
  const kind = detectKind(text, sp);
  if (kind === undefined) {
    const selected = options.some((o) => o.selected);
    const footer = sp.dialogFooters.some((f) => text.includes(f));
    if (options.length < 2 || !(selected || footer)) return undefined;
    return { kind: 'unknown', options, text };
  }
  const dialog: Dialog = { kind, options, text };
  if (kind === 'permission') Object.assign(dialog, permissionDetails(region, sp));
  if (kind === 'trust-folder') {
    const folder = kept.find((l) => l.startsWith('/'));
    if (folder !== undefined) dialog.folder = folder;
  }
  return dialog;
}
