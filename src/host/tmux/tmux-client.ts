import { runProcess, stripFinalNewline } from '../../process/run-process.js';
import { ControlClientGone, type CommandChannel } from './command-channel.js';

/** One window of Drover's tmux session, as tmux reports it. */
export interface PaneInfo {
  windowId: string;
  windowName: string;
  paneId: string;
  paneDead: boolean;
  paneDeadStatus?: number;
  paneDeadSignal?: number;
  panePid: number;
  currentCommand: string;
}

export const PANE_FORMAT = [
  '#{window_id}',
  '#{window_name}',
  '#{pane_id}',
  '#{pane_dead}',
  '#{pane_dead_status}',
  '#{pane_dead_signal}',
  '#{pane_pid}',
  '#{pane_current_command}',
].join('\t');

export function parsePaneLine(line: string): PaneInfo | undefined {
  const [windowId, windowName, paneId, dead, status, signal, pid, command] = line.split('\t');
  if (!windowId || !paneId || windowName === undefined) return undefined;
  return {
    windowId,
    windowName,
    paneId,
    paneDead: dead === '1',
    paneDeadStatus: status ? Number(status) : undefined,
    paneDeadSignal: signal ? Number(signal) : undefined,
    panePid: Number(pid ?? 0),
    currentCommand: command ?? '',
  };
}

export interface TmuxOptions {
  /** Socket name for `tmux -L`: Drover never touches the user's default tmux server. */
  socket: string;
  session: string;
  width: number;
  height: number;
  /** The environment the tmux server (and so every agent window) starts from. */
  serverEnv: Record<string, string>;
}

/**
 * A thin client of one isolated tmux server. Every call is an argument array: no shell
 * ever sees task ids, paths or agent text.
 */
export class TmuxClient {
  private channel: CommandChannel | undefined;
  /** How many commands ran as a `tmux` process and how many through the channel (for tests and benches). */
  readonly counts = { exec: 0, channel: 0 };

  constructor(readonly options: TmuxOptions) {}

  /**
   * Commands without stdin go through this channel when it can carry them (the host's
   * control-mode client): no process per call. Forking the worker for each `tmux` exec was
   * most of a reaction's time at 100 agents (docs/scale.md). A plain exec is the fallback.
   */
  useChannel(channel: CommandChannel): void {
    this.channel = channel;
  }

  async run(args: string[], input?: string): Promise<string> {
    // client flags (`-f`) and stdin need a tmux process of their own
    const viaChannel = input === undefined && !args[0]?.startsWith('-') ? this.channel?.tryCommand(args) : undefined;
    if (viaChannel) {
      try {
        const out = await viaChannel;
        this.counts.channel += 1;
        return out;
      } catch (error) {
        if (!(error instanceof ControlClientGone)) throw error;
      }
    }
    return this.exec(args, input);
  }

  private async exec(args: string[], input?: string): Promise<string> {
    this.counts.exec += 1;
    // A UTF-8 locale: without one tmux escapes tabs and non-ASCII in its output.
    const result = await runProcess({
      file: 'tmux',
      args: ['-u', '-L', this.options.socket, ...args],
      input,
      env: { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', ...this.options.serverEnv },
    });
    if (result.error || result.exitCode !== 0)
      throw new Error(
        `tmux ${args[0] ?? ''} failed: ${(result.error ?? result.stderr).trim() || `exit ${result.exitCode}`}`,
      );
    return stripFinalNewline(result.stdout);
  }

  async hasSession(): Promise<boolean> {
    try {
      await this.run(['has-session', '-t', `=${this.options.session}`]);
      return true;
    } catch {
      return false;
    }
  }

  /** Starts the server and session if needed; keeps dead panes visible so a crash can be seen. */
  async ensureSession(): Promise<void> {
    if (!(await this.hasSession())) {
      try {
        await this.run([
          '-f',
          '/dev/null',
          'new-session',
          '-d',
          '-s',
          this.options.session,
          '-n',
          'drover',
          '-x',
          String(this.options.width),
          '-y',
          String(this.options.height),
        ]);
      } catch (error) {
        if (!(await this.hasSession())) throw error;
      }
    }
    // Our own isolated server: global options are ours to set.
    await this.run(['set-option', '-g', 'remain-on-exit', 'on']);
    await this.run(['set-option', '-g', 'history-limit', '5000']);
    await this.run(['set-window-option', '-g', 'aggressive-resize', 'off']);
  }

  async listPanes(): Promise<PaneInfo[]> {
    if (!(await this.hasSession())) return [];
    const out = await this.run(['list-panes', '-s', '-t', `=${this.options.session}`, '-F', PANE_FORMAT]);
    return out
      .split('\n')
      .map(parsePaneLine)
      .filter((p): p is PaneInfo => p !== undefined);
  }

  async findWindow(name: string): Promise<PaneInfo | undefined> {
    return (await this.listPanes()).find((p) => p.windowName === name);
  }

  /** One pane (not a list of all of them): asked before every keypress and paste. */
  async paneInfo(paneId: string): Promise<PaneInfo | undefined> {
    if (!/^%\d+$/.test(paneId)) return (await this.listPanes()).find((p) => p.paneId === paneId);
    try {
      return parsePaneLine(await this.run(['display-message', '-p', '-t', paneId, PANE_FORMAT]));
    } catch {
      return undefined; // no server, or no such pane
    }
  }

  async newWindow(name: string, cwd: string, env: Record<string, string>, argv: string[]): Promise<PaneInfo> {
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    await this.run([
      'new-window',
      '-d',
      '-t',
      `=${this.options.session}:`,
      '-n',
      name,
      '-c',
      cwd,
      ...envArgs,
      '--',
      ...argv,
    ]);
    const info = await this.findWindow(name);
    if (!info) throw new Error(`tmux window ${name} vanished right after it was created`);
    await this.run(['set-window-option', '-t', info.windowId, 'automatic-rename', 'off']);
    await this.run([
      'resize-window',
      '-t',
      info.windowId,
      '-x',
      String(this.options.width),
      '-y',
      String(this.options.height),
    ]);
    return info;
  }

  async respawnPane(paneId: string, cwd: string, env: Record<string, string>, argv: string[]): Promise<void> {
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    await this.run(['respawn-pane', '-k', '-t', paneId, '-c', cwd, ...envArgs, '--', ...argv]);
  }

  /** The rendered screen (plus some scrollback) as plain text, without escape sequences. */
  async capture(paneId: string, scrollback = 200): Promise<string> {
    return this.run(['capture-pane', '-p', '-J', '-t', paneId, '-S', `-${scrollback}`]);
  }

  /** Pastes text verbatim through a named buffer (bracketed paste, so newlines do not submit). */
  async paste(paneId: string, text: string, bufferName: string): Promise<void> {
    // one line without quotes travels as an argument (through the channel); anything else from stdin
    if (/^[^'\n\r]*$/.test(text)) await this.run(['set-buffer', '-b', bufferName, '--', text]);
    else await this.run(['load-buffer', '-b', bufferName, '-'], text);
    await this.run(['paste-buffer', '-d', '-p', '-b', bufferName, '-t', paneId]);
  }

  async sendKeys(paneId: string, keys: string[]): Promise<void> {
    for (const key of keys) await this.run(['send-keys', '-t', paneId, key]);
  }

  async killWindow(windowId: string): Promise<void> {
    await this.run(['kill-window', '-t', windowId]);
  }

  async killServer(): Promise<void> {
    try {
      await this.run(['kill-server']);
    } catch {
      // already gone
    }
  }
}
