import path from 'node:path';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  makeTelemetryFilterString,
  type LogLevel,
} from '@temporalio/worker';
import { createHostActivities, createSharedActivities, hostHeartbeat } from '../activities/index.js';
import { agentBaseEnv, ensureDroverShim } from '../host/agent-home/agent-env.js';
import type { ScenarioHost } from '../activities/deps.js';
import { PaneWatcher } from '../host/tmux/pane-watcher.js';
import { webhookFromConfig } from '../notify/webhook.js';
import { TmuxClient } from '../host/tmux/tmux-client.js';
import { hostTaskQueue, type DroverConfig } from '../config/config.js';
import { connectClient, connectNativeConnection } from '../temporal/connection.js';
import { retryWhileUnreachable, waitMsFromEnv } from '../temporal/unreachable-retry.js';
import { startHostHeartbeat } from './host-heartbeat.js';
import { Spawner } from '../process/spawner.js';
import { startMemoryLog } from './memory-log.js';
import { setKnownSecrets } from '../host/secret-values.js';
import { useSpawner } from '../process/run-process.js';
import { githubSettingsFromEnv } from '../github/settings.js';
import type { GithubSettings } from '../github/settings.js';
import { registerConfigAgents } from '../config/custom-agents.js';
import { dataConverterFromEnv } from '../codec/data-converter.js';
import { workflowBundle } from './bundle.js';

export interface HostWorkers {
  taskQueues: string[];
  tmux: TmuxClient;
  watcher: PaneWatcher;
  /** Resolves when both workers stopped. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

let runtimeInstalled = false;

/** GitHub settings from this worker's environment; a bad value is reported and GitHub activities then fail with that message. */
function githubFromEnv(log: (line: string) => void): GithubSettings | undefined {
  const got = githubSettingsFromEnv(process.env);
  if (got.ok) return got.settings;
  log(`GitHub disabled on this worker: ${got.error}`);
  return undefined;
}

function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    const level = (process.env.DROVER_LOG_LEVEL?.toUpperCase() ?? 'WARN') as LogLevel;
    Runtime.install({
      logger: new DefaultLogger(level),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
    });
  } catch {
    // a runtime was already installed by the embedding process
  }
}

/** `DROVER_WORKFLOW_CACHE=N` (N ≥ 2): the shared worker keeps at most N workflows cached (fewer: less memory, more replays). */
function workflowCacheSize(
  env: NodeJS.ProcessEnv,
): { maxCachedWorkflows: number; maxConcurrentWorkflowTaskExecutions: number } | undefined {
  const raw = env.DROVER_WORKFLOW_CACHE;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2)
    throw new Error(`DROVER_WORKFLOW_CACHE must be a whole number of at least 2, got "${raw}"`);
  return { maxCachedWorkflows: n, maxConcurrentWorkflowTaskExecutions: Math.min(40, n) };
}

/** Concurrent activities on a host's own queue: watches (one per agent) plus their short tmux/git calls. */
const HOST_ACTIVITY_SLOTS = 1000;

/**
 * The two workers of one host (docs/design.md §3): the shared queue (workflows, placement,
 * notifications) and this host's own queue (tmux, worktrees, agents).
 */
export async function startHostWorkers(options: {
  config: DroverConfig;
  scenarioHost?: ScenarioHost;
  log?: (line: string) => void;
  connection?: NativeConnection;
  github?: GithubSettings;
  /** Where the codec keys are read (DROVER_CODEC_KEY / DROVER_CODEC_KEYS); default process.env. */
  env?: NodeJS.ProcessEnv;
}): Promise<HostWorkers> {
  const { config } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  quietRuntime();
  registerConfigAgents(config);
  // Codecs run in the worker process, outside the workflow sandbox; the activity-context client inherits them.
  const dataConverter = dataConverterFromEnv(options.env ?? process.env);
  // a worker started while Temporal restarts (or before docker-compose has it up) waits for it instead of exiting
  const connection =
    options.connection ??
    (await retryWhileUnreachable(() => connectNativeConnection(config), {
      deadlineMs: waitMsFromEnv(options.env ?? process.env, 'DROVER_CONNECT_WAIT_SECONDS', 300),
      onRetry: (error, waitMs) =>
        log(`Temporal is not reachable (${error.message.split('\n')[0]}); trying again in ${waitMs} ms`),
    }));
  const binDir = await ensureDroverShim(path.join(config.droverHome, 'bin'), config.projectRoot);
  const tmux = new TmuxClient({
    socket: config.tmuxSocket,
    session: 'drover',
    width: 220,
    height: 50,
    serverEnv: agentBaseEnv(process.env, [binDir]),
  });
  const watcher = new PaneWatcher(tmux);
  // keys, pastes and pane lookups go through the watcher's control-mode client (no process each)
  tmux.useChannel(watcher);
  // git and tmux commands start from a small launcher process: the worker itself never forks
  const spawner = new Spawner();
  useSpawner(spawner);
  const stopMemoryLog = startMemoryLog(options.env ?? process.env);
  // recorded screen and output tails are masked by these values too (the token given in options included)
  setKnownSecrets(options.env ?? process.env, [options.github?.token, config.notify.webhookUrl]);
  const agentEnv: Record<string, string> = {
    TEMPORAL_ADDRESS: config.temporal.address,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    DROVER_HOME: config.droverHome,
  };
  const deps = {
    hostId: config.hostId,
    hostQueue: hostTaskQueue(config),
    slots: config.slots,
    projectRoot: config.projectRoot,
    droverHome: config.droverHome,
    workspace: config.workspace,
    tmux,
    watcher,
    scenarioHost: options.scenarioHost,
    agentEnv,
    notifyLine: log,
    // The webhook URL carries a token: only this worker's config holds it, no workflow input does.
    webhook: webhookFromConfig(config.notify),
    github: options.github ?? githubFromEnv(log),
  };
  const bundle = await workflowBundle();
  const shared = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    workflowBundle: bundle,
    // each queue's worker registers only that queue's activities (workflows/activity-proxies.ts routes them)
    activities: createSharedActivities(deps),
    dataConverter,
    identity: `drover-shared@${config.hostId}`,
    // DROVER_WORKFLOW_CACHE: how many workflows stay in this worker's memory between tasks (SDK default: by heap size)
    ...(workflowCacheSize(options.env ?? process.env) ?? {}),
  });
  const host = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: hostTaskQueue(config),
    activities: createHostActivities(deps),
    dataConverter,
    // Every supervised agent holds one long watch activity (a subscription to the pane watcher,
    // no thread): the SDK's default of 100 slots would leave agent 101+ unwatched and starve
    // sendKeys/deliverText behind the watches (docs/scale.md).
    maxConcurrentActivityTaskExecutions: HOST_ACTIVITY_SLOTS,
    // A cancellation reaches an activity only in the answer to one of its heartbeats, which the SDK
    // sends at most every 0.8 × heartbeatTimeout (8 s for the watch): a watch the workflow cancelled
    // kept acting that long (a CI run saw it nudge an agent whose done the workflow was verifying).
    // One heartbeat a second per agent is cheap for the Temporal frontend (docs/scale.md).
    maxHeartbeatThrottleInterval: '1s',
    identity: `drover-host@${config.hostId}`,
  });
  // registered before polling: once this worker takes tasks, the registry can place them here
  const registryClient = await connectClient(config, { env: options.env ?? process.env });
  const heartbeat = await startHostHeartbeat(
    registryClient,
    config.taskQueue,
    hostHeartbeat(deps, new Date().toISOString()),
    log,
  );
  const done = Promise.all([shared.run(), host.run()]).then(async () => {
    heartbeat.stop();
    watcher.stop();
    useSpawner(undefined);
    spawner.stop();
    stopMemoryLog();
    await registryClient.connection.close().catch(() => undefined);
  });
  return {
    taskQueues: [config.taskQueue, hostTaskQueue(config)],
    tmux,
    watcher,
    done,
    shutdown: async () => {
      for (const worker of [shared, host]) if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
      if (!options.connection) await connection.close();
    },
  };
}
