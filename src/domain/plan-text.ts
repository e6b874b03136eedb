/**
 * What an issue body says, for `drover plan`: the files it names and the issues it waits for.
 * Pure and hostile-input safe: every scan is a single left-to-right pass (no regex that can
 * backtrack more than a bounded amount), bodies are capped, nothing throws.
 */

/** Longer bodies are read up to this many characters (GitHub caps bodies at 65,536). */
export const MAX_BODY_CHARS = 100_000;
/** Longer path tokens are not file names. */
const MAX_PATH_CHARS = 300;

/** Extensions that make a bare name without '/' (e.g. `kill_switch.js`) a file. */
const KNOWN_EXTENSIONS = new Set([
  'ts',
  'tsx',
  'mts',
  'cts',
  'js',
  'jsx',
  'mjs',
  'cjs',
  'json',
  'jsonc',
  'json5',
  'md',
  'mdx',
  'rst',
  'txt',
  'adoc',
  'yml',
  'yaml',
  'toml',
  'ini',
  'cfg',
  'conf',
  'env',
  'lock',
  'xml',
  'csv',
  'tsv',
  'sql',
  'graphql',
  'gql',
  'proto',
  'py',
  'pyi',
  'ipynb',
  'rb',
  'go',
  'mod',
  'rs',
  'java',
  'kt',
  'kts',
  'scala',
  'groovy',
  'gradle',
  'swift',
  'm',
  'mm',
  'c',
  'h',
  'cc',
  'cpp',
  'cxx',
  'hpp',
  'hh',
  'cs',
  'fs',
  'vb',
  'php',
  'pl',
  'pm',
  'lua',
  'r',
  'jl',
  'ex',
  'exs',
  'erl',
  'hs',
  'ml',
  'clj',
  'dart',
  'zig',
  'nim',
  'sh',
  'bash',
  'zsh',
  'fish',
  'ps1',
  'bat',
  'cmd',
  'mk',
  'cmake',
  'dockerfile',
  'html',
  'htm',
  'css',
  'scss',
  'sass',
  'less',
  'vue',
  'svelte',
  'astro',
  'hbs',
  'ejs',
  'pug',
  'tf',
  'tfvars',
  'hcl',
  'svg',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'ico',
  'webp',
  'pdf',
  'tex',
  'bib',
  'patch',
  'diff',
  'snap',
  'lockb',
]);

/** Product names that look like files in prose ("Node.js"). */
const PRODUCT_NAMES =
  /^(?:Node|Vue|Next|Nuxt|Express|React|Three|D3|Ember|Chart|Moment|Backbone|Angular|Socket\.io|Deno)\.js$/;

/** Characters a path token is made of; anything else ends it. ':' '\' '~' are included so URLs, Windows and home paths arrive whole and are refused. */
const TOKEN_CHAR = /[A-Za-z0-9._\-/@+:\\~]/;
const SEGMENT = /^[A-Za-z0-9._@+-]+$/;
const EXTENSION = /^[A-Za-z0-9]{1,10}$/;
const LINE_SUFFIX = /:\d{1,9}(?::\d{1,9})?$/;

/** Drops trailing sentence punctuation (`.` `,` `:` `;`). */
function trimEnd(t: string): string {
  let end = t.length;
  while (end > 0 && '.,:;'.includes(t[end - 1] ?? '')) end--;
  return t.slice(0, end);
}

/** The body without fenced code blocks (``` or ~~~) and HTML comments: code and templates are not the issue's own words. */
export function proseOf(body: string): string {
  const text = body.length > MAX_BODY_CHARS ? body.slice(0, MAX_BODY_CHARS) : body;
  let noComments = '';
  let at = 0;
  for (;;) {
    const open = text.indexOf('<!--', at);
    if (open < 0) break;
    noComments += text.slice(at, open);
    const close = text.indexOf('-->', open + 4);
    at = close < 0 ? text.length : close + 3;
  }
  noComments += text.slice(at);
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of noComments.split('\n')) {
    const trimmed = line.trimStart();
    const marker = trimmed.startsWith('```') ? '```' : trimmed.startsWith('~~~') ? '~~~' : undefined;
    if (fence === undefined && marker !== undefined) fence = marker;
    else if (fence !== undefined && marker === fence) fence = undefined;
    else if (fence === undefined) kept.push(line);
  }
  return kept.join('\n');
}

/**
 * A token as a repository-relative file path, or undefined. After dropping a leading `./` and
 * trailing sentence punctuation or `:LINE[:COL]`, it must be made of letters, digits and
 * `. _ - @ +` segments joined by `/`, with no `..` or empty segment, no `node_modules`, not
 * absolute, not `~`, not a URL; its last segment must be `name.ext` (ext 1-10 letters/digits,
 * at least one letter); and either it contains `/` (its first segment not a host name like
 * `github.com`) or ext is a known source/config extension (so `e.g.` and `example.com` are not
 * files). `directory` (backticked spans only) also accepts `src/cli/`.
 */
export function asRepoPath(token: string, directory = false): string | undefined {
  let t = token;
  if (t.length > MAX_PATH_CHARS || t.includes('://') || t.includes('\\')) return undefined;
  while (t.startsWith('./')) t = t.slice(2);
  t = trimEnd(trimEnd(t).replace(LINE_SUFFIX, ''));
  if (t === '' || t.startsWith('/') || t.startsWith('~') || t.includes(':')) return undefined;
  const isDirectory = directory && t.endsWith('/') && t.indexOf('/') < t.length - 1;
  const segments = (isDirectory ? t.slice(0, -1) : t).split('/');
  if (segments.some((s) => s === '.' || s === '..' || s === 'node_modules' || !SEGMENT.test(s))) return undefined;
  const first = segments[0] ?? '';
  if (segments.length > 1 && first.includes('.') && !first.startsWith('.')) return undefined;
  if (isDirectory) return t;
  const last = segments[segments.length - 1] ?? '';
  const dot = last.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const ext = last.slice(dot + 1);
  if (!EXTENSION.test(ext) || !/[A-Za-z]/.test(ext)) return undefined;
  if (segments.length === 1 && (!KNOWN_EXTENSIONS.has(ext.toLowerCase()) || PRODUCT_NAMES.test(t))) return undefined;
  return t;
}

/** Files named in the body, in order of first mention, without duplicates. A token followed by `(` is a call (`res.json()`), not a file. */
export function filesIn(body: string): string[] {
  const text = proseOf(body);
  const found: Array<{ at: number; path: string }> = [];
  // Backticked spans that are exactly one directory (`src/cli/`); file paths are found below either way.
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') open = -1;
    else if (text[i] === '`') {
      if (open < 0) open = i;
      else {
        const span = text.slice(open + 1, i).trim();
        const path = span.endsWith('/') ? asRepoPath(span, true) : undefined;
        if (path !== undefined) found.push({ at: open, path });
        open = -1;
      }
    }
  }
  // Every maximal run of path characters.
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch !== undefined && TOKEN_CHAR.test(ch)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && ch !== '(') {
      const path = asRepoPath(text.slice(start, i));
      if (path !== undefined) found.push({ at: start, path });
    }
    start = -1;
  }
  return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.path))];
}

const DEPENDENCY_PHRASE = /\b(?:depends[ \t]+on|after|blocked[ \t]+by)\b/gi;
const LIST_WORDS = ['and', 'or'];

/**
 * Issue numbers the body waits for: "depends on #N", "after #N", "blocked by #N"
 * (any case), also lists: "blocked by #2, #3 and #4", "depends on: #5 & #6".
 */
export function dependenciesIn(body: string): number[] {
  const text = proseOf(body);
  const found: number[] = [];
  for (const match of text.matchAll(DEPENDENCY_PHRASE)) {
    let i = match.index + match[0].length;
    const skipSpace = (): void => {
      while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    };
    skipSpace();
    if (text[i] === ':') i++;
    skipSpace();
    for (const word of ['issues', 'issue']) {
      if (text.slice(i, i + word.length).toLowerCase() === word) {
        i += word.length;
        break;
      }
    }
    for (;;) {
      skipSpace();
      if (text[i] !== '#') break;
      let j = i + 1;
      while (j < text.length && j - i <= 10 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      const digits = text.slice(i + 1, j);
      if (digits === '' || j - i > 10 || /[A-Za-z0-9_]/.test(text[j] ?? '')) break;
      const n = Number(digits);
      if (n > 0) found.push(n);
      i = j;
      skipSpace();
      if (text[i] === ',' || text[i] === '&') i++;
      skipSpace();
      const word = LIST_WORDS.find(
        (w) => text.slice(i, i + w.length).toLowerCase() === w && !/[A-Za-z0-9_]/.test(text[i + w.length] ?? ''),
      );
      if (word !== undefined) i += word.length;
    }
  }
  return found;
}
