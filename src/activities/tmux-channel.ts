/** A way to run tmux commands without a process each: the host's control-mode client (pane-watcher.ts). */

/** The control-mode client went away before answering: the command may be retried as a plain exec. */
export class ControlClientGone extends Error {}

/** tmux answered a control-mode command with `%error`. */
export class TmuxCommandError extends Error {}

/** What a TmuxClient needs to run commands without a process each. */
export interface CommandChannel {
  /** The command's answer, or undefined when this channel cannot carry it (no client, unquotable argument). */
  tryCommand(args: string[]): Promise<string> | undefined;
}
