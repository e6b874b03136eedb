import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  AddressSchema,
  ConfigFileSchema,
  HostIdSchema,
  HostSlotsSchema,
  NamespaceSchema,
  PathSchema,
  SECRET_ENV_NAMES,
  SECRET_FILE_KEYS,
  TaskQueueSchema,
  TcpPortSchema,
  TmuxSocketSchema,
  WebUiUrlSchema,
  WebhookKindSchema,
  WebhookTimeoutMsSchema,
  WebhookUrlSchema,
  type ConfigFile,
} from './config-schema.js';

export const CONFIG_FILE_NAMES = ['drover.config.json', 'drover.config.yaml', 'drover.config.yml'] as const;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid Drover configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const envPort = z
  .string()
  .regex(/^\d+$/, { error: 'must be a TCP port number between 1 and 65535' })
  .transform(Number)
  .pipe(TcpPortSchema);

const envTimeoutMs = z
  .string()
  .regex(/^\d+$/, { error: 'must be a whole number of milliseconds between 1 and 15000' })
  .transform(Number)
  .pipe(WebhookTimeoutMsSchema);

const envSlots = z
  .string()
  .regex(/^\d+$/, { error: 'must be a whole number of concurrent agents between 1 and 1000' })
  .transform(Number)
  .pipe(HostSlotsSchema);

const envFlag = z
  .string()
  .toLowerCase()
  .pipe(z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { error: 'must be 1 or 0 (or true/false)' }))
  .transform((value) => ['1', 'true', 'yes', 'on'].includes(value));

const EnvSchema = z.object({
  TEMPORAL_ADDRESS: AddressSchema.optional(),
  TEMPORAL_NAMESPACE: NamespaceSchema.optional(),
  TEMPORAL_TLS: envFlag.optional(),
  TEMPORAL_TLS_CERT: PathSchema.optional(),
  TEMPORAL_TLS_KEY: PathSchema.optional(),
  TEMPORAL_TLS_CA: PathSchema.optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  DROVER_HOME: PathSchema.optional(),
  DROVER_WORKSPACE: PathSchema.optional(),
  DROVER_HOST_ID: HostIdSchema.optional(),
  DROVER_HOST_SLOTS: envSlots.optional(),
  DROVER_TASK_QUEUE: TaskQueueSchema.optional(),
  DROVER_TMUX_SOCKET: TmuxSocketSchema.optional(),
  DROVER_DEV_PORT: envPort.optional(),
  DROVER_UI_PORT: envPort.optional(),
  DROVER_WEB_UI_URL: WebUiUrlSchema.optional(),
  DROVER_WEBHOOK_URL: WebhookUrlSchema.optional(),
  DROVER_WEBHOOK_KIND: z.string().toLowerCase().pipe(WebhookKindSchema).optional(),
  DROVER_WEBHOOK_TIMEOUT_MS: envTimeoutMs.optional(),
  DROVER_OPEN_PR: envFlag.optional(),
});
export type EnvSettings = z.infer<typeof EnvSchema>;
export type EnvName = keyof EnvSettings;

const HIDDEN = 'a value not shown here: webhook URLs carry a token';

function describeValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Reads the known variables; empty strings count as unset. Throws ConfigError naming each bad variable. */
export function readEnvSettings(env: NodeJS.ProcessEnv): EnvSettings {
  const present: Record<string, string> = {};
  for (const name of Object.keys(EnvSchema.shape)) {
    const value = env[name]?.trim();
    if (value) present[name] = value;
  }
  const parsed = EnvSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const got = SECRET_ENV_NAMES.includes(name) ? HIDDEN : describeValue(present[name]);
      return `${name} ${issue.message} (got ${got})`;
    }),
  );
}

export interface LoadedConfigFile {
  path: string;
  settings: ConfigFile;
}

/** Loads the optional project config file. Throws ConfigError naming the file and key on bad content. */
export function readConfigFile(projectRoot: string): LoadedConfigFile | undefined {
  const found = CONFIG_FILE_NAMES.map((name) => join(projectRoot, name)).filter((path) => existsSync(path));
  if (found.length > 1) throw new ConfigError([`several config files found (${found.join(', ')}); keep only one`]);
  const path = found[0];
  if (path === undefined) return undefined;
  let raw: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError([`${path}: cannot parse: ${(error as Error).message}`]);
  }
  const parsed = ConfigFileSchema.safeParse(raw ?? {});
  if (parsed.success) return { path, settings: parsed.data };
  throw new ConfigError(
    parsed.error.issues.flatMap((issue) => {
      const key = issue.path.map(String).join('.') || '(top level)';
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map(
          (unknown) => `${path}: ${[...issue.path.map(String), unknown].join('.')} is not a known key`,
        );
      }
      const value = valueAt(raw, issue.path);
      const got = value === undefined ? '' : ` (got ${SECRET_FILE_KEYS.includes(key) ? HIDDEN : describeValue(value)})`;
      return `${path}: ${key} ${issue.message}${got}`;
    }),
  );
}
