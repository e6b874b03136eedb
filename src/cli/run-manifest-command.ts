import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Command } from 'commander';
import type { ManifestRunInput, ManifestRunState } from '../domain/manifest-run.js';
import { validateManifestName } from '../domain/identifiers.js';
import { loadScenario } from '../rehearsal/scenario.js';
import { manifestStateQuery } from '../workflows/manifest.js';
import { loadConfig } from '../config/config.js';
import { commandRules } from './command-rule-options.js';
import { setupFor } from './setup-options.js';
import { CliError, openContext, webUiLink } from './context.js';
import { loadManifestFile } from './manifest-file.js';
import { diffStates, progressBar, renderTable } from './manifest-progress.js';
import { addPrOptions, manifestPrInput, type PrCliOptions } from './pr-options.js';
import { ManifestWriteBack } from './run-write-back.js';
import { isDoneStatus } from '../domain/manifest-status.js';
import { runSummaryMessage } from '../domain/run-summary.js';

interface RunOptions extends PrCliOptions {
  repo?: string;
  name?: string;
  gates: string;
  slots: string;
  scenarios?: string;
  detach?: boolean;
  json?: boolean;
  writeBack?: boolean;
}

async function loadScenarios(dir: string | undefined): Promise<Record<string, unknown>> {
  if (!dir) return {};
  const out: Record<string, unknown> = {};
  for (const file of await readdir(dir)) {
    const m = /^(.+)\.(json|ya?ml)$/.exec(file);
    if (m) out[m[1]!] = await loadScenario(path.join(dir, file));
  }
  return out;
}

/** `drover run MANIFEST`: validate, start (or attach to) the run, follow it live; Ctrl-C detaches. */
export function registerRunCommand(program: Command): void {
  const cmd = program
    .command('run <manifest>')
    .description(
      'run a task manifest (JSON or YAML): tasks in parallel as their dependencies, files and phase gates allow',
    )
    .option('--repo <path>', 'local git repository the tasks work on (default: the current directory)')
    .option('--name <name>', 'run name (default: the manifest project or file name)')
    .option('--gates <mode>', 'strict: a phase waits for the previous one; deps: only dependencies count', 'strict')
    .option('--slots <n>', 'agents at once', '4')
    .option('--scenarios <dir>', 'rehearsal: <taskId>.json scripted-model scenarios')
    .option('--detach', 'start and return at once')
    .option('--json', 'one JSON event per line')
    .option(
      '--write-back',
      "while following the run, write each task's status, prNumber, startedAt, completedAt, worktree and tmuxSession into the manifest file (nothing else in it changes)",
    );
  addPrOptions(cmd).action(async (file: string, opts: RunOptions) => {
    if (opts.writeBack && opts.detach)
      throw new CliError('--write-back writes while drover run follows the run; it cannot with --detach');
    if (opts.gates !== 'strict' && opts.gates !== 'deps')
      throw new CliError(`--gates must be strict or deps, not "${opts.gates}"`);
    let manifest;
    try {
      const loaded = await loadManifestFile(file, { gates: opts.gates });
      manifest = loaded.manifest;
      for (const w of loaded.warnings) console.error(`warning: ${w}`);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const slots = Number(opts.slots);
    if (!Number.isInteger(slots) || slots < 1 || slots > 200)
      throw new CliError(`--slots must be a whole number from 1 to 200, not "${opts.slots}"`);
    const name =
      opts.name ??
      (typeof manifest.project === 'string' ? manifest.project : path.basename(file).replace(/\.[^.]+$/, ''));
    const nameCheck = validateManifestName(name);
    if (!nameCheck.ok) throw new CliError(`run name "${name}" refused: ${nameCheck.error} (pass --name)`);
    const repo = path.resolve(opts.repo ?? '.');
    if (!existsSync(path.join(repo, '.git')) && !existsSync(path.join(repo, 'HEAD')))
      throw new CliError(`--repo ${repo}: not a git repository`);
    const prs = await manifestPrInput(repo, opts, manifest.prs);
    const config = loadConfig();
    const commands = commandRules({ config: config.commands, manifest: manifest.commands });
    const setup = manifest.setup ?? setupFor(repo, config, {});
    const input: ManifestRunInput = {
      name,
      manifest,
      repo,
      gates: opts.gates as 'strict' | 'deps',
      slots,
      scenarios: await loadScenarios(opts.scenarios),
      openPrs: prs.openPrs,
      ...(prs.github ? { github: prs.github } : {}),
      ...(prs.merge ? { merge: prs.merge } : {}),
      ...(prs.webUiUrl ? { webUiUrl: prs.webUiUrl } : {}),
      ...(commands.length > 0 ? { commands } : {}),
      ...(setup ? { setup } : {}),
    };
    const ctx = await openContext();
    const workflowId = `manifest/${name}`;
    try {
      try {
        await ctx.client.workflow.start('manifestWorkflow', {
          taskQueue: ctx.config.taskQueue,
          workflowId,
          args: [input],
        });
        if (!opts.json) {
          console.log(`started ${workflowId} · web ui ${webUiLink(ctx.config, workflowId)}`);
          console.log(
            `pull requests: ${prs.openPrs ? `one per task on ${prs.github!.owner}/${prs.github!.repo}${prs.merge ? `, merged (${prs.merge.method}) through the merge queue` : ''}` : 'none'} (${prs.why})`,
          );
        }
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        if (!opts.json) console.log(`attached to running ${workflowId}`);
      }
      if (opts.detach) {
        if (opts.json) console.log(JSON.stringify({ event: 'started', workflowId }));
        return;
      }
      const writeBack = opts.writeBack
        ? new ManifestWriteBack(path.resolve(file), (l) => console.error(`warning: ${l}`))
        : undefined;
      await follow(ctx.client.workflow.getHandle(workflowId), opts.json ?? false, writeBack);
    } finally {
      await ctx.close();
    }
  });
}

async function follow(
  handle: { query: (q: typeof manifestStateQuery) => Promise<ManifestRunState>; result: () => Promise<unknown> },
  json: boolean,
  writeBack?: ManifestWriteBack,
): Promise<void> {
  const tty = process.stdout.isTTY && !json;
  let detached = false;
  process.once('SIGINT', () => {
    detached = true;
    process.stdout.write('\ndetached: the run continues (drover run again to follow it, or drover status)\n');
    process.exit(0);
  });
  let last: ManifestRunState | undefined;
  let finished = false;
  void handle.result().then(
    () => (finished = true),
    () => (finished = true),
  );
  while (!detached) {
    let state: ManifestRunState | undefined;
    try {
      state = await handle.query(manifestStateQuery);
    } catch {
      state = undefined;
    }
    if (state) {
      if (writeBack) await writeBack.sync(state.tasks);
      if (tty) process.stdout.write(`\x1b[H\x1b[2J${renderTable(state)}\n`);
      else {
        for (const change of diffStates(last, state)) {
          if (json) console.log(JSON.stringify({ event: 'task', at: new Date().toISOString(), ...change }));
          else
            console.log(
              `${new Date().toISOString().slice(11, 19)}  ${change.task.padEnd(12)} ${change.from ?? '—'} → ${change.to}  ${change.note}  ${progressBar(state, 10)}`,
            );
        }
      }
      last = state;
      if (finished || state.finishedAt) break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  if (last) {
    if (json) console.log(JSON.stringify({ event: 'finished', tasks: last.tasks }));
    else
      console.log(
        `\n${renderTable(last)}\n\n${runSummaryMessage(
          last,
          last.tasks.every((t) => isDoneStatus(t.status)),
        )}`,
      );
  }
}
