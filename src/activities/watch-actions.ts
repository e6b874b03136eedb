import { getProfile } from '../domain/agent-profile.js';
import { dialogIdentity } from '../domain/dialog-identity.js';
import { decideDialog } from '../domain/dialog-policy.js';
import { classifyScreen } from '../domain/screen-classifier.js';
import type { WatchEvent, WatchInput } from '../domain/watch.js';
import { deliverTextNow, sendKeysNow } from './agent.js';
import type { ActivityDeps } from './deps.js';
import { holdsPane, keyOf, withPaneTurn } from '../host/tmux/pane-turns.js';

/**
 * The watch's own reactions (the workflow's `act` permission, domain/watch.ts): a dialog the
 * policy approves is answered and a decided nudge is sent right where the screen was read, so
 * the reaction does not wait for three Temporal task dispatches. Each action is reported in the
 * event the watch returns, and also kept in a journal on this host until the workflow has
 * recorded it: a watch cancelled by a signal while it acted (its result is then dropped) leaves
 * its action to the next watch of the same window, which reports it first.
 */

type ActedEvent = WatchEvent & { kind: 'dialog' | 'idle' | 'stalled' };

interface JournalEntry {
  seq: number;
  event: ActedEvent;
  at: number;
}

const JOURNAL_TTL_MS = 6 * 60 * 60 * 1000;
/** How long an answered dialog may stay on screen before the watch returns anyway. */
const ANSWER_CONFIRM_MS = 3000;
/**
 * A dialog with the text just answered on this pane is taken for the same dialog not yet redrawn
 * (a TUI starting up may draw it again for a moment) for this long; only then is it answered again.
 * A CI run saw claude's trust dialog answered twice 300 ms apart: the second Enter chose "No" on
 * the API-key dialog behind it and the agent stayed logged out.
 */
const REANSWER_AFTER_MS = 3000;
/** The identity (domain/dialog-identity.ts) of the dialog last answered on each pane, and when. */
const lastAnswers = new Map<string, { identity: string; at: number }>();
const journal = new Map<string, JournalEntry[]>();

function journalKey(deps: ActivityDeps, input: WatchInput): string {
  return `${deps.hostId}\u0000${input.windowName ?? input.paneId}`;
}

/** An action of an earlier watch that the workflow has not recorded yet (the oldest first); recorded ones are forgotten. */
export function unreportedAction(deps: ActivityDeps, input: WatchInput): WatchEvent | undefined {
  const key = journalKey(deps, input);
  const seen = input.act?.seq ?? Number.MAX_SAFE_INTEGER;
  const now = Date.now();
  const left = (journal.get(key) ?? []).filter((e) => e.seq > seen && now - e.at < JOURNAL_TTL_MS);
  if (left.length === 0) journal.delete(key);
  else journal.set(key, left);
  return left[0]?.event;
}

function record(deps: ActivityDeps, input: WatchInput, event: ActedEvent, seq: number): ActedEvent {
  const key = journalKey(deps, input);
  journal.set(key, [...(journal.get(key) ?? []), { seq, event, at: Date.now() }]);
  return event;
}

/** The last sequence number given out per window: two watches of one window (one cancelled, not told yet) never share one. */
const issued = new Map<string, number>();

function nextSeq(deps: ActivityDeps, input: WatchInput): number {
  const key = journalKey(deps, input);
  const entries = journal.get(key) ?? [];
  const seq = Math.max(input.act?.seq ?? 0, issued.get(key) ?? 0, ...entries.map((e) => e.seq)) + 1;
  issued.set(key, seq);
  return seq;
}

/** Whether the watch may act on this event itself (so the caller keeps the screen still meanwhile). */
export function canAct(input: WatchInput, event: WatchEvent, now = Date.now()): boolean {
  const act = input.act;
  if (!act) return false;
  if (event.kind === 'dialog')
    return act.dialogs !== undefined && decideDialog(event.dialog, act.dialogs).decision === 'approve';
  if (event.kind === 'idle' || event.kind === 'stalled') return act.nudge !== undefined && now >= act.nudge.notBefore;
  return false;
}

/** The pane's screen as the profile reads it now (undefined when it cannot be read). */
async function lookNow(deps: ActivityDeps, input: WatchInput) {
  const screen = await deps.watcher.capture(input.paneId, 2000).catch(() => undefined);
  return screen === undefined ? undefined : classifyScreen(getProfile(input.agent), screen, { paneDead: false });
}

/**
 * Whether the screen stopped showing this dialog, in two reads 200 ms apart, within
 * ANSWER_CONFIRM_MS. The same dialog with another option highlighted has not left (the Enter
 * after the arrow keys is not processed yet).
 */
async function dialogLeft(deps: ActivityDeps, input: WatchInput, identity: string): Promise<boolean> {
  const until = Date.now() + ANSWER_CONFIRM_MS;
  let goneSince: number | undefined;
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    const cls = await lookNow(deps, input);
    if (cls === undefined) return false;
    const gone = cls.state !== 'dialog' || !cls.dialog || dialogIdentity(cls.dialog) !== identity;
    if (!gone) goneSince = undefined;
    else if (goneSince === undefined) goneSince = Date.now();
    else if (Date.now() - goneSince >= 200) return true;
  }
  return false;
}

/** What the watch does after `actOn`: report this event, keep watching (the screen moved on), or stop (no longer its pane). */
export type ActOutcome = WatchEvent | 'moved-on' | 'superseded';

/**
 * Performs the permitted reaction to `event`, in the pane's turn and only while `claim` is the
 * pane's newest (pane-turns.ts), after reading the screen again: an action of the workflow or
 * of an earlier watch may have changed it since the event was seen. Returns the event with what
 * was done, or unchanged when the keys could not be sent (the workflow decides then).
 */
export async function actOn(
  deps: ActivityDeps,
  input: WatchInput,
  event: WatchEvent,
  claim: number,
): Promise<ActOutcome> {
  const act = input.act;
  if (!act || !canAct(input, event)) return event;
  const pane = { tmux: deps.tmux, paneId: input.paneId };
  return withPaneTurn(pane, async (): Promise<ActOutcome> => {
    if (!holdsPane(pane, claim)) return 'superseded';
    const now = await lookNow(deps, input);
    const seq = nextSeq(deps, input);
    if (event.kind === 'dialog' && act.dialogs) {
      const identity = dialogIdentity(event.dialog);
      if (now?.state !== 'dialog' || !now.dialog || dialogIdentity(now.dialog) !== identity) return 'moved-on';
      const paneKey = keyOf(pane);
      const last = lastAnswers.get(paneKey);
      if (last && last.identity === identity && Date.now() - last.at < REANSWER_AFTER_MS) return 'moved-on';
      const decision = decideDialog(event.dialog, act.dialogs);
      try {
        await sendKeysNow(deps, { paneId: input.paneId, keys: decision.keys });
      } catch {
        return event; // the pane died: the workflow sees the dialog event and the dead pane
      }
      // the TUI redraws a moment after the keys: return only once the dialog is gone, or the next
      // watch would see the same dialog still on screen and answer it again (its keys landing elsewhere)
      lastAnswers.set(paneKey, { identity, at: Date.now() });
      const confirmed = await dialogLeft(deps, input, identity);
      // the answer's time is when the dialog left: a redraw of it right after is not a new dialog
      lastAnswers.set(paneKey, { identity, at: Date.now() });
      return record(
        deps,
        input,
        {
          ...event,
          answered: {
            seq,
            keys: decision.keys,
            reason: decision.reason,
            ...(decision.rule !== undefined ? { rule: decision.rule } : {}),
            confirmed,
          },
        },
        seq,
      );
    }
    if ((event.kind === 'idle' || event.kind === 'stalled') && act.nudge) {
      if (
        now === undefined ||
        now.state === 'dialog' ||
        now.state === 'crashed' ||
        (event.kind === 'idle' && now.state !== 'idle')
      )
        return 'moved-on';
      const text = event.kind === 'idle' ? act.nudge.idleText : act.nudge.stalledText;
      let result: Awaited<ReturnType<typeof deliverTextNow>>;
      try {
        result = await deliverTextNow(deps, {
          paneId: input.paneId,
          agent: input.agent,
          text,
          bufferName: `drover-nudge-${input.paneId.replace(/\W/g, '')}`,
          windowName: input.windowName,
        });
      } catch (error) {
        // e.g. the pane vanished mid-delivery: reported as not delivered (never retried blindly), the next watch sees why
        result = {
          submitted: false,
          doneCount: 0,
          attempts: 0,
          detail: `the delivery failed: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      return record(deps, input, { ...event, nudged: { seq, text, ...result } }, seq);
    }
    return event;
  });
}
