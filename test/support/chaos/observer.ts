/**
 * Watches a chaos run from outside Drover, twice a second: the tmux windows (how many share a
 * task's name at one moment, which window ids it had over time) and every commit any task branch
 * pointed at in any watched repository (the origin, the base clone), to check none is lost.
 */
import { execa } from 'execa';
import type { TmuxClient } from '../../../src/host/tmux/tmux-client.js';

export interface WatchedRefs {
  /** A git directory (bare or not). */
  dir: string;
  /** Branches under this prefix, e.g. `refs/heads/drover/`. */
  prefix: string;
}

export class ChaosObserver {
  /** Window name → the most windows with that name seen at one moment. */
  readonly maxWindows = new Map<string, number>();
  /** Window name → every window id it had (a relaunch after the tmux server died is a new id). */
  readonly windowIds = new Map<string, Set<string>>();
  /** Branch (without the prefix) → every commit it pointed at, in any watched repository. */
  readonly seenCommits = new Map<string, Set<string>>();
  samples = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly tmux: TmuxClient,
    private readonly refs: WatchedRefs[],
  ) {}

  start(everyMs = 500): void {
    this.timer = setInterval(() => void this.sample(), everyMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 50));
    await this.sample();
  }

  /** Live agent panes right now (none while the tmux server is down). */
  livePanes = 0;

  async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const panes = await this.tmux.listPanes().catch(() => []);
      this.livePanes = panes.filter((p) => !p.paneDead).length;
      const count = new Map<string, number>();
      for (const p of panes) {
        count.set(p.windowName, (count.get(p.windowName) ?? 0) + 1);
        const ids = this.windowIds.get(p.windowName) ?? new Set<string>();
        ids.add(p.windowId);
        this.windowIds.set(p.windowName, ids);
      }
      for (const [name, n] of count) this.maxWindows.set(name, Math.max(n, this.maxWindows.get(name) ?? 0));
      for (const { dir, prefix } of this.refs) {
        const out = await execa('git', ['-C', dir, 'for-each-ref', '--format=%(refname) %(objectname)', prefix], {
          reject: false,
        });
        if (out.exitCode !== 0) continue;
        for (const line of out.stdout.split('\n').filter(Boolean)) {
          const [ref, sha] = line.split(' ');
          const branch = ref!.slice(prefix.length);
          const seen = this.seenCommits.get(branch) ?? new Set<string>();
          seen.add(sha!);
          this.seenCommits.set(branch, seen);
        }
      }
      this.samples += 1;
    } finally {
      this.busy = false;
    }
  }
}
