import { execa, type ResultPromise } from 'execa';
import { dieWithParentPrefix } from '../../process/parent-death.js';
import { ControlCommandLost, TmuxCommandError, type CommandChannel } from './command-channel.js';
import type { TmuxOptions } from './tmux-client.js';

/** An argument the control-mode command parser reads back verbatim inside single quotes. */
const QUOTABLE = /^[^'\n\r]*$/;

interface Pending {
  resolve: (out: string) => void;
  reject: (error: Error) => void;
}

/**
 * One tmux control-mode client (`tmux -C attach-session -r`) of Drover's session: commands are
 * written to its stdin and answered in order in `%begin … %end` blocks; `%output %<pane>` lines
 * report every pane's output. The pane watcher keeps one for output, captures, and the host's
 * actions (keys, pastes, pane lookups). A second client for actions alone was tried: with it,
 * detection at 100 agents went from 73 ms to 4 s (p50), so there is one (docs/scale.md).
 */
export class ControlClient implements CommandChannel {
  private child: ResultPromise | undefined;
  private buffer = '';
  private pending: Pending[] = [];
  private block: { head: string; lines: string[]; own: boolean } | undefined;
  /** When the running client attached (undefined without one). */
  since: number | undefined;
  /** A stop waiting for the commands already written to be answered (so none is left half-known). */
  private stopping: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: TmuxOptions,
    private readonly onOutput: (paneId: string) => void,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the client; on a running one, cancels a stop that waits for answers. */
  start(): void {
    if (this.child) {
      clearTimeout(this.stopping);
      this.stopping = undefined;
      return;
    }
    const { socket, session, serverEnv } = this.options;
    // dies with the worker, even a SIGKILLed one (parent-death.ts says what an orphan does)
    const [file, ...args] = [
      ...dieWithParentPrefix(serverEnv.PATH ?? process.env.PATH),
      'tmux',
      '-u',
      '-L',
      socket,
      '-C',
      'attach-session',
      '-r',
      '-t',
      `=${session}`,
    ];
    const child = execa(file!, args, {
      env: serverEnv,
      extendEnv: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'ignore',
      buffer: false,
      reject: false,
    });
    this.child = child;
    this.since = Date.now();
    this.buffer = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.onData(chunk));
    void child.finally(() => {
      if (this.child === child) {
        this.child = undefined;
        this.since = undefined;
      }
      this.failPending(
        new ControlCommandLost(
          'the tmux control-mode client exited before tmux answered: the command may or may not have run',
        ),
      );
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl = this.buffer.indexOf('\n');
    while (nl >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      nl = this.buffer.indexOf('\n');
      if (this.block) {
        // `%end <time> <number> <flags>` with the numbers of its `%begin` closes the block
        if (
          (line.startsWith('%end ') || line.startsWith('%error ')) &&
          line.slice(line.indexOf(' ')) === this.block.head
        ) {
          const { lines, own } = this.block;
          this.block = undefined;
          if (own) {
            const waiter = this.pending.shift();
            if (line.startsWith('%end ')) waiter?.resolve(lines.join('\n'));
            else waiter?.reject(new TmuxCommandError(`tmux: ${lines.join(' ')}`));
            if (this.stopping && this.pending.length === 0) this.stopNow();
          }
        } else {
          this.block.lines.push(line);
        }
        continue;
      }
      if (line.startsWith('%begin ')) {
        const head = line.slice(line.indexOf(' '));
        // flags 1: the command came from this client (the attach itself answers with 0)
        this.block = { head, lines: [], own: head.trimEnd().endsWith(' 1') };
        continue;
      }
      if (line.startsWith('%output %') || line.startsWith('%extended-output %')) {
        this.onOutput(line.split(' ', 2)[1]!);
      }
    }
  }

  private failPending(error: Error): void {
    const waiting = this.pending;
    this.pending = [];
    this.block = undefined;
    for (const w of waiting) w.reject(error);
  }

  tryCommand(args: string[]): Promise<string> | undefined {
    const stdin = this.child?.stdin;
    if (this.stopping || !stdin || !stdin.writable || !args.every((a) => QUOTABLE.test(a))) return undefined;
    return new Promise<string>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      stdin.write(`${args.map((a) => `'${a}'`).join(' ')}\n`);
    });
  }

  /**
   * Stops the client once the commands already written are answered (at most `graceMs` later):
   * failing them at once would leave callers not knowing whether tmux ran them.
   */
  stop(graceMs = 5000): void {
    if (!this.child || this.pending.length === 0) return this.stopNow();
    this.stopping ??= setTimeout(() => this.stopNow(), graceMs);
    this.stopping.unref();
  }

  private stopNow(): void {
    clearTimeout(this.stopping);
    this.stopping = undefined;
    const child = this.child;
    this.child = undefined;
    this.since = undefined;
    this.failPending(
      new ControlCommandLost(
        'the control-mode client was stopped before tmux answered: the command may or may not have run',
      ),
    );
    if (child) {
      child.stdin?.end();
      child.kill('SIGTERM');
    }
  }
}
