import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * The argv prefix that makes a long-lived helper die with the process that started it:
 * `setpriv --pdeathsig KILL --` (util-linux, present on Debian/Ubuntu and in the image) asks
 * the kernel to SIGKILL the command when its parent dies, even when the parent was SIGKILLed.
 *
 * Used for the host's tmux control-mode client. Chaos found what an orphaned one does: a worker
 * SIGKILLed, then `tmux kill-server` within the second, left the server waiting forever for that
 * client to go, and every later tmux command on the socket failed with "server exited
 * unexpectedly" — the host could start no agent until someone killed the server by hand.
 *
 * Empty where setpriv is not found (macOS): the client then ends only when tmux notices its
 * stdin closed, as before.
 */
export function dieWithParentPrefix(pathEnv: string | undefined = process.env.PATH): string[] {
  const setpriv = findOnPath('setpriv', pathEnv ?? '');
  return setpriv ? [setpriv, '--pdeathsig', 'KILL', '--'] : [];
}

function findOnPath(name: string, pathEnv: string): string | undefined {
  for (const dir of pathEnv.split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}
