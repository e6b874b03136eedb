/**
 * Fault injection: queued failures that hit the next matching requests. A fault may match a
 * method and a path (prefix or RegExp), repeat `times`, carry headers (retry-after), and with
 * `afterApply` let the write happen before failing — to prove callers do not post twice.
 */

export interface FaultMatch {
  method?: string;
  /** A path prefix (`/repos/o/r/pulls`) or a RegExp tested against the path. */
  path?: string | RegExp;
}

export interface FaultOptions {
  times?: number;
  headers?: Record<string, string>;
  message?: string;
  match?: FaultMatch;
  /** Apply the request (the write happens), then answer with the error. */
  afterApply?: boolean;
}

export interface Fault {
  status: number;
  message: string;
  headers: Record<string, string>;
  match: FaultMatch;
  afterApply: boolean;
  remaining: number;
}

export type StormKind = '5xx' | 'secondary' | '429';

export const SECONDARY_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';

const DEFAULT_MESSAGES: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Server Error',
  503: 'Service Unavailable',
  403: SECONDARY_LIMIT_MESSAGE,
  429: SECONDARY_LIMIT_MESSAGE,
};

function matches(match: FaultMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? path.startsWith(match.path) : match.path.test(path);
}

export class Faults {
  private queue: Fault[] = [];

  add(status: number, opts: FaultOptions = {}): void {
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new Error(`a fault status must be 400-599, not ${status}`);
    this.queue.push({
      status,
      message: opts.message ?? DEFAULT_MESSAGES[status] ?? `emulated ${status}`,
      headers: opts.headers ?? {},
      match: opts.match ?? {},
      afterApply: opts.afterApply ?? false,
      remaining: Math.max(1, opts.times ?? 1),
    });
  }

  /** Presets: a burst of 502/503/500, a 403 secondary limit with retry-after 1, or a 429 with retry-after 1. */
  storm(kind: StormKind, n: number, match: FaultMatch = {}): void {
    for (let i = 0; i < n; i++) {
      if (kind === '5xx') this.add([502, 503, 500][i % 3] ?? 502, { match });
      else this.add(kind === 'secondary' ? 403 : 429, { match, headers: { 'retry-after': '1' } });
    }
  }

  /** The fault for this request, if one matches (consuming one of its `times`). */
  take(method: string, path: string): Fault | undefined {
    const index = this.queue.findIndex((f) => matches(f.match, method, path));
    const fault = this.queue[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.queue.splice(index, 1);
    return fault;
  }

  pending(): number {
    return this.queue.reduce((sum, f) => sum + f.remaining, 0);
  }

  clear(): void {
    this.queue = [];
  }
}
