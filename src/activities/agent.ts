import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import { buildLaunchArgs, getProfile, type AgentProfile } from '../domain/agent-profile.js';
import { classifyScreen } from '../domain/screen-classifier.js';
import { tmuxWindowName } from '../domain/identifiers.js';
import { parseSimScript } from '../domain/sim-script.js';
import { crashesOnRestart, crashesOnStart, scenarioFor } from '../domain/scenario-directives.js';
import { ensureAgentHome, rehearsalModelEnv, resolveAgentBinary, seedAgentHome } from '../host/agent-home/agent-env.js';
import { prepareCodexHome } from '../host/agent-home/codex-home.js';
import { geminiSessionExists } from '../host/agent-home/gemini-session.js';
import type { ActivityDeps } from './deps.js';
import { claimPane, withPaneTurn } from '../host/tmux/pane-turns.js';
import { prepareWorktree } from '../host/worktree/worktree.js';
import { portBlockFor, portEnv, type PortBlock } from '../host/port-blocks.js';

export interface SpawnInput {
  taskId: string;
  workflowId: string;
  worktree: string;
  agent: string;
  sessionId: string;
  model?: string;
  scenario?: unknown;
  /**
   * How the worktree was prepared: when it has vanished (deleted under a running task), it is
   * prepared again from the task branch (local, else pushed, else the base) before the agent starts.
   */
  restore?: { repo: string; branch: string; baseRef: string };
}

export interface SpawnResult {
  paneId: string;
  windowId: string;
  /** `reused`: a live agent was already there; `launched`: new window; `relaunched`: dead pane respawned with resume. */
  outcome: 'reused' | 'launched' | 'relaunched';
  resumed: boolean;
  /** `<tmux session>:<window>`, what `tmux attach -t` takes (the manifest's `tmuxSession`). */
  tmuxTarget: string;
  /** The worktree was missing and was prepared again from the task branch. */
  restoredWorktree?: boolean;
  /** The task's port block on this host (DROVER_PORT / PORT in the agent's environment). */
  ports?: PortBlock;
}

/** A transcript of this session under the profile's session store (see `sessionStore`). */
function sessionExists(home: string, sessionId: string, store: AgentProfile['launch']['sessionStore']): boolean {
  if (store === undefined) return false;
  const found = (dir: string, depth: number): boolean => {
    if (!existsSync(dir)) return false;
    return readdirSync(dir, { withFileTypes: true }).some((entry) => {
      if (entry.isDirectory()) return depth > 0 && found(path.join(dir, entry.name), depth - 1);
      return store.match === 'any' ? entry.name.endsWith('.jsonl') : entry.name === `${sessionId}.jsonl`;
    });
  };
  // claude: <dir>/<project>/<id>.jsonl; codex: <dir>/YYYY/MM/DD/rollout-…-<id>.jsonl.
  return found(path.join(home, store.dir), 3);
}

/**
 * Ensures exactly one live agent for the task: an existing live window is reused, a dead
 * one is respawned with `--resume`, otherwise a new window is created. Safe to retry.
 */
function profileOf(agent: string) {
  try {
    return getProfile(agent);
  } catch (error) {
    throw ApplicationFailure.nonRetryable(
      `${(error as Error).message} on this worker (custom agents come from its drover.config)`,
      'UnknownAgent',
    );
  }
}

export async function ensureAgentRunning(deps: ActivityDeps, input: SpawnInput): Promise<SpawnResult> {
  const profile = profileOf(input.agent);
  const name = tmuxWindowName(input.taskId);
  const tmuxTarget = `${deps.tmux.options.session}:${name}`;
  await deps.tmux.ensureSession();
  const existing = await deps.tmux.findWindow(name);
  const missing = !existsSync(input.worktree);
  if (existing && !existing.paneDead && !missing) {
    return {
      paneId: existing.paneId,
      windowId: existing.windowId,
      outcome: 'reused',
      resumed: false,
      tmuxTarget,
    };
  }
  if (missing) {
    if (!input.restore) throw ApplicationFailure.retryable(`worktree ${input.worktree} is missing`, 'WorktreeMissing');
    const prepared = await prepareWorktree({
      ...input.restore,
      taskId: input.taskId,
      workspace: deps.workspace,
      droverHome: deps.droverHome,
    });
    if (prepared.worktree !== input.worktree) {
      throw ApplicationFailure.nonRetryable(
        `the restored worktree ${prepared.worktree} is not the task's ${input.worktree}`,
        'WorktreeMoved',
      );
    }
  }
  const home = await ensureAgentHome(path.join(deps.droverHome, 'homes'), input.taskId);
  const ports = await portBlockFor(deps.droverHome, input.taskId);
  const env: Record<string, string> = {
    ...deps.agentEnv,
    HOME: home,
    DROVER_TASK_ID: input.taskId,
    DROVER_WORKFLOW_ID: input.workflowId,
    ...portEnv(ports),
  };
  let rehearsalBaseUrl: string | undefined;
  if (profile.name === 'sim') {
    // the sim's script (its "scenario") travels in its environment: no model server involved
    try {
      env.DROVER_SIM_SCRIPT = JSON.stringify(parseSimScript(input.scenario, `sim script of ${input.taskId}`));
    } catch (error) {
      throw ApplicationFailure.nonRetryable((error as Error).message, 'InvalidSimScript');
    }
  } else if (input.scenario !== undefined) {
    if (!deps.scenarioHost)
      throw ApplicationFailure.nonRetryable(
        'this worker has no scripted model server; start it with rehearsal enabled',
        'NoScenarioHost',
      );
    const route = input.taskId;
    await deps.scenarioHost.setScenario(route, scenarioFor(input.scenario, profile.name));
    rehearsalBaseUrl = `${deps.scenarioHost.url}/r/${encodeURIComponent(route)}`;
    Object.assign(env, rehearsalModelEnv(profile.name, rehearsalBaseUrl));
  }
  if (profile.name === 'codex') {
    Object.assign(env, await prepareCodexHome(home, { worktree: input.worktree, rehearsalBaseUrl }));
  }
  const resume =
    geminiSessionExists(home, input.sessionId) || sessionExists(home, input.sessionId, profile.launch.sessionStore);
  const crashOnStart =
    crashesOnStart(input.scenario, profile.name) || (resume && crashesOnRestart(input.scenario, profile.name));
  await seedAgentHome(profile.name, home, { worktree: input.worktree, crashOnStart });
  const binary = resolveAgentBinary(profile.command, deps.projectRoot, process.env);
  // gemini's crash comes from its seeded HOME; any other CLI is replaced by a process that exits at once
  const argv =
    crashOnStart && profile.name !== 'gemini'
      ? crashingArgv(profile.name)
      : [binary, ...buildLaunchArgs(profile, { sessionId: input.sessionId, resume, model: input.model })];
  const restored = missing ? { restoredWorktree: true } : {};
  if (existing) {
    // a live pane here sits in a deleted worktree: -k replaces it
    await deps.tmux.respawnPane(existing.paneId, input.worktree, env, argv);
    return {
      paneId: existing.paneId,
      windowId: existing.windowId,
      outcome: 'relaunched',
      resumed: resume,
      tmuxTarget,
      ports,
      ...restored,
    };
  }
  const created = await deps.tmux.newWindow(name, input.worktree, env, argv);
  return {
    paneId: created.paneId,
    windowId: created.windowId,
    outcome: 'launched',
    resumed: resume,
    tmuxTarget,
    ports,
    ...restored,
  };
}

/** Rehearsal fault `crashOnStart`: the agent's process prints one line and exits with status 1. */
function crashingArgv(agent: string): string[] {
  return [
    process.execPath,
    '-e',
    `console.error(${JSON.stringify(`rehearsal: ${agent} crashes on start (crashOnStart)`)}); process.exit(1)`,
  ];
}

export interface DeliverInput {
  paneId: string;
  agent: string;
  text: string;
  bufferName: string;
  /** The task's window: a pane id now owned by another window (tmux restarted) is treated as dead, never typed into. */
  windowName?: string;
}

export interface DeliverResult {
  submitted: boolean;
  /** Done markers already on screen before the text was sent (only later ones count). */
  doneCount: number;
  attempts: number;
  detail: string;
}

/**
 * Pastes text and submits it, then confirms the submission from the screen: the input box
 * is empty again or the agent is working. Retries Enter when the text still sits there.
 * Never types into a dead pane or an open dialog.
 */
export async function deliverText(deps: ActivityDeps, input: DeliverInput): Promise<DeliverResult> {
  // the workflow acts: an older watch of this pane may no longer act, and nothing else types meanwhile
  const pane = { tmux: deps.tmux, paneId: input.paneId };
  claimPane(pane);
  return withPaneTurn(pane, () => deliverTextNow(deps, input));
}

/** deliverText within a turn the caller already holds (pane-turns.ts). */
export async function deliverTextNow(deps: ActivityDeps, input: DeliverInput): Promise<DeliverResult> {
  const profile = getProfile(input.agent);
  const look = async () => {
    const pane = await deps.tmux.paneInfo(input.paneId);
    if (!pane || pane.paneDead || (input.windowName !== undefined && pane.windowName !== input.windowName))
      return { dead: true as const };
    return {
      dead: false as const,
      cls: classifyScreen(profile, await deps.tmux.capture(input.paneId, 2000), {
        paneDead: false,
        paneCommand: pane.currentCommand,
      }),
    };
  };
  const before = await look();
  if (before.dead) return { submitted: false, doneCount: 0, attempts: 0, detail: 'the agent pane is dead' };
  const doneCount = before.cls.doneCount;
  if (before.cls.state === 'dialog') return { submitted: false, doneCount, attempts: 0, detail: 'a dialog is open' };
  await deps.tmux.paste(input.paneId, input.text, input.bufferName);
  await delay(400);
  for (let attempt = 1; attempt <= 4; attempt += 1) {
    await deps.tmux.sendKeys(input.paneId, ['Enter']);
    for (let i = 0; i < 10; i += 1) {
      await delay(250);
      const now = await look();
      if (now.dead) return { submitted: false, doneCount, attempts: attempt, detail: 'the agent pane died' };
      if (now.cls.state === 'working' || now.cls.state === 'dialog')
        return { submitted: true, doneCount, attempts: attempt, detail: `agent ${now.cls.state}` };
      if (now.cls.state === 'idle' && i >= 3)
        return { submitted: true, doneCount, attempts: attempt, detail: 'input box cleared' };
    }
  }
  return {
    submitted: false,
    doneCount,
    attempts: 4,
    detail: 'the text is still in the input box after 4 Enter presses',
  };
}

export async function sendKeys(deps: ActivityDeps, input: { paneId: string; keys: string[] }): Promise<void> {
  const pane = { tmux: deps.tmux, paneId: input.paneId };
  claimPane(pane);
  return withPaneTurn(pane, () => sendKeysNow(deps, input));
}

/** sendKeys within a turn the caller already holds (pane-turns.ts). */
export async function sendKeysNow(deps: ActivityDeps, input: { paneId: string; keys: string[] }): Promise<void> {
  const pane = await deps.tmux.paneInfo(input.paneId);
  if (!pane || pane.paneDead)
    throw ApplicationFailure.nonRetryable('the agent pane is dead; keys not sent', 'PaneDead');
  for (const key of input.keys) {
    await deps.tmux.sendKeys(input.paneId, [key]);
    // a pause after every key, the last too: an Escape followed at once by a paste reads as an Alt sequence
    await delay(120);
  }
}
