import type { Client } from '@temporalio/client';
import { HOST_HEARTBEAT_SECONDS, type HostHeartbeat } from '../domain/hosts.js';
import { sendHostHeartbeat } from '../activities/placement.js';

export interface HeartbeatLoop {
  stop(): void;
}

/**
 * Tells the host registry every few seconds that this host is alive (docs/design.md §3). The first
 * heartbeat is awaited, so a worker that polls is already placeable; later failures (Temporal
 * restarting) are logged once per outage and retried at the next tick.
 */
export async function startHostHeartbeat(
  client: Client,
  sharedQueue: string,
  beat: HostHeartbeat,
  log: (line: string) => void,
  everySeconds = HOST_HEARTBEAT_SECONDS,
): Promise<HeartbeatLoop> {
  await sendHostHeartbeat(client, sharedQueue, beat);
  let failing = false;
  let inFlight = false;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = true;
    sendHostHeartbeat(client, sharedQueue, beat)
      .then(() => {
        if (failing) log(`host ${beat.hostId}: heartbeat to the host registry works again`);
        failing = false;
      })
      .catch((error: unknown) => {
        if (!failing)
          log(
            `host ${beat.hostId}: heartbeat to the host registry failed (${(error as Error).message}); retrying every ${everySeconds} s`,
          );
        failing = true;
      })
      .finally(() => {
        inFlight = false;
      });
  }, everySeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
