import { credentialIn, locate } from './path-rules.js';

/**
 * The denylist: patterns that are never auto-approved, found by a deliberately loose scan.
 * Quotes, backslashes and operators only split words here, so a pattern is found wherever
 * it appears — inside quotes, after `;`, in `$(…)` — at the price of some false alarms.
 */

const SEPARATORS = new Set([';', '&', '|', '\n', '(', ')', '`', '{', '}']);
const BREAKS = new Set([' ', '\t', '\r', '"', "'"]);
const REDIRECT = '>';

/** Words per segment; `>` / `<` become the token '>' so redirect targets stay visible. */
function looseSegments(text: string): string[][] {
  const segments: string[][] = [];
  let seg: string[] = [];
  let word = '';
  const endWord = () => {
    if (word !== '') seg.push(word);
    word = '';
  };
  for (const c of text) {
    if (SEPARATORS.has(c)) {
      endWord();
      if (seg.length > 0) segments.push(seg);
      seg = [];
    } else if (BREAKS.has(c)) endWord();
    else if (c === '>' || c === '<') {
      endWord();
      seg.push(REDIRECT);
    } else if (c !== '\\') word += c;
  }
  endWord();
  if (seg.length > 0) segments.push(seg);
  return segments;
}

const nameOf = (word: string): string => (word.split('/').pop() ?? '').toLowerCase();

const PRIVILEGE = new Set(['sudo', 'su', 'doas', 'pkexec', 'runuser']);
const DISK_TOOLS = new Set(['dd', 'fdisk', 'sfdisk', 'parted', 'wipefs', 'shred', 'losetup', 'mount', 'umount']);
const HOST_KILLERS = new Set(['pkill', 'killall', 'shutdown', 'reboot', 'halt', 'poweroff']);
const FETCHERS = new Set(['curl', 'wget']);
const RUNNERS = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'fish',
  'source',
  'eval',
  'python',
  'python3',
  'perl',
  'ruby',
  'node',
  'exec',
]);
const SAFE_DEVICES = new Set(['/dev/null', '/dev/stdout', '/dev/stderr']);

function isForcePushFlag(t: string): boolean {
  if (t.startsWith('--')) {
    if (t.startsWith('--force') || t === '--mirror' || t === '--delete' || t === '--prune') return true;
    return t.length >= 4 && '--force'.startsWith(t);
  }
  if (t.startsWith('-') && /^[A-Za-z]+$/.test(t.slice(1)) && /[fd]/.test(t)) return true;
  return t.length > 1 && (t.startsWith('+') || t.startsWith(':'));
}

function rmDangers(words: string[], at: number, worktree: string): string[] {
  const out: string[] = [];
  let options = true;
  for (let i = at + 1; i < words.length; i += 1) {
    const t = words[i] ?? '';
    if (nameOf(t) === 'rm') break;
    if (t === REDIRECT) {
      i += 1;
      continue;
    }
    if (options && t === '--') {
      options = false;
      continue;
    }
    if (options && t.startsWith('-') && t.length > 1) continue;
    const where = locate(t, worktree);
    if (!where.inside) out.push(`rm of ${t}: ${where.why}`);
    else if (where.relative === '' || where.relative === '*' || where.relative === '.*')
      out.push(`rm of ${t} would delete the whole worktree`);
  }
  return out;
}

function segmentDangers(words: string[], worktree: string): string[] {
  const out: string[] = [];
  const names = words.map(nameOf);
  names.forEach((name, i) => {
    if (name === 'rm') out.push(...rmDangers(words, i, worktree));
    if (PRIVILEGE.has(name)) out.push(`${name} runs a command with other privileges`);
    if (DISK_TOOLS.has(name) || name.startsWith('mkfs')) out.push(`${name} writes disks or devices directly`);
    if (HOST_KILLERS.has(name)) out.push(`${name} can stop other processes or the host`);
    if (name === 'tmux') out.push('tmux can drive other agents\u2019 windows');
    if (name === 'temporal') out.push('the temporal CLI can signal or terminate workflows');
    if (name === 'drover' && i === 0 && words[i + 1] !== 'report' && words[i + 1] !== 'send')
      out.push(`drover ${words[i + 1] ?? ''} — an agent may only run \`drover report\` and \`drover send\``.trim());
  });
  const git = names.indexOf('git');
  if (git >= 0) {
    const push = names.indexOf('push', git + 1);
    if (push >= 0) {
      const flag = words.slice(push + 1).find(isForcePushFlag);
      if (flag !== undefined) out.push(`git push ${flag} rewrites or deletes remote history`);
    }
    const reset = names.indexOf('reset', git + 1);
    if (reset >= 0 && words.includes('--hard')) {
      const ref = words
        .slice(reset + 1)
        .find(
          (w) => !w.startsWith('-') && (w.includes('/') || w.includes('@{') || /^(?:FETCH_HEAD|ORIG_HEAD)$/.test(w)),
        );
      if (ref !== undefined) out.push(`git reset --hard ${ref} throws away local work for a remote ref`);
    }
  }
  const chmod = names.indexOf('chmod');
  if (chmod >= 0) {
    const mode = words
      .slice(chmod + 1)
      .find((w) => w.includes('777') || /^[ugoa]*[+=][rwxX]*s/.test(w) || /^(?:a|o)?\+[rwx]*w/.test(w));
    if (mode !== undefined) out.push(`chmod ${mode} makes files world-writable or setuid`);
  }
  words.forEach((w, i) => {
    const lower = w.toLowerCase();
    if (lower === '/etc' || lower.startsWith('/etc/')) out.push(`${w} is system configuration (/etc)`);
    if (words[i - 1] === REDIRECT && lower.startsWith('/dev/') && !SAFE_DEVICES.has(lower))
      out.push(`writes the device ${w}`);
    const cred = w === REDIRECT ? undefined : credentialIn(w);
    if (cred !== undefined) out.push(`${w} is a credential file (${cred})`);
  });
  return out;
}

const CREDENTIAL_TEXT = ['.ssh', '.aws', '.netrc', '.git-credentials', 'id_rsa', 'id_ed25519', 'id_ecdsa', '.gnupg'];

/** Every denylisted pattern in the text, as reasons a user can read; [] when none. Never throws. */
export function findDangers(text: string, worktree: string): string[] {
  if (typeof text !== 'string' || text === '') return [];
  const segments = looseSegments(text);
  const reasons = segments.flatMap((s) => segmentDangers(s, worktree));
  const names = new Set(segments.flat().map(nameOf));
  if ([...FETCHERS].some((f) => names.has(f)) && [...RUNNERS].some((r) => names.has(r))) {
    reasons.push('downloads code and runs it (curl/wget with a shell or interpreter)');
  }
  const lower = text.toLowerCase();
  for (const needle of CREDENTIAL_TEXT) {
    if (lower.includes(needle) && !reasons.some((r) => r.includes(needle)))
      reasons.push(`mentions ${needle} (credentials)`);
  }
  return [...new Set(reasons)];
}
