import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { Client } from '@temporalio/client';
import type { DroverConfig } from '../config/config.js';
import { childTaskId } from '../domain/manifest-rows.js';
import type { ManifestRunInput, ManifestRunState } from '../domain/manifest-run.js';
import { mergeQueueWorkflowId } from '../domain/merge-queue.js';
import { planFromIssues, taskIdForIssue, type PlannedManifest } from '../domain/plan.js';
import { listOpenIssues } from '../github/issues.js';
import { repoKey } from '../host/worktree/base-clone.js';
import { startGithubEmulator, type GithubEmulator } from '../rehearsal/github-emulator/server.js';
import { startModelServer, type ModelServer } from '../rehearsal/model-server.js';
import { connectClient } from '../temporal/connection.js';
import { startHostWorkers, type HostWorkers } from '../workers/host-worker.js';
import { CliError, webUiLink } from './context.js';
import { demoStart } from './demo-repo.js';
import {
  CiLedger,
  createSampleRepo,
  DEMO_OWNER,
  DEMO_STEP,
  SAMPLE_ISSUES,
  sampleScenarios,
  type SampleIssue,
} from './demo-pipeline-fixture.js';
import { readEmulatorFacts } from './demo-pipeline-facts.js';
import { followPipeline } from './demo-pipeline-progress.js';
import { summarizePipeline, type PipelineSummary } from './demo-pipeline-summary.js';

interface PipelineOptions {
  json?: boolean;
  merge: boolean;
  externalWorker?: string;
}

/** Supervision tuned for a scripted agent and an emulated CI that answers at once. */
const DEMO_POLICY = { idleSeconds: 3, nudgeCooldownSeconds: 2, ciWaitSeconds: 60, ciPollSeconds: 1 };

/** `drover demo pipeline`: registered under `drover demo`. */
export function registerDemoPipelineCommand(demo: Command): void {
  demo
    .command('pipeline')
    .description(
      'issues → plan → three scripted claude agents → stacked PRs → merge queue, on a GitHub emulator; no tokens needed',
    )
    .option('--json', 'print one JSON object with the outcome (progress goes to stderr)')
    .option('--no-merge', 'stop at open pull requests (no merge queue)')
    .addOption(
      new Option(
        '--external-worker <file>',
        'start no worker: write the env a `drover worker` needs (GitHub emulator, model server) to FILE',
      ).hideHelp(),
    )
    // `--json` after `pipeline` is parsed by `drover demo`, which has one too: read both levels
    .action((_opts: PipelineOptions, cmd: Command) => runDemoPipeline(cmd.optsWithGlobals<PipelineOptions>()));
}

/** Everything the demo starts, closed in reverse order. */
interface Stage {
  config: DroverConfig;
  emu: GithubEmulator;
  token: string;
  owner: string;
  repo: string;
  bare: string;
  issues: Array<{ key: SampleIssue['key']; number: number; task: string }>;
  ledger: CiLedger;
}

async function runDemoPipeline(opts: PipelineOptions): Promise<void> {
  const { say, config } = await demoStart(opts.json);
  const stamp = new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(2, 14);
  const stage = await stageRepository(config, stamp, say);
  let model: ModelServer | undefined;
  let workers: HostWorkers | undefined;
  let client: Client | undefined;
  try {
    const manifest = await planManifest(stage, say);
    model = await startModelServer({ port: 0, host: '127.0.0.1' });
    const name = `demo-${stamp}`;
    const manifestWorkflowId = `manifest/${name}`;
    const github = { apiUrl: stage.emu.url, token: stage.token, threadPageSize: 50 };
    if (opts.externalWorker) {
      await writeWorkerEnv(opts.externalWorker, { stage, model, manifestWorkflowId });
      say(`No worker started here: the settings for \`drover worker\` are in ${opts.externalWorker}`);
    } else workers = await startHostWorkers({ config, scenarioHost: model, log: say, github });
    client = await connectClient(config);
    const input = runInput(stage, manifest, name, opts.merge);
    await client.workflow.start('manifestWorkflow', {
      taskQueue: config.taskQueue,
      workflowId: manifestWorkflowId,
      args: [input],
    });
    say(`Run ${manifestWorkflowId} started — watch it live: ${webUiLink(config, manifestWorkflowId)}`);
    const queueId = mergeQueueWorkflowId(stage.owner, stage.repo, 'main');
    const progress = followPipeline(client, { manifest: manifestWorkflowId, queue: queueId }, say, opts.merge);
    const handle = client.workflow.getHandle(manifestWorkflowId);
    let final: ManifestRunState | undefined;
    const notes: string[] = [];
    try {
      const ended = await Promise.race([
        handle.result().then((state: ManifestRunState) => ({ state, reason: undefined })),
        progress.stalled,
      ]);
      final = ended.state;
      if (ended.reason) {
        notes.push(ended.reason);
        // its GitHub emulator ends with this process: nobody can retry the run's tasks afterwards
        await handle.terminate(`drover demo pipeline ended: ${ended.reason}`);
      }
    } finally {
      await progress.stop();
      await retireQueue(client, queueId);
    }
    const summary = await summarize(name, stage, manifest, final, opts.merge, webUiLink(config, manifestWorkflowId));
    summary.missing.push(...notes);
    if (notes.length > 0) summary.state = 'failed';
    report(summary, opts.json ?? false, say);
    if (summary.state !== 'done') throw new CliError(`not done:\n${summary.missing.map((m) => `  - ${m}`).join('\n')}`);
  } finally {
    await client?.connection.close();
    await workers?.shutdown();
    await model?.close();
    await stage.emu.close();
  }
}

/** The GitHub emulator with the sample repository, its CI rule and the three issues. */
async function stageRepository(config: DroverConfig, stamp: string, say: (l: string) => void): Promise<Stage> {
  const dir = path.join(config.droverHome, 'demo', `pipeline-${stamp}`);
  const token = `ghp_demo${randomBytes(16).toString('hex')}`;
  const emu = await startGithubEmulator({ token, root: path.join(dir, 'github') });
  try {
    const ledger = new CiLedger();
    emu.setCi(ledger.rule());
    // a new repository name per run: the merge queue of an earlier run (same dev server) stays its own
    const owner = DEMO_OWNER;
    const repo = `greetings-${stamp}`;
    const src = await createSampleRepo(path.join(dir, 'sample'));
    const { bareRepoPath: bare } = await emu.addRepo(owner, repo, { from: src });
    say(`GitHub emulator ${emu.url}: ${owner}/${repo} (bare repository ${bare})`);
    const issues: Stage['issues'] = [];
    let a = 0;
    for (const issue of SAMPLE_ISSUES) {
      const number = emu.addIssue(owner, repo, { title: issue.title, body: issue.body({ A: a }) });
      if (issue.key === 'A') a = number;
      issues.push({ key: issue.key, number, task: taskIdForIssue(number) });
      say(`  issue #${number} (${issue.key}): ${issue.title}`);
    }
    return { config, emu, token, owner, repo, bare, issues, ledger };
  } catch (error) {
    await emu.close();
    throw error;
  }
}

/** `drover plan`'s logic on the emulator's open issues; each task gets the demo's one step. */
async function planManifest(stage: Stage, say: (l: string) => void): Promise<PlannedManifest> {
  const full = `${stage.owner}/${stage.repo}`;
  const listed = await listOpenIssues(full, { apiUrl: stage.emu.url, token: stage.token, perPage: 100 });
  if (!listed.ok) throw new CliError(`cannot list the sample issues: ${listed.error}`);
  const plan = planFromIssues(listed.issues, { project: stage.repo, repo: full });
  if (plan.errors.length > 0) throw new CliError(`the drafted manifest cannot run: ${plan.errors.join('; ')}`);
  const manifest: PlannedManifest = {
    ...plan.manifest,
    phases: plan.manifest.phases.map((p) => ({ ...p, tasks: p.tasks.map((t) => ({ ...t, steps: [DEMO_STEP] })) })),
  };
  for (const t of manifest.phases.flatMap((p) => p.tasks))
    say(
      `  planned ${t.id}: ${t.title}${t.dependsOn.length ? ` (depends on ${t.dependsOn.join(', ')})` : ''}; files ${t.files.join(', ') || '—'}`,
    );
  return manifest;
}

function runInput(stage: Stage, manifest: PlannedManifest, name: string, merge: boolean): ManifestRunInput {
  const taskOf = (key: SampleIssue['key']): string => stage.issues.find((i) => i.key === key)!.task;
  const worktreeOf = (key: SampleIssue['key']): string =>
    path.join(stage.config.workspace, 'repos', repoKey(stage.bare), 'worktrees', childTaskId({ name }, taskOf(key)));
  const byKey = sampleScenarios(worktreeOf);
  return {
    name,
    manifest,
    repo: stage.bare,
    slots: 3,
    scenarios: Object.fromEntries(stage.issues.map((i) => [i.task, byKey[i.key]])),
    policy: DEMO_POLICY,
    github: { owner: stage.owner, repo: stage.repo },
    openPrs: true,
    // head branches are kept: B's PR always opens stacked on A's branch, even when A merges first,
    // and the queue retargets it to main when B's turn comes (docs/demo-pipeline.md)
    ...(merge ? { merge: { deleteBranch: false } } : {}),
    webUiUrl: webUiLink(stage.config),
  };
}

/**
 * A merge queue waits for requests forever; this one's repository lives only in this process's
 * emulator, so it ends with the demo instead of lingering on the dev server.
 */
async function retireQueue(client: Client, workflowId: string): Promise<void> {
  const handle = client.workflow.getHandle(workflowId);
  const running = await handle.describe().then(
    (d) => d.status.name === 'RUNNING',
    () => false,
  );
  if (running) await handle.terminate('drover demo pipeline ended: its GitHub emulator is gone');
}

/** `--external-worker FILE`: what a `drover worker` for this demo needs, readable by this user only. */
async function writeWorkerEnv(
  file: string,
  where: { stage: Stage; model: ModelServer; manifestWorkflowId: string },
): Promise<void> {
  const { stage } = where;
  const content = {
    env: { GITHUB_API_URL: stage.emu.url, GITHUB_TOKEN: stage.token, DROVER_MODEL_SERVER_URL: where.model.url },
    manifestWorkflowId: where.manifestWorkflowId,
    owner: stage.owner,
    repo: stage.repo,
    mergeQueueWorkflowId: mergeQueueWorkflowId(stage.owner, stage.repo, 'main'),
  };
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
}

async function summarize(
  name: string,
  stage: Stage,
  manifest: PlannedManifest,
  final: ManifestRunState | undefined,
  merge: boolean,
  webUi: string,
): Promise<PipelineSummary> {
  const prNumbers = (final?.tasks ?? []).flatMap((r) => (r.pullRequest ? [r.pullRequest.number] : []));
  const emulator = await readEmulatorFacts(
    { emu: stage.emu, owner: stage.owner, repo: stage.repo, token: stage.token },
    prNumbers,
    stage.issues,
  );
  const tasks = manifest.phases.flatMap((p) => p.tasks);
  return summarizePipeline({
    merge,
    webUi,
    where: { run: name, repo: `${stage.owner}/${stage.repo}`, bare: stage.bare },
    rows: final?.tasks,
    dependsOn: Object.fromEntries(tasks.map((t) => [t.id, t.dependsOn])),
    ciHeads: Object.fromEntries(prNumbers.map((n) => [n, stage.ledger.headsOf(n)])),
    ...emulator,
  });
}

function report(summary: PipelineSummary, json: boolean, say: (l: string) => void): void {
  if (json) {
    console.log(JSON.stringify(summary));
    return;
  }
  say(`\n${summary.state.toUpperCase()}`);
  for (const pr of summary.prs)
    say(
      `  PR #${pr.number} (${pr.task}) ${pr.state}; opened on ${pr.baseAtOpen}, base now ${pr.base}; ${pr.revisions} head revision(s), ${pr.reBriefs} re-brief(s)${pr.mergeCommit ? `; merge commit ${pr.mergeCommit.slice(0, 10)}` : ''}`,
    );
  for (const issue of summary.issues) say(`  issue #${issue.number} (${issue.task}) ${issue.state}`);
  if (summary.mergeOrder.length > 0) say(`  merge order: ${summary.mergeOrder.join(' → ')}`);
  say(`  duplicates: ${summary.duplicates.pulls} pull request(s), ${summary.duplicates.comments} comment(s)`);
  say(`  Web UI: ${summary.webUi}`);
}
