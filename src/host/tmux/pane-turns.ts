import { withKeyLock } from '../keyed-mutex.js';

/**
 * Who may touch an agent's pane on this host, and one at a time. Keys and pastes to one pane
 * never interleave: the workflow's deliveries and key presses and the watch's own reactions
 * (watch-actions.ts) take the pane's turn. And only the newest watch of a pane may act: a
 * watch the workflow cancelled learns of it only at its next heartbeat (seconds later), and
 * meanwhile it must not answer a dialog or nudge the agent behind the workflow's back.
 */

const generations = new Map<string, number>();

/** A pane id is unique within one tmux server: the key names the server too (two hosts may share a process in tests). */
type PaneRef = { tmux: { options: { socket: string } }; paneId: string };
/** The pane's key on this host (its tmux server and pane id), for anything kept per pane. */
export const keyOf = (p: PaneRef) => `${p.tmux.options.socket}\u0000${p.paneId}`;

/** A new claim on the pane (a watch starting, or the workflow acting): earlier watches may no longer act. */
export function claimPane(pane: PaneRef): number {
  const next = (generations.get(keyOf(pane)) ?? 0) + 1;
  generations.set(keyOf(pane), next);
  return next;
}

/** Whether the claim is still the pane's newest. */
export function holdsPane(pane: PaneRef, claim: number): boolean {
  return generations.get(keyOf(pane)) === claim;
}

/** Runs `fn` while no other keys or pastes go to this pane from this host. */
export function withPaneTurn<T>(pane: PaneRef, fn: () => Promise<T>): Promise<T> {
  return withKeyLock(`pane\u0000${keyOf(pane)}`, fn);
}
