/** The chaos suite's faults, each on something this run started itself (by pid or by its own tmux socket). */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { projectRoot } from '../../../src/config/config.js';
import { ensureDevServer } from '../../../src/dev/dev-server.js';
import { findTemporalCli } from '../../../src/dev/temporal-cli.js';
import { freePort, type Rig } from '../harness.js';

export interface FaultRecord {
  at: string;
  /** Seconds since the run started. */
  t: number;
  fault: string;
  detail: string;
}

export class FaultLog {
  readonly entries: FaultRecord[] = [];
  private readonly started = Date.now();
  constructor(private readonly print: (line: string) => void = () => undefined) {}
  add(fault: string, detail: string): void {
    const t = Math.round((Date.now() - this.started) / 100) / 10;
    this.entries.push({ at: new Date().toISOString(), t, fault, detail });
    this.print(`  [${t.toFixed(1).padStart(6)} s] ${fault}: ${detail}`);
  }
  count(fault: string): number {
    return this.entries.filter((e) => e.fault === fault).length;
  }
}

/** The rig's worker as a separate process; a SIGKILL is followed by a new worker at once. */
export class KillableWorker {
  private child: ResultPromise;
  /** Exits this suite did not cause (e.g. a worker that gave up while Temporal was down). */
  unexpectedExits = 0;
  private killing = false;

  constructor(
    private readonly rig: Rig,
    private readonly env: Record<string, string>,
  ) {
    this.child = this.spawn();
  }

  private spawn(): ResultPromise {
    const child = this.rig.spawnWorker(this.env);
    void child.then(() => {
      if (this.killing || child !== this.child) return;
      this.unexpectedExits += 1;
      this.child = this.spawn();
    });
    return child;
  }

  async sigkill(): Promise<number | undefined> {
    const pid = this.child.pid;
    this.killing = true;
    this.child.kill('SIGKILL');
    await this.child;
    this.killing = false;
    this.child = this.spawn();
    return pid;
  }

  async stop(): Promise<void> {
    this.killing = true;
    this.child.kill('SIGKILL');
    await this.child;
  }
}

/** SIGKILLs the rig's Temporal dev server, waits `downMs`, starts it again on the same SQLite file and port. */
export async function restartTemporal(rig: Rig, downMs: number): Promise<{ killedPid?: number; newPid?: number }> {
  const old = rig.server;
  const killedPid = old.pid;
  if (killedPid !== undefined) process.kill(killedPid, 'SIGKILL');
  await old.stop();
  await new Promise((r) => setTimeout(r, downMs));
  const port = Number(old.address.split(':').pop());
  const cli = await findTemporalCli({ projectRoot: projectRoot(), install: false, log: () => undefined });
  rig.server = await ensureDevServer({
    cli,
    dbFile: path.join(rig.tmp, 'temporal.sqlite'),
    port,
    uiPort: await freePort(),
    namespace: 'default',
    log: () => undefined,
    detached: false,
  });
  return { killedPid, newPid: rig.server.pid };
}

/** `tmux -L <rig socket> kill-server`: every agent of the rig dies with its window. */
export async function killTmuxServer(rig: Rig): Promise<number> {
  const panes = await execa('tmux', ['-L', rig.config.tmuxSocket, 'list-panes', '-a', '-F', '#{pane_id}'], {
    reject: false,
  });
  await execa('tmux', ['-L', rig.config.tmuxSocket, 'kill-server'], { reject: false });
  return panes.stdout.split('\n').filter(Boolean).length;
}

/** Deletes a task's worktree directory from under its running agent. */
export async function deleteWorktree(dir: string): Promise<void> {
  // the agent may be writing into it meanwhile (ENOTEMPTY mid-removal): try again a few times
  await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
}
