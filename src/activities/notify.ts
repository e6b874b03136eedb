import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ActivityDeps } from './deps.js';

export interface Notification {
  taskId: string;
  level: 'info' | 'action-needed' | 'escalated' | 'done';
  message: string;
}

/** A line on the worker's stdout and in `.drover/notifications.log`; never throws into the workflow. */
export async function notify(deps: ActivityDeps, note: Notification): Promise<void> {
  const line = `[drover] ${new Date().toISOString()} ${note.level.toUpperCase()} ${note.taskId}: ${note.message}`;
  deps.notifyLine(line);
  try {
    await mkdir(deps.droverHome, { recursive: true });
    await appendFile(path.join(deps.droverHome, 'notifications.log'), line + '\n');
  } catch {
    // the stdout line was printed; a full disk must not fail the task
  }
}
