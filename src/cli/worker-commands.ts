import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { ensureTemporal } from '../dev/ensure-temporal.js';
import { remoteScenarioHost } from '../rehearsal/remote-scenario-host.js';
import type { ScenarioHost } from '../activities/deps.js';
import { startModelServer } from '../rehearsal/model-server.js';
import { startHostWorkers } from '../workers/host-worker.js';
import { describeEncryption } from '../codec/data-converter.js';
import { webUiLink } from './context.js';
import { boardOptionsFrom, startBoard } from './board-command.js';

async function runWorkers(opts: { embedded: boolean; rehearsal: boolean; board?: boolean }): Promise<void> {
  const config = loadConfig();
  const log = (line: string) => console.log(line);
  // `drover dev`: start or reuse the dev server; an external server (e.g. docker compose): only register Drover's search attributes
  if (opts.embedded || !config.embedded) {
    const t = await ensureTemporal(config, log);
    console.log(`Temporal ${t.address} · Web UI ${webUiLink(config)}`);
  }
  const remote = process.env.DROVER_MODEL_SERVER_URL;
  const model = opts.rehearsal && !remote ? await startModelServer({ port: 0, host: '127.0.0.1' }) : undefined;
  const scenarioHost: ScenarioHost | undefined = remote ? remoteScenarioHost(remote) : model;
  if (scenarioHost) console.log(`scripted model server ${scenarioHost.url} (rehearsal scenarios)`);
  const workers = await startHostWorkers({ config, scenarioHost, log });
  console.log(
    `worker ${config.hostId} polling ${workers.taskQueues.join(' + ')}; Ctrl-C stops it (agents keep running in tmux -L ${config.tmuxSocket})`,
  );
  console.log(describeEncryption());
  // `drover dev` also serves the fleet board; a busy port is not a reason to stop the worker
  const board = opts.board
    ? await startBoard(config, boardOptionsFrom({})).catch((error: Error) => {
        console.log(`fleet board not started: ${error.message} (drover board --port N starts it elsewhere)`);
        return undefined;
      })
    : undefined;
  if (board) console.log(`fleet board ${board.url}`);
  const stop = async () => {
    console.log('stopping worker…');
    await board?.close();
    await workers.shutdown();
    await model?.close();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await workers.done;
}

export function registerWorkerCommands(program: Command): void {
  program
    .command('dev')
    .description('embedded Temporal dev server (SQLite under .drover/, Web UI :8233) + a worker, in the foreground')
    .option('--no-rehearsal', 'do not start the scripted model server')
    .option('--no-board', 'do not serve the fleet board (drover board)')
    .action((opts: { rehearsal: boolean; board: boolean }) =>
      runWorkers({ embedded: true, rehearsal: opts.rehearsal, board: opts.board }),
    );
  program
    .command('worker')
    .description('a worker for this host (shared queue + its own queue) against the configured Temporal')
    .option('--rehearsal', 'also serve scripted-model scenarios')
    .action((opts: { rehearsal?: boolean }) => runWorkers({ embedded: false, rehearsal: opts.rehearsal ?? false }));
}
