import { Command, CommanderError } from 'commander';
import { loadConfig } from '../config/config.js';
import { registerConfigAgents } from '../config/custom-agents.js';
import { CliError } from './context.js';
import { registerBoardCommand } from './board-command.js';
import { registerCleanupCommand } from './cleanup-command.js';
import { registerCodecServerCommand } from './codec-server-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerWorkerCommands } from './worker-commands.js';
import { registerDoctorCommand } from './doctor-command.js';
import { registerFixPrCommand } from './fix-pr-command.js';
import { registerHostsCommand } from './hosts-command.js';
import { registerMonitorCommand } from './monitor-command.js';
import { registerManifestCommands } from './manifest-commands.js';
import { registerMergeCommand } from './merge-command.js';
import { registerPlanCommand } from './plan-command.js';
import { registerPoolCommands } from './pool-command.js';
import { registerRunCommand } from './run-manifest-command.js';
import { registerSlotCommands } from './slot-command.js';
import { registerTaskCommand } from './task-command.js';
import { registerStatusCommands } from './status-commands.js';
import { registerSendCommand } from './send-command.js';
import { registerSteerCommands } from './steer-commands.js';

export function buildProgram(): Command {
  const program = new Command('drover')
    .description('Durable AI coding agents on Temporal: worktrees, tmux, supervision, verified results.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .hook('preAction', () => {
      // custom agents from drover.config.*; a config that does not load is reported by the commands that need it
      let config;
      try {
        config = loadConfig();
      } catch {
        return;
      }
      try {
        registerConfigAgents(config);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
    });
  registerDemoCommand(program);
  registerWorkerCommands(program);
  registerTaskCommand(program);
  registerFixPrCommand(program);
  registerMergeCommand(program);
  registerMonitorCommand(program);
  registerDoctorCommand(program);
  registerRunCommand(program);
  registerManifestCommands(program);
  registerPlanCommand(program);
  registerCleanupCommand(program);
  registerPoolCommands(program);
  registerStatusCommands(program);
  registerBoardCommand(program);
  registerSteerCommands(program);
  registerSendCommand(program);
  registerSlotCommands(program);
  registerHostsCommand(program);
  registerCodecServerCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
    process.exit(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    if (error instanceof CliError) {
      if (error.message) console.error(`drover: ${error.message}`);
      process.exit(error.exitCode);
    }
    const err = error as Error;
    console.error(`drover: ${process.env.DROVER_DEBUG ? (err.stack ?? String(err)) : (err.message ?? String(err))}`);
    if (!process.env.DROVER_DEBUG) console.error('(set DROVER_DEBUG=1 for the stack trace)');
    process.exit(1);
  }
}
