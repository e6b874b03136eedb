import type { WebhookKind } from '../domain/notification.js';
import type { GithubSettings } from '../github/settings.js';
import type { PaneWatcher } from '../host/tmux/pane-watcher.js';
import type { TmuxClient } from '../host/tmux/tmux-client.js';

/** The part of the scripted model server the worker needs: serve a scenario on a route. */
export interface ScenarioHost {
  url: string;
  setScenario(route: string, scenario: unknown): void | Promise<void>;
}

/** Everything activities touch in the world, wired once per worker (createActivities). */
export interface ActivityDeps {
  hostId: string;
  /** This host's own task queue (`drover@<hostId>`). */
  hostQueue: string;
  /** This host's capacity (concurrent agents), sent with its heartbeat to the host registry. */
  slots: number;
  projectRoot: string;
  droverHome: string;
  workspace: string;
  tmux: TmuxClient;
  watcher: PaneWatcher;
  /** Present in rehearsal: the worker's scripted model server. */
  scenarioHost?: ScenarioHost;
  /** Variables every agent window gets (Temporal address for `drover report`, …). */
  agentEnv: Record<string, string>;
  /** Where notification lines go besides the notifications log. */
  notifyLine: (line: string) => void;
  /** Where notifications are also posted; read from the worker's config only, never from workflow input. */
  webhook?: { url: string; kind: WebhookKind; timeoutMs: number };
  /** GitHub API root and token, from the worker's environment only (never workflow input). */
  github?: GithubSettings;
}
