/**
 * A deliberately small reader for POSIX shell command lines, for the dialog policy. It accepts
 * only what it can read with certainty — words, quotes, escapes, redirects, and the operators
 * `&&` `||` `;` `|` and newlines — and refuses everything that could run hidden code
 * (`$…`, backticks, subshells, groups, heredocs, process substitution, background `&`).
 */

export interface Redirect {
  fd: number;
  op: '>' | '>>' | '<' | '>&' | '<&';
  target: string;
}

export interface SimpleCommand {
  /** Leading `NAME=value` words. */
  assignments: string[];
  argv: string[];
  redirects: Redirect[];
  /** An unquoted `*`, `?` or `[` appeared in some word (it may expand to other paths). */
  glob: boolean;
}

export type ParsedCommand = { ok: true; commands: SimpleCommand[] } | { ok: false; reason: string };

export const MAX_COMMAND_LENGTH = 20_000;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

class Refusal extends Error {}

class Reader {
  private readonly commands: SimpleCommand[] = [];
  private cmd: SimpleCommand = { assignments: [], argv: [], redirects: [], glob: false };
  private word = '';
  private inWord = false;
  private quoted = false;
  private pending: { fd: number; op: Redirect['op'] } | undefined;
  /** The last operator needs a command after it (`&&`, `||`, `|`). */
  private dangling = false;

  constructor(private readonly text: string) {}

  read(): SimpleCommand[] {
    const t = this.text;
    for (let i = 0; i < t.length; i += 1) {
      const c = t[i] ?? '';
      const next = t[i + 1] ?? '';
      if (c === ' ' || c === '\t' || c === '\r') this.endWord();
      else if (c === '\n' && this.dangling && this.isBlank()) continue;
      else if (c === '\n' || c === ';') this.endCommand(false);
      else if (c === '&') {
        if (next === '&') {
          this.endCommand(true);
          i += 1;
        } else if (next === '>') throw new Refusal('`&>` redirects are not supported');
        else throw new Refusal('`&` runs a command in the background');
      } else if (c === '|') {
        if (next === '&') throw new Refusal('`|&` is not supported');
        this.endCommand(true);
        if (next === '|') i += 1;
      } else if (c === "'") {
        const close = t.indexOf("'", i + 1);
        if (close < 0) throw new Refusal('unterminated single quote');
        this.add(t.slice(i + 1, close), true);
        i = close;
      } else if (c === '"') i = this.doubleQuoted(i);
      else if (c === '\\') {
        if (next === '') throw new Refusal('a trailing backslash');
        if (next !== '\n') this.add(next, true);
        i += 1;
      } else if (c === '$' || c === '`')
        throw new Refusal('it expands variables or runs a command substitution (`$` or a backtick)');
      else if ('(){}'.includes(c)) throw new Refusal(`it uses \`${c}\` (a subshell, group or brace expansion)`);
      else if (c === '#' && !this.inWord) {
        const nl = t.indexOf('\n', i);
        i = (nl < 0 ? t.length : nl) - 1;
      } else if (c === '<' || c === '>') i = this.redirect(i);
      else {
        if ('*?['.includes(c)) this.cmd.glob = true;
        this.add(c, false);
      }
    }
    this.endCommand(false);
    if (this.dangling) throw new Refusal('it ends with an operator');
    return this.commands;
  }

  private isBlank(): boolean {
    const c = this.cmd;
    return !this.inWord && c.argv.length === 0 && c.assignments.length === 0 && c.redirects.length === 0;
  }

  private add(s: string, quoted: boolean): void {
    this.word += s;
    this.inWord = true;
    this.quoted ||= quoted;
  }

  private doubleQuoted(start: number): number {
    const t = this.text;
    let s = '';
    for (let i = start + 1; i < t.length; i += 1) {
      const c = t[i] ?? '';
      if (c === '"') {
        this.add(s, true);
        return i;
      }
      if (c === '$' || c === '`')
        throw new Refusal('it expands variables or runs a command substitution inside double quotes');
      if (c === '\\' && '\\"$`\n'.includes(t[i + 1] ?? 'x')) {
        if (t[i + 1] !== '\n') s += t[i + 1];
        i += 1;
      } else s += c;
    }
    throw new Refusal('unterminated double quote');
  }

  private redirect(i: number): number {
    const t = this.text;
    let fd = t[i] === '<' ? 0 : 1;
    if (this.inWord && !this.quoted && /^\d{1,2}$/.test(this.word)) {
      fd = Number(this.word);
      this.word = '';
      this.inWord = false;
    } else this.endWord();
    if (this.pending) throw new Refusal('a redirect without a target');
    const two = t.slice(i, i + 2);
    if (two === '<<' || two === '<>' || two === '<(' || two === '>(')
      throw new Refusal(`\`${two}\` (heredoc or process substitution) is not supported`);
    let op: Redirect['op'] = t[i] === '<' ? '<' : '>';
    let end = i;
    if (two === '>>') op = '>>';
    else if (two === '>&') op = '>&';
    else if (two === '<&') op = '<&';
    else if (two === '>|') op = '>';
    if (two === '>>' || two === '>&' || two === '<&' || two === '>|') end = i + 1;
    this.pending = { fd, op };
    return end;
  }

  private endWord(): void {
    if (!this.inWord) return;
    const w = this.word;
    if (this.pending) {
      this.cmd.redirects.push({ ...this.pending, target: w });
      this.pending = undefined;
    } else if (this.cmd.argv.length === 0 && !this.quoted && ASSIGNMENT.test(w)) {
      this.cmd.assignments.push(w);
    } else {
      this.cmd.argv.push(w);
    }
    this.word = '';
    this.inWord = false;
    this.quoted = false;
  }

  private endCommand(needsNext: boolean): void {
    this.endWord();
    if (this.pending) throw new Refusal('a redirect without a target');
    if (this.isBlank()) {
      if (needsNext || this.dangling) throw new Refusal('an operator without a command on one side');
    } else {
      this.commands.push(this.cmd);
      this.cmd = { assignments: [], argv: [], redirects: [], glob: false };
    }
    this.dangling = needsNext;
  }
}

/** Splits a command line into simple commands, or says why it will not. Never throws. */
export function parseCommand(text: string): ParsedCommand {
  if (typeof text !== 'string') return { ok: false, reason: 'no command text' };
  if (text.length > MAX_COMMAND_LENGTH)
    return { ok: false, reason: `the command is ${text.length} characters long; too long to review` };
  try {
    const commands = new Reader(text).read();
    if (commands.length === 0) return { ok: false, reason: 'the command is empty' };
    return { ok: true, commands };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.message };
    return { ok: false, reason: 'the command could not be read' };
  }
}
