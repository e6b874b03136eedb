import { PANE_FORMAT, parsePaneLine, type PaneInfo, type TmuxClient } from './tmux-client.js';
import { ControlClientGone, type CommandChannel } from './command-channel.js';
import { ControlClient } from './control-client.js';

/** What the host watcher tells one subscriber on each tick. */
export interface PaneTick {
  /** Output arrived since the previous tick. */
  changed: boolean;
  /** Milliseconds since the last output seen for this pane (or since subscribing). */
  quietMs: number;
  /** Present when the pane is dead or gone (from the shared liveness sweep). */
  pane?: PaneInfo;
  gone: boolean;
}

interface Subscription {
  paneId: string;
  since: number;
  dirty: boolean;
  lastOutputAt: number;
  onTick: (tick: PaneTick) => void;
}

const TICK_MS = 100;
const LIVENESS_MS = 1000;

/**
 * One watcher per host for every agent pane: a single tmux control-mode client reports
 * `%output %<pane>` events for all windows of the session, and one shared timer turns them
 * into per-pane ticks. One `list-panes` per second checks every pane's liveness at once.
 * No process and no poll per agent: captures and the liveness sweep are commands written to
 * the same control-mode client (answered in `%begin … %end` blocks), not a `tmux` exec each —
 * forking the worker process costs ~10 ms of CPU per call, which at 100 agents was most of
 * the worker's time (docs/scale.md). A plain exec remains the fallback.
 */
export class PaneWatcher implements CommandChannel {
  private readonly control: ControlClient;
  private readonly subs = new Set<Subscription>();
  private timer: NodeJS.Timeout | undefined;
  private lastLiveness = 0;
  private panes = new Map<string, PaneInfo>();
  private sweeping = false;
  /** When the last completed liveness sweep started: only a sweep newer than a subscription may call its pane gone. */
  private sweptAt = 0;
  /** When each pane last printed, as this control-mode client saw it (any pane of the session, watched or not). */
  private readonly lastOutput = new Map<string, number>();

  constructor(private readonly tmux: TmuxClient) {
    this.control = new ControlClient(tmux.options, (paneId) => this.onOutput(paneId));
  }

  /** `quietCredit`: a pane quiet since before this subscription (as this client saw it) counts as quiet that long. */
  subscribe(paneId: string, onTick: (tick: PaneTick) => void, options: { quietCredit?: boolean } = {}): () => void {
    const now = Date.now();
    const lastOutputAt = options.quietCredit ? now - this.quietMs(paneId) : now;
    const sub: Subscription = { paneId, since: now, dirty: true, lastOutputAt, onTick };
    this.subs.add(sub);
    this.ensureRunning();
    return () => {
      this.subs.delete(sub);
      if (this.subs.size === 0) this.stop();
    };
  }

  private ensureRunning(): void {
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), TICK_MS);
      this.timer.unref();
    }
    if (!this.control.running) this.startClient();
    else this.control.start(); // keeps a client that was about to stop
  }

  private onOutput(paneId: string): void {
    const now = Date.now();
    this.lastOutput.set(paneId, now);
    for (const sub of this.subs) {
      if (sub.paneId === paneId) {
        sub.dirty = true;
        sub.lastOutputAt = now;
      }
    }
  }

  private startClient(): void {
    this.lastOutput.clear();
    this.control.start();
  }

  /** Runs a tmux command through the control-mode client; rejects when there is none or tmux reports an error. */
  command(args: string[]): Promise<string> {
    return this.tryCommand(args) ?? Promise.reject(new ControlClientGone('no control-mode client for this command'));
  }

  tryCommand(args: string[]): Promise<string> | undefined {
    return this.control.tryCommand(args);
  }

  /** Milliseconds since the pane last printed, as far as the running client knows (0 without a client). */
  quietMs(paneId: string): number {
    const since = this.control.since;
    if (since === undefined) return 0;
    return Date.now() - (this.lastOutput.get(paneId) ?? since);
  }

  /** The pane's screen (and `scrollback` lines above it), through the control client when it is up. */
  async capture(paneId: string, scrollback = 200): Promise<string> {
    if (this.control.running) {
      try {
        return await this.command(['capture-pane', '-p', '-J', '-t', paneId, '-S', `-${scrollback}`]);
      } catch {
        // fall through to a plain exec, which reports a real error (no such pane) in its own words
      }
    }
    return this.tmux.capture(paneId, scrollback);
  }

  private async listPanes(): Promise<PaneInfo[]> {
    if (this.control.running) {
      try {
        const out = await this.command(['list-panes', '-s', '-t', `=${this.tmux.options.session}`, '-F', PANE_FORMAT]);
        return out
          .split('\n')
          .map(parsePaneLine)
          .filter((p): p is PaneInfo => p !== undefined);
      } catch {
        // no client yet, or it just went away
      }
    }
    return this.tmux.listPanes();
  }

  private tick(): void {
    const now = Date.now();
    if (!this.control.running && this.subs.size > 0) this.startClient();
    if (now - this.lastLiveness >= LIVENESS_MS && !this.sweeping) {
      this.lastLiveness = now;
      this.sweeping = true;
      const startedAt = now;
      void this.listPanes()
        .then((panes) => {
          this.panes = new Map(panes.map((p) => [p.paneId, p]));
          this.sweptAt = startedAt;
        })
        .catch(() => {
          this.panes = new Map();
          this.sweptAt = startedAt;
        })
        .finally(() => {
          this.sweeping = false;
        });
    }
    for (const sub of [...this.subs]) {
      const fresh = this.sweptAt > sub.since;
      const pane = fresh ? this.panes.get(sub.paneId) : undefined;
      const gone = fresh && !pane;
      const changed = sub.dirty;
      sub.dirty = false;
      sub.onTick({ changed, quietMs: now - sub.lastOutputAt, pane, gone });
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.control.stop();
  }
}
