import type { Checked } from './identifiers.js';

/**
 * Splits a command line into argv the way a user expects from a shell, WITHOUT a shell: words
 * separated by whitespace, '…' literal, "…" with \" \\ \$ \` escapes, a backslash outside quotes
 * escapes the next character. Anything a shell would interpret (pipes, lists, redirections,
 * substitutions, variables, subshells) is refused unquoted, with a hint to ask for a shell
 * explicitly (`sh -c '…'`). Globs are passed through literally.
 */
export function splitCommand(command: string): Checked<string[]> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const refuse = (what: string) => ({
    ok: false as const,
    error: `${what}; Drover runs the command without a shell, so quote it, or ask for a shell explicitly: sh -c '…' (e.g. --validate "sh -c 'npm test | tee test.log'")`,
  });
  while (i < command.length) {
    const ch = command[i]!;
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return { ok: false, error: `unterminated single quote at position ${i + 1}` };
      word += command.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= command.length) return { ok: false, error: `unterminated double quote at position ${i + 1}` };
        const c = command[j]!;
        if (c === '"') break;
        if (c === '\\' && j + 1 < command.length && '"\\$`'.includes(command[j + 1]!)) {
          word += command[j + 1];
          j += 2;
          continue;
        }
        if (c === '`' || (c === '$' && /[A-Za-z_{(0-9@*#?$!-]/.test(command[j + 1] ?? ''))) {
          return refuse(
            `"${c === '`' ? '`' : `$${command[j + 1]}`}" inside double quotes at position ${j + 1} would be expanded by a shell`,
          );
        }
        word += c;
        j += 1;
      }
      i = j + 1;
      continue;
    }
    if (ch === '\\') {
      if (i + 1 >= command.length) return { ok: false, error: 'the command ends with a lone backslash' };
      word += command[i + 1];
      i += 2;
      continue;
    }
    const operator = shellOperatorAt(command, i);
    if (operator) return refuse(`the command contains an unquoted shell operator '${operator}' at position ${i + 1}`);
    word += ch;
    i += 1;
  }
  if (inWord) words.push(word);
  if (words.length === 0) return { ok: false, error: 'the command is empty' };
  return { ok: true, value: words };
}

const OPERATORS = ['&&', '||', '$(', '${', '|', ';', '&', '>', '<', '`', '(', ')', '$'];

function shellOperatorAt(command: string, i: number): string | undefined {
  return OPERATORS.find((op) => command.startsWith(op, i));
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument so that splitCommand reads it back unchanged (for display and round trips). */
export function quoteArg(arg: string): string {
  if (SAFE_WORD.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one readable command line (splitCommand(joinCommand(argv)) equals argv). */
export function joinCommand(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}
