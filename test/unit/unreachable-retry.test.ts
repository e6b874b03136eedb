import { describe, expect, it } from 'vitest';
import { TemporalUnreachableError } from '../../src/temporal/connection.js';
import {
  isTransientConnectionError,
  retryWhileUnreachable,
  waitMsFromEnv,
} from '../../src/temporal/unreachable-retry.js';

const grpc = (code: number) => Object.assign(new Error(`grpc ${code}`), { code });

describe('waiting out an unreachable Temporal server', () => {
  it('tells an unreachable server (also as the cause of a CLI error) from every other failure', () => {
    expect(isTransientConnectionError(new TemporalUnreachableError('down'))).toBe(true);
    expect(
      isTransientConnectionError(
        new Error('No Temporal server answers', { cause: new TemporalUnreachableError('down') }),
      ),
    ).toBe(true);
    expect(isTransientConnectionError(grpc(14))).toBe(true); // UNAVAILABLE
    expect(isTransientConnectionError(grpc(4))).toBe(true); // DEADLINE_EXCEEDED
    expect(isTransientConnectionError(grpc(5))).toBe(false); // NOT_FOUND: the workflow is gone, waiting does not help
    expect(isTransientConnectionError(new Error('update rejected'))).toBe(false);
    expect(isTransientConnectionError('down')).toBe(false);
  });

  it('tries again with growing waits until the server answers', async () => {
    const waits: number[] = [];
    let tries = 0;
    const result = await retryWhileUnreachable(
      async () => {
        tries += 1;
        if (tries < 4) throw new TemporalUnreachableError('down');
        return 'delivered';
      },
      { deadlineMs: 60_000, onRetry: (_e, ms) => waits.push(ms), sleep: async () => undefined },
    );
    expect(result).toBe('delivered');
    expect(waits).toEqual([500, 1000, 2000]);
  });

  it('throws a final error at once, and the last unreachable error after the deadline', async () => {
    let tries = 0;
    const final = retryWhileUnreachable(
      async () => {
        tries += 1;
        throw new Error('the workflow refused the report');
      },
      { deadlineMs: 60_000, onRetry: () => undefined },
    );
    await expect(final).rejects.toThrow('refused the report');
    expect(tries).toBe(1);
    const started = Date.now();
    const late = retryWhileUnreachable(async () => Promise.reject(new TemporalUnreachableError('still down')), {
      deadlineMs: 1200,
      onRetry: () => undefined,
    });
    await expect(late).rejects.toThrow('still down');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reads its wait from the environment and refuses a bad value by name', () => {
    expect(waitMsFromEnv({}, 'DROVER_REPORT_WAIT_SECONDS', 120)).toBe(120_000);
    expect(waitMsFromEnv({ DROVER_REPORT_WAIT_SECONDS: '2.5' }, 'DROVER_REPORT_WAIT_SECONDS', 120)).toBe(2500);
    expect(() => waitMsFromEnv({ DROVER_REPORT_WAIT_SECONDS: 'soon' }, 'DROVER_REPORT_WAIT_SECONDS', 120)).toThrow(
      /DROVER_REPORT_WAIT_SECONDS must be a number/,
    );
    expect(() => waitMsFromEnv({ DROVER_CONNECT_WAIT_SECONDS: '-1' }, 'DROVER_CONNECT_WAIT_SECONDS', 300)).toThrow(
      /DROVER_CONNECT_WAIT_SECONDS/,
    );
  });
});
