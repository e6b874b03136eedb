import { withKeyLock } from './keyed-mutex.js';

/**
 * Who may touch an agent's pane on this host, and one at a time. Keys and pastes to one pane
 * never interleave: the workflow's deliveries and key presses and the watch's own reactions
 * (watch-actions.ts) take the pane's turn. And only the newest watch of a pane may act: a
 * watch the workflow cancelled learns of it only at its next heartbeat (seconds later), and
 * meanwhile it must not answer a dialog or nudge the agent behind the workflow's back.
 */

const generations = new Map<string, number>();

/** A new claim on the pane (a watch starting, or the workflow acting): earlier watches may no longer act. */
export function claimPane(paneId: string): number {
  const next = (generations.get(paneId) ?? 0) + 1;
  generations.set(paneId, next);
  return next;
}

/** Whether the claim is still the pane's newest. */
export function holdsPane(paneId: string, claim: number): boolean {
  return generations.get(paneId) === claim;
}

/** Runs `fn` while no other keys or pastes go to this pane from this host. */
export function withPaneTurn<T>(paneId: string, fn: () => Promise<T>): Promise<T> {
  return withKeyLock(`pane\u0000${paneId}`, fn);
}
