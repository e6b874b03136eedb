import { execa, type ResultPromise } from 'execa';
import type { PaneInfo, TmuxClient } from './tmux.js';

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
 * No process and no poll per agent.
 */
export class PaneWatcher {
  private client: ResultPromise | undefined;
  private buffer = '';
  private readonly subs = new Set<Subscription>();
  private timer: NodeJS.Timeout | undefined;
  private lastLiveness = 0;
  private panes = new Map<string, PaneInfo>();
  private sweeping = false;
  /** When the last completed liveness sweep started: only a sweep newer than a subscription may call its pane gone. */
  private sweptAt = 0;

  constructor(private readonly tmux: TmuxClient) {}

  subscribe(paneId: string, onTick: (tick: PaneTick) => void): () => void {
    const sub: Subscription = { paneId, since: Date.now(), dirty: true, lastOutputAt: Date.now(), onTick };
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
    if (!this.client) this.startClient();
  }

  private startClient(): void {
    const { socket, session, serverEnv } = this.tmux.options;
    const child = execa('tmux', ['-L', socket, '-C', 'attach-session', '-r', '-t', `=${session}`], {
      env: serverEnv,
      extendEnv: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'ignore',
      buffer: false,
      reject: false,
    });
    this.client = child;
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.onData(chunk));
    void child.finally(() => {
      if (this.client === child) this.client = undefined;
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl = this.buffer.indexOf('\n');
    while (nl >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.startsWith('%output %') || line.startsWith('%extended-output %')) {
        const paneId = line.split(' ', 2)[1];
        const now = Date.now();
        for (const sub of this.subs) {
          if (sub.paneId === paneId) {
            sub.dirty = true;
            sub.lastOutputAt = now;
          }
        }
      }
      nl = this.buffer.indexOf('\n');
    }
  }

  private tick(): void {
    const now = Date.now();
    if (!this.client && this.subs.size > 0) this.startClient();
    if (now - this.lastLiveness >= LIVENESS_MS && !this.sweeping) {
      this.lastLiveness = now;
      this.sweeping = true;
      const startedAt = now;
      void this.tmux
        .listPanes()
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
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.stdin?.end();
      client.kill('SIGTERM');
    }
  }
}
