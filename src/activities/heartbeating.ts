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
