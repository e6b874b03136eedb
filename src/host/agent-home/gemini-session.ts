import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Whether gemini-cli (0.61.0) has a session with this id in `home`: it keeps each session in
 * `~/.gemini/tmp/<project>/chats/session-<time>-<first 8 chars of the id>.jsonl`, whose first
 * line is `{"sessionId": "<id>", …}`. `--session-id` refuses an id that exists, so Drover
 * must pass `--resume <id>` instead.
 */
export function geminiSessionExists(home: string, sessionId: string): boolean {
  const tmp = path.join(home, '.gemini', 'tmp');
  if (!existsSync(tmp)) return false;
  const short = sessionId.slice(0, 8);
  for (const project of readdirSync(tmp)) {
    const chats = path.join(tmp, project, 'chats');
    if (!existsSync(chats)) continue;
    for (const file of readdirSync(chats)) {
      if (!file.endsWith('.jsonl') || !file.includes(short)) continue;
      try {
        const first = readFileSync(path.join(chats, file), 'utf8').split('\n', 1)[0] ?? '';
        if (first.includes(`"${sessionId}"`)) return true;
      } catch {
        // unreadable: not a session we can resume
      }
    }
  }
  return false;
}
