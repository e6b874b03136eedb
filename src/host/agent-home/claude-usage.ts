import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ZERO_USAGE, type Usage } from '../../domain/usage.js';

/**
 * The tokens claude recorded in its session transcripts under the task's HOME
 * (`~/.claude/projects/<cwd>/<session>.jsonl`, subagents' too): each model reply is an
 * `assistant` line with `message.id` and `message.usage`. A reply split over several lines, and
 * a transcript copied by `--resume`, repeat the same id: each id counts once (its last usage).
 * Files are read incrementally (only the bytes added since the last read).
 */

interface FileState {
  offset: number;
  /** An incomplete last line, kept for the next read. */
  rest: string;
}

interface HomeState {
  files: Map<string, FileState>;
  replies: Map<string, Usage>;
}

const homes = new Map<string, HomeState>();

async function jsonlFiles(dir: string, depth = 0): Promise<string[]> {
  if (depth > 4) return [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await jsonlFiles(full, depth + 1)));
    else if (e.isFile() && e.name.endsWith('.jsonl')) out.push(full);
  }
  return out;
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

/** One transcript line's reply usage, keyed by the reply's id; undefined for any other line. */
export function replyUsage(line: string): { id: string; usage: Usage } | undefined {
  if (!line.includes('"assistant"') || !line.includes('"usage"')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  const entry = parsed as { type?: unknown; message?: { id?: unknown; usage?: Record<string, unknown> } };
  const message = entry.message;
  if (entry.type !== 'assistant' || typeof message?.id !== 'string' || !message.usage) return undefined;
  const u = message.usage;
  return {
    id: message.id,
    usage: {
      inputTokens: count(u.input_tokens),
      outputTokens: count(u.output_tokens),
      cacheReadTokens: count(u.cache_read_input_tokens),
      cacheCreationTokens: count(u.cache_creation_input_tokens),
      replies: 1,
    },
  };
}

async function readNew(file: string, state: FileState, replies: Map<string, Usage>): Promise<void> {
  const size = (await stat(file)).size;
  if (size < state.offset) Object.assign(state, { offset: 0, rest: '' }); // rewritten
  if (size === state.offset) return;
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(size - state.offset);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, state.offset);
    state.offset += bytesRead;
    const lines = (state.rest + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
    state.rest = lines.pop() ?? '';
    for (const line of lines) {
      const reply = replyUsage(line);
      if (reply) replies.set(reply.id, reply.usage);
    }
  } finally {
    await handle.close();
  }
}

/** claude's usage so far in this HOME (zero when it has written nothing yet). */
export async function readClaudeUsage(home: string): Promise<Usage> {
  let state = homes.get(home);
  if (!state) homes.set(home, (state = { files: new Map(), replies: new Map() }));
  for (const file of await jsonlFiles(path.join(home, '.claude', 'projects'))) {
    let fileState = state.files.get(file);
    if (!fileState) state.files.set(file, (fileState = { offset: 0, rest: '' }));
    await readNew(file, fileState, state.replies).catch(() => undefined);
  }
  const total = { ...ZERO_USAGE };
  for (const u of state.replies.values()) {
    total.inputTokens += u.inputTokens;
    total.outputTokens += u.outputTokens;
    total.cacheReadTokens += u.cacheReadTokens;
    total.cacheCreationTokens += u.cacheCreationTokens;
    total.replies += 1;
  }
  return total;
}
