import { existsSync } from 'node:fs';
import { CancelledFailure, Context } from '@temporalio/activity';
import { classifyScreen, type ScreenClassification } from '../domain/screen-classifier.js';
import { getProfile } from '../domain/agent-profile.js';
import { maskSecrets } from '../host/secret-values.js';
import type { WatchEvent, WatchInput } from '../domain/watch.js';
import type { ActivityDeps } from './deps.js';
import type { PaneTick } from '../host/tmux/pane-watcher.js';
import { actOn, canAct, unreportedAction } from './watch-actions.js';
import { claimPane } from '../host/tmux/pane-turns.js';
import { UsageWatch } from './watch-usage.js';

const CAPTURE_MIN_INTERVAL_MS = 100;
const SAFETY_CAPTURE_MS = 10_000;
const TAIL_LINES = 15;
const WORKTREE_CHECK_MS = 1000;

/** The last screen lines, with anything shaped like a key or token masked: they go into history. */
function tailOf(screen: string): string[] {
  const lines = screen.split('\n').map((l) => maskSecrets(l).trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-TAIL_LINES);
}

/**
 * Waits until the agent needs a decision and says which one. Driven by the host's pane
 * watcher: the screen is captured only when output arrived or went quiet. Heartbeats carry
 * the live state; cancellation (a signal reached the workflow) ends the wait at once.
 */
export async function watchAgent(deps: ActivityDeps, input: WatchInput): Promise<WatchEvent> {
  const ctx = Context.current();
  const profile = getProfile(input.agent);
  // an action of a watch whose result was dropped (cancelled by a signal meanwhile) is reported first
  const unreported = unreportedAction(deps, input);
  if (unreported) return unreported;
  // from now on an older watch of this pane (cancelled, not told yet) may no longer act
  const claim = claimPane({ tmux: deps.tmux, paneId: input.paneId });
  if (input.windowName !== undefined) {
    // before any capture: after a tmux server restart the pane id may be another agent's
    const pane = await deps.tmux.paneInfo(input.paneId);
    if (!pane) return { kind: 'crashed', reason: 'the agent window is gone', tail: [] };
    if (pane.windowName !== input.windowName)
      return {
        kind: 'crashed',
        reason: `pane ${input.paneId} now belongs to window ${pane.windowName} (the tmux server was restarted)`,
        tail: [],
      };
  }
  const started = Date.now();
  let doneBaseline = input.doneBaseline;
  let lastCaptureAt = 0;
  /** The last screen's tail for heartbeats, computed once per new screen. */
  let heartbeatTail: string[] | undefined;
  /** When the last completed capture was asked for: output after it means the screen may have changed. */
  let lastCaptureStartedAt = 0;
  let lastScreen: string | undefined;
  let lastChangeAt = Date.now() - (input.quietCredit ? deps.watcher.quietMs(input.paneId) : 0);
  let capturedSinceQuiet = false;
  let busy = false;
  let lastCls: ScreenClassification | undefined;
  let lastHeartbeat = 0;
  let lastWorktreeCheck = 0;
  /** The pane as the host watcher's last liveness sweep saw it (no extra tmux call per capture). */
  let lastPane: PaneTick['pane'];
  const usage = new UsageWatch(deps.droverHome, input);

  return new Promise<WatchEvent>((resolve, reject) => {
    let settled = false;
    const finish = (event: WatchEvent | Error) => {
      if (settled) return;
      settled = true;
      unsubscribe();
      if (event instanceof Error) reject(event);
      else resolve(usage.latest && !event.usage ? { ...event, usage: usage.latest } : event);
    };

    const evaluate = (cls: ScreenClassification, screen: string, quietMs: number): WatchEvent | undefined => {
      // the tail (split and redacted) only for an event: a quiet agent is judged ten times a second
      const tail = (): string[] => tailOf(screen);
      if (cls.state === 'crashed') return { kind: 'crashed', reason: 'the agent process exited', tail: tail() };
      if (cls.state === 'dialog' && cls.dialog && cls.dialog.text !== input.pendingDialogText) {
        return { kind: 'dialog', dialog: cls.dialog, tail: tail() };
      }
      const fresh = cls.checkpoints.filter((c) => !input.knownCheckpoints.includes(c));
      if (fresh.length > 0) return { kind: 'checkpoints', steps: fresh, tail: tail() };
      if (cls.doneCount < doneBaseline) doneBaseline = cls.doneCount;
      if (cls.doneCount > doneBaseline) return { kind: 'done', doneCount: cls.doneCount, tail: tail() };
      const quietSeconds = quietMs / 1000;
      if (cls.state === 'idle' && quietSeconds >= input.idleSeconds)
        return { kind: 'idle', quietSeconds, tail: tail() };
      if (cls.state === 'typed' && quietSeconds >= Math.max(3, input.idleSeconds))
        return { kind: 'typed', tail: tail() };
      if (cls.state !== 'dialog' && quietSeconds >= input.stallSeconds)
        return { kind: 'stalled', quietSeconds, tail: tail() };
      return undefined;
    };

    /** The event, after the reaction the workflow permitted (watch-actions.ts); the watch's own captures pause meanwhile (busy). */
    const report = async (event: WatchEvent): Promise<void> => {
      // an older watch's action that landed while this one watched goes first (the workflow records
      // actions in sequence order, and one recorded after a newer one would count as already seen);
      // this event is still on screen, or kept in the journal, for the next watch
      if (!canAct(input, event)) return finish(unreportedAction(deps, input) ?? event);
      const outcome = await actOn(deps, input, event, claim);
      // its workflow has moved on (it cancelled this watch; the cancellation reaches here at the next
      // heartbeat): end without acting, as a plain refresh, which asks nothing of a workflow still waiting
      if (outcome === 'superseded')
        return finish({
          kind: 'refresh',
          state: 'superseded: a newer watch or the workflow acts on this pane now',
          tail: [],
        });
      if (outcome === 'moved-on') {
        lastCaptureAt = 0; // the screen changed while waiting for the pane's turn: read it again
        lastCaptureStartedAt = 0;
        return;
      }
      finish(unreportedAction(deps, input) ?? outcome);
    };

    const inspect = async (tick: PaneTick) => {
      busy = true;
      try {
        const askedAt = Date.now();
        const screen = await deps.watcher.capture(input.paneId, 2000);
        lastCaptureAt = Date.now();
        lastCaptureStartedAt = askedAt;
        if (screen !== lastScreen) {
          heartbeatTail = undefined;
          // the first capture is a change only without quiet credit (with it, the watcher's output clock says)
          if (lastScreen !== undefined || !input.quietCredit) lastChangeAt = Date.now();
          lastScreen = screen;
        }
        // A dead or vanished pane is reported by onTick from the same sweep; here only its command matters.
        const cls = classifyScreen(profile, screen, { paneDead: false, paneCommand: lastPane?.currentCommand });
        lastCls = cls;
        const quietMs = Math.min(tick.quietMs, Date.now() - lastChangeAt);
        const event = evaluate(cls, screen, quietMs);
        if (event) await report(event);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      } finally {
        busy = false;
      }
    };

    const onTick = (tick: PaneTick) => {
      if (settled) return;
      const now = Date.now();
      if (now - lastHeartbeat >= 1000) {
        lastHeartbeat = now;
        heartbeatTail ??= tailOf(lastScreen ?? '').slice(-5);
        ctx.heartbeat({ state: lastCls?.state ?? 'unknown', tail: heartbeatTail });
      }
      if (ctx.cancellationSignal.aborted) {
        finish(new CancelledFailure('watch cancelled: the workflow has something to do'));
        return;
      }
      if (tick.pane) lastPane = tick.pane;
      if (tick.gone || tick.pane?.paneDead) {
        finish({
          kind: 'crashed',
          reason: tick.gone ? 'the agent window is gone' : 'the agent process exited',
          tail: tailOf(lastScreen ?? ''),
        });
        return;
      }
      if (input.windowName !== undefined && tick.pane && tick.pane.windowName !== input.windowName) {
        finish({
          kind: 'crashed',
          reason: `pane ${input.paneId} now belongs to window ${tick.pane.windowName} (the tmux server was restarted)`,
          tail: tailOf(lastScreen ?? ''),
        });
        return;
      }
      if (input.worktree !== undefined && now - lastWorktreeCheck >= WORKTREE_CHECK_MS) {
        lastWorktreeCheck = now;
        if (!existsSync(input.worktree)) {
          finish({
            kind: 'crashed',
            reason: `the worktree ${input.worktree} is missing`,
            tail: tailOf(lastScreen ?? ''),
          });
          return;
        }
      }
      usage.tick(now, (reason) => finish({ kind: 'over-budget', reason, tail: tailOf(lastScreen ?? '') }));
      if (now - started >= input.maxWaitSeconds * 1000) {
        finish({ kind: 'refresh', state: lastCls?.state ?? 'unknown', tail: tailOf(lastScreen ?? '') });
        return;
      }
      if (busy) return;
      // nothing printed since the last capture: the same screen, only older; judge it again without a capture
      // (an agent at its prompt is seen idle on the tick it crosses idleSeconds, not up to a second later)
      if (
        !tick.changed &&
        lastCls &&
        lastScreen !== undefined &&
        lastCaptureStartedAt > 0 &&
        tick.quietMs > now - lastCaptureStartedAt
      ) {
        const event = evaluate(lastCls, lastScreen, Math.min(tick.quietMs, now - lastChangeAt));
        if (event) {
          busy = true;
          report(event)
            .catch((error: unknown) => finish(error instanceof Error ? error : new Error(String(error))))
            .finally(() => (busy = false));
          return;
        }
      }
      const quiet = !tick.changed;
      if (tick.changed) capturedSinceQuiet = false;
      const due =
        (tick.changed && now - lastCaptureAt >= CAPTURE_MIN_INTERVAL_MS) ||
        (quiet && !capturedSinceQuiet && tick.quietMs >= 300) ||
        (quiet &&
          lastCls?.state === 'idle' &&
          tick.quietMs >= input.idleSeconds * 1000 &&
          now - lastCaptureAt >= 1000) ||
        now - lastCaptureAt >= SAFETY_CAPTURE_MS;
      if (!due) return;
      if (quiet) capturedSinceQuiet = true;
      void inspect(tick);
    };

    const unsubscribe = deps.watcher.subscribe(input.paneId, onTick, { quietCredit: input.quietCredit });
    ctx.cancellationSignal.addEventListener('abort', () =>
      finish(new CancelledFailure('watch cancelled: the workflow has something to do')),
    );
  });
}
