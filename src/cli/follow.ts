import type { Client } from '@temporalio/client';
import type { TaskResult, TaskState } from '../domain/task.js';
import { stateQuery } from '../workflows/task-messages.js';

/** Prints a line for every decision of the task until it finishes; returns its result. */
export async function followTask(
  client: Client,
  workflowId: string,
  print: (line: string) => void,
): Promise<TaskResult> {
  const handle = client.workflow.getHandle(workflowId);
  const result = handle.result() as Promise<TaskResult>;
  let finished = false;
  void result.then(
    () => (finished = true),
    () => (finished = true),
  );
  let lastAt = '';
  const started = Date.now();
  while (!finished) {
    try {
      const s: TaskState = await handle.query(stateQuery);
      const fresh = s.events.filter((e) => e.at > lastAt);
      for (const e of fresh) print(`  +${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s  ${e.what}`);
      if (fresh.length > 0) lastAt = fresh[fresh.length - 1]!.at;
    } catch {
      // the worker may be restarting; the workflow keeps going
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
  }
  return result;
}
