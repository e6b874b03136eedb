import { z } from 'zod';
import { CommandRulesFileSchema } from '../domain/command-rules.js';
import { CustomAgentSchema } from '../domain/custom-profile.js';
import { SetupSpecSchema } from '../domain/setup.js';
import { WebhookKindSchema } from '../domain/notification.js';

export { WebhookKindSchema } from '../domain/notification.js';

const PORT_MESSAGE = 'must be a TCP port number between 1 and 65535';

export const TcpPortSchema = z
  .number({ error: PORT_MESSAGE })
  .int({ error: PORT_MESSAGE })
  .min(1, { error: PORT_MESSAGE })
  .max(65535, { error: PORT_MESSAGE });

export const HostIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
  error: 'must be 1-63 characters of [a-z0-9-], starting with a letter or digit',
});

export const TaskQueueSchema = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, {
  error: 'must be 1-200 characters of [A-Za-z0-9._-] ("@" is reserved for host queues)',
});

const SLOTS_MESSAGE = 'must be a whole number of concurrent agents between 1 and 1000';

/** How many agents this host runs at once (its worktree slots); placement fills the host with the most free slots. */
export const HostSlotsSchema = z
  .number({ error: SLOTS_MESSAGE })
  .int({ error: SLOTS_MESSAGE })
  .min(1, { error: SLOTS_MESSAGE })
  .max(1000, { error: SLOTS_MESSAGE });

/** Default capacity of a host: a handful of real agent CLIs (each a few hundred MB) per machine. */
export const DEFAULT_HOST_SLOTS = 8;

export const TmuxSocketSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1-64 characters of [A-Za-z0-9_-]' });

export const NamespaceSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, { error: 'must be a Temporal namespace name ([A-Za-z0-9._-])' });

export const AddressSchema = z.string().regex(/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, {
  error: 'must be host:port, e.g. temporal.example.com:7233',
});

export const WebUiUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const PathSchema = z.string().min(1, { error: 'must be a non-empty path' });

export const WebhookUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const TIMEOUT_MESSAGE =
  'must be a whole number of milliseconds between 1 and 15000 (the notify activity itself times out after 20 s)';

/** Per-post webhook timeout; below the notify activity's 20 s so a slow receiver never costs a retry. */
export const WebhookTimeoutMsSchema = z
  .number({ error: TIMEOUT_MESSAGE })
  .int({ error: TIMEOUT_MESSAGE })
  .min(1, { error: TIMEOUT_MESSAGE })
  .max(15000, { error: TIMEOUT_MESSAGE });

/** Values never echoed in configuration errors: a webhook URL carries its token. */
export const SECRET_ENV_NAMES: readonly string[] = ['DROVER_WEBHOOK_URL'];
export const SECRET_FILE_KEYS: readonly string[] = ['notify.webhookUrl'];

/** TLS for an external Temporal: all paths absolute; `null` in the config means plaintext. */
export const TlsSettingsSchema = z.object({
  certPath: z.string().optional(),
  keyPath: z.string().optional(),
  caPath: z.string().optional(),
  serverName: z.string().optional(),
});
export type TlsSettings = z.infer<typeof TlsSettingsSchema>;

/** What the config says about one repository: `setup` for its tasks' new worktrees (domain/setup.ts). */
export const RepoSettingsSchema = z.strictObject({ setup: SetupSpecSchema.optional() });

export const DroverConfigSchema = z.object({
  projectRoot: z.string(),
  /** State directory (default `<projectRoot>/.drover`). */
  droverHome: z.string(),
  /** Root of clones and worktrees (default `<droverHome>/workspace`). */
  workspace: z.string(),
  hostId: HostIdSchema,
  /** Concurrent agents on this host (DROVER_HOST_SLOTS / slots). */
  slots: HostSlotsSchema,
  /** Shared task queue; each host also listens on `hostTaskQueue(config)`. */
  taskQueue: TaskQueueSchema,
  tmuxSocket: TmuxSocketSchema,
  /** True when no TEMPORAL_ADDRESS / temporal.address: Drover runs its own dev server. */
  embedded: z.boolean(),
  temporal: z.object({
    /** Always set; for the embedded server `127.0.0.1:<dev.port>`. */
    address: AddressSchema,
    namespace: NamespaceSchema,
    tls: TlsSettingsSchema.nullable(),
    /** Base URL of the Web UI (no namespace path). */
    webUiUrl: z.string(),
  }),
  dev: z.object({
    port: TcpPortSchema,
    uiPort: TcpPortSchema,
    /** Persistent SQLite store of the embedded dev server. */
    dbFile: z.string(),
  }),
  /** Notifications besides stdout and `notifications.log`; read by the worker only, never put in workflow input. */
  notify: z.object({
    webhookUrl: WebhookUrlSchema.optional(),
    /** Overrides the kind detected from the URL. */
    webhookKind: WebhookKindSchema.optional(),
    timeoutMs: WebhookTimeoutMsSchema,
  }),
  /** Custom agent CLIs (file only): profiles built on a built-in one; see custom-profile.ts. */
  agents: z.array(CustomAgentSchema).max(20).default([]),
  /** Ad-hoc tasks (`drover task`) on a GitHub repository open a pull request without `--open-pr` (DROVER_OPEN_PR / openPr). */
  openPr: z.boolean().default(false),
  /** The user's command rules for every task (file only): argv patterns, domain/command-rules.ts. */
  commands: CommandRulesFileSchema.default({}),
  /** Per repository (its path, relative to the project root or absolute): the worktree setup of its tasks. */
  repos: z.record(z.string(), RepoSettingsSchema).default({}),
});
export type DroverConfig = z.infer<typeof DroverConfigSchema>;

/** `drover.config.json` / `drover.config.yaml`: every key optional; relative paths are from the project root. */
export const ConfigFileSchema = z.strictObject({
  droverHome: PathSchema.optional(),
  workspace: PathSchema.optional(),
  hostId: HostIdSchema.optional(),
  slots: HostSlotsSchema.optional(),
  taskQueue: TaskQueueSchema.optional(),
  tmuxSocket: TmuxSocketSchema.optional(),
  temporal: z
    .strictObject({
      address: AddressSchema.optional(),
      namespace: NamespaceSchema.optional(),
      tls: z
        .union([
          z.boolean(),
          z.strictObject({
            cert: PathSchema.optional(),
            key: PathSchema.optional(),
            ca: PathSchema.optional(),
            serverName: z.string().min(1).optional(),
          }),
        ])
        .optional(),
      webUiUrl: WebUiUrlSchema.optional(),
    })
    .optional(),
  dev: z
    .strictObject({
      port: TcpPortSchema.optional(),
      uiPort: TcpPortSchema.optional(),
    })
    .optional(),
  notify: z
    .strictObject({
      webhookUrl: WebhookUrlSchema.optional(),
      webhookKind: WebhookKindSchema.optional(),
      timeoutMs: WebhookTimeoutMsSchema.optional(),
    })
    .optional(),
  agents: z.array(CustomAgentSchema).max(20).optional(),
  openPr: z.boolean().optional(),
  commands: CommandRulesFileSchema.optional(),
  repos: z.record(z.string(), RepoSettingsSchema).optional(),
});
export type ConfigFile = z.infer<typeof ConfigFileSchema>;
