import { Context } from '@temporalio/activity';

const BEAT_MS = 2000;

/**
 * Runs a host activity while heartbeating every 2 s, so a worker that dies in the middle of it
 * (SIGKILL, lost host) is noticed by the heartbeat timeout (seconds) instead of the
 * start-to-close timeout (minutes), and the retry runs on the restarted worker at once.
 */
export function heartbeating<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    let ctx: Context | undefined;
    try {
      ctx = Context.current();
    } catch {
      ctx = undefined; // called outside an activity (a unit test): nothing to heartbeat
    }
    const timer = ctx ? setInterval(() => ctx.heartbeat(), BEAT_MS) : undefined;
    try {
      return await fn(...args);
    } finally {
      if (timer) clearInterval(timer);
    }
  };
}

/** Every activity of a group, heartbeating (the same keys and types). */
export function heartbeatingAll<T extends Record<string, (...args: never[]) => Promise<unknown>>>(group: T): T {
  return Object.fromEntries(
    Object.entries(group).map(([name, fn]) => [name, heartbeating(fn as (...args: unknown[]) => Promise<unknown>)]),
  ) as unknown as T;
}
