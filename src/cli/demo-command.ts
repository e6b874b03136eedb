import path from 'node:path';
import type { Command } from 'commander';
import { gitOrThrow } from '../host/git/git.js';
import { connectClient } from '../temporal/connection.js';
import { loadScenario } from '../rehearsal/scenario.js';
import { startModelServer } from '../rehearsal/model-server.js';
import { startHostWorkers } from '../workers/host-worker.js';
import { webUiLink } from './context.js';
import { createDemoRepo, demoStart } from './demo-repo.js';
import { registerDemoPipelineCommand } from './demo-pipeline-command.js';
import { followTask } from './follow.js';
import { startTask } from './task-start.js';
import { CliError } from './context.js';
import { tmuxWindowName } from '../domain/identifiers.js';
import { endAgentWindow } from '../host/tmux/end-agent-window.js';
import { TmuxClient } from '../host/tmux/tmux-client.js';

/**
 * The demo's agent once its task ended: claude would otherwise keep running in its tmux window
 * after DONE (issue 21). Its process group is ended and its window closed; the worktree stays.
 */
async function endDemoAgent(socket: string, taskId: string): Promise<{ pid?: number; ended: boolean; said: string }> {
  const tmux = new TmuxClient({
    socket,
    session: 'drover',
    width: 220,
    height: 50,
    serverEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  try {
    const ended = await endAgentWindow(tmux, taskId);
    if (!ended) return { ended: false, said: 'agent: no window left to end' };
    return {
      pid: ended.pid,
      ended: true,
      said: `agent: ended the demo's ${ended.wasAlive ? `claude process (pid ${ended.pid}${ended.group ? ' and its process group' : ''})` : 'window (claude had exited)'}; the worktree stays`,
    };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      ended: false,
      said: `agent: could not end the demo's claude (${why}); end it with: tmux -L ${socket} kill-window -t =drover:${tmuxWindowName(taskId)}`,
    };
  }
}

/**
 * The main job on embedded defaults: server (started or reused), a worker, the scripted
 * model server, a sample repository with a defect, and one real claude task that fixes it.
 */
export function registerDemoCommand(program: Command): void {
  const demo = program
    .command('demo')
    .description(
      'fix a defect in a sample repository with a real claude CLI driven by a scripted model; no tokens needed',
    )
    .option('--json', 'print one JSON object with the outcome (progress goes to stderr)')
    .action(async (opts: { json?: boolean }) => {
      const { say, config } = await demoStart(opts.json);
      const model = await startModelServer({ port: 0, host: '127.0.0.1' });
      const workers = await startHostWorkers({ config, scenarioHost: model, log: say });
      const client = await connectClient(config);
      try {
        const repo = await createDemoRepo(path.join(config.droverHome, 'demo'));
        say(`Sample repository ${repo}: calc.js adds with "-"`);
        const scenario = await loadScenario(path.join(config.projectRoot, 'scenarios', 'fix-defect.json'));
        const taskId = `demo-${path.basename(repo).slice(-10)}`;
        const branch = `drover/${taskId}`;
        const { workflowId } = await startTask(
          { config, client },
          {
            taskId,
            repo,
            branch,
            objective: 'calc.js: add(2, 3) returns -1. Fix add so the test in calc.test.js passes, then commit.',
            steps: ['fix'],
            agent: 'claude',
            scenario,
          },
        );
        const link = webUiLink(config, workflowId);
        say(`Task ${workflowId} started — watch it live: ${link}  (or: drover attach ${taskId})`);
        const result = await followTask(client, workflowId, say);
        const agent = await endDemoAgent(config.tmuxSocket, taskId);
        const remoteCommit =
          result.state === 'done' ? await gitOrThrow(repo, ['rev-parse', `refs/heads/${branch}`]) : undefined;
        const outcome = {
          taskId,
          workflowId,
          state: result.state,
          reason: result.reason,
          repo,
          branch,
          commit: remoteCommit ?? result.commit ?? null,
          checkpoints: result.checkpoints,
          dialogs: result.dialogs,
          webUi: link,
          agent,
        };
        if (opts.json) console.log(JSON.stringify(outcome));
        else {
          say(`\n${result.state.toUpperCase()}: ${result.reason}`);
          say(`branch ${branch} at ${outcome.commit ?? '—'} in ${repo}`);
          say(`dialogs: ${result.dialogs.map((d) => `${d.kind} → ${d.decision}`).join(', ') || 'none'}`);
          say(`Web UI: ${link}`);
          say(agent.said);
        }
        if (result.state !== 'done') throw new CliError('', 3);
      } finally {
        await client.connection.close();
        await workers.shutdown();
        await model.close();
      }
    });
  registerDemoPipelineCommand(demo);
}
