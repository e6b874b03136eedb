import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Command } from 'commander';
import { loadConfig, type DroverConfig } from '../config/config.js';
import { connectClient } from '../temporal/connection.js';
import { CliError, webUiLink } from './context.js';
import { isLoopback, startBoardServer, type BoardServer } from './board/board-server.js';

export interface BoardOptions {
  host: string;
  port: number;
  token?: string;
  /** How often a running task's state is read when nothing moved (its phase is read every second anyway). */
  readEverySeconds?: number;
}

/** Starts the board against the configured Temporal; off loopback without a token, one is made and printed. */
export async function startBoard(config: DroverConfig, opts: BoardOptions): Promise<BoardServer> {
  const token = opts.token ?? (isLoopback(opts.host) ? undefined : randomBytes(18).toString('base64url'));
  // the identity is recorded in the history with every signal and update the board sends
  const client = await connectClient(config, { identity: `drover-board@${os.hostname()}` });
  const server = await startBoardServer({
    client,
    host: opts.host,
    port: opts.port,
    ...(token ? { token } : {}),
    webUiBase: webUiLink(config),
    ...(opts.readEverySeconds ? { fleet: { readEveryMs: opts.readEverySeconds * 1000 } } : {}),
  });
  return {
    ...server,
    close: async () => {
      await server.close();
      await client.connection.close();
    },
  };
}

export function boardOptionsFrom(raw: { host?: string; port?: string; token?: string }): BoardOptions {
  const port = Number(raw.port ?? process.env.DROVER_BOARD_PORT ?? 8234);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: ${raw.port} is not a port`);
  const token = raw.token ?? process.env.DROVER_BOARD_TOKEN;
  const read = process.env.DROVER_BOARD_READ_SECONDS;
  const readEverySeconds = read === undefined || read === '' ? undefined : Number(read);
  if (readEverySeconds !== undefined && !(readEverySeconds >= 1 && readEverySeconds <= 3600))
    throw new CliError(`DROVER_BOARD_READ_SECONDS: ${read} is not a number of seconds between 1 and 3600`);
  return {
    host: raw.host ?? process.env.DROVER_BOARD_HOST ?? '127.0.0.1',
    port,
    ...(token ? { token } : {}),
    ...(readEverySeconds ? { readEverySeconds } : {}),
  };
}

export function registerBoardCommand(program: Command): void {
  program
    .command('board')
    .description('the fleet as a live grid in the browser (loopback by default; a token off loopback)')
    .option('--host <address>', 'address to bind (DROVER_BOARD_HOST)', undefined)
    .option('--port <port>', 'port (DROVER_BOARD_PORT, default 8234; 0: any free port)')
    .option('--token <token>', 'required on every request (DROVER_BOARD_TOKEN); made up when bound off loopback')
    .action(async (raw: { host?: string; port?: string; token?: string }) => {
      const board = await startBoard(loadConfig(), boardOptionsFrom(raw));
      console.log(`drover board ${board.url} · Ctrl-C stops it`);
      await new Promise<void>((resolve) => {
        const stop = () => void board.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
