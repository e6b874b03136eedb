import { TemporalUnreachableError } from './connection.js';

/**
 * Waiting out a Temporal server that is restarting. `drover report` runs inside an agent's shell,
 * once per step: a report lost to a restart is a task that never completes. A worker started
 * while the server is down (a restart, docker-compose bringing both up) should wait, not exit.
 * Both try again while the server is unreachable, up to a deadline; any other error is final.
 */

/** gRPC status codes that mean "not reachable now": UNAVAILABLE, DEADLINE_EXCEEDED. */
const TRANSIENT_GRPC_CODES = new Set([14, 4]);

export function isTransientConnectionError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    if (e instanceof TemporalUnreachableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number' && TRANSIENT_GRPC_CODES.has(code)) return true;
  }
  return false;
}

export interface RetryOptions {
  /** Give up after this long (ms) of unreachable server. */
  deadlineMs: number;
  /** Said once per failed try (to stderr by the CLI). */
  onRetry: (error: Error, waitMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

export async function retryWhileUnreachable<T>(attempt: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = Date.now();
  for (let wait = 500; ; wait = Math.min(wait * 2, 5000)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransientConnectionError(error) || Date.now() - started + wait > opts.deadlineMs) throw error;
      opts.onRetry(error as Error, wait);
      await sleep(wait);
    }
  }
}

/** A wait in seconds from the environment (e.g. DROVER_REPORT_WAIT_SECONDS), in ms; a bad value is refused by name. */
export function waitMsFromEnv(env: NodeJS.ProcessEnv, name: string, defaultSeconds: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return defaultSeconds * 1000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${name} must be a number of seconds ≥ 0, got ${JSON.stringify(raw)}`);
  return n * 1000;
}
