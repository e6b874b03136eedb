/**
 * Text shown to a human, every character visible and on one line: what an agent asks to run is
 * shown whole, so a human never approves what they were not shown (issue 21).
 *
 * `visible` escapes a backslash as `\\`, newline, carriage return and tab as `\n`, `\r`, `\t`, and
 * every other character a reader cannot see or that moves the cursor as `\u` + 4 hex digits
 * (`\u{…}` above U+FFFF): control characters (C0, DEL, C1), format characters (zero-width,
 * bidi overrides, soft hyphen, BOM, tags), line and paragraph separators, every space but the
 * plain one, default-ignorable characters (fillers, variation selectors), private-use,
 * unassigned code points and lone surrogates. Everything else is kept as it is. The mapping is
 * one to one (`unescapeVisible` reverses it), so two different commands never look the same.
 */

const NAMED: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One code point (or lone surrogate) that is escaped. */
const HIDDEN = /[\\\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800]|(?! )\p{Zs}/gu;

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` on one line with every character visible (see above). */
export function visible(text: string): string {
  return text.replace(HIDDEN, escapeOne);
}

/** The text `visible` was given (for tests and tools that need the exact command back). */
export function unescapeVisible(shown: string): string {
  return shown.replace(/\\(?:u\{([0-9a-f]+)\}|u([0-9a-f]{4})|([\\nrt]))/g, (_, astral, bmp, named) => {
    if (named !== undefined) return ({ '\\': '\\', n: '\n', r: '\r', t: '\t' } as Record<string, string>)[named]!;
    return String.fromCodePoint(parseInt(astral ?? bmp, 16));
  });
}

/** What a dialog asks, as a human is shown it: the whole command (or file), escaped, and the policy's reason. */
export interface DialogAsk {
  kind: string;
  command?: string;
  file?: string;
  /** Why the policy did not answer it (or how it did). */
  reason?: string;
}

/** `permission \`git status\ntouch /x\`: not on the safe allowlist: …` on one line. */
export function describeDialog(ask: DialogAsk): string {
  const what =
    ask.command !== undefined ? ` \`${visible(ask.command)}\`` : ask.file !== undefined ? ` ${visible(ask.file)}` : '';
  return `${visible(ask.kind)}${what}${ask.reason !== undefined ? `: ${visible(ask.reason)}` : ''}`;
}
