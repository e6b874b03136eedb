/** A way to run tmux commands without a process each: the host's control-mode client (pane-watcher.ts). */

/** The control-mode client went away before answering: the command may be retried as a plain exec. */
export class ControlClientGone extends Error {}

/**
 * The control-mode client went away after the command was written to it: tmux may or may not
 * have run it. Never run again by the transport (a second `new-window` or keypress); the
 * activity fails, and its retry checks the world first.
 */
export class ControlCommandLost extends Error {}

/** tmux answered a control-mode command with `%error`. */
export class TmuxCommandError extends Error {}

/** What a TmuxClient needs to run commands without a process each. */
export interface CommandChannel {
  /** The command's answer, or undefined when this channel cannot carry it (no client, unquotable argument). */
  tryCommand(args: string[]): Promise<string> | undefined;
}
