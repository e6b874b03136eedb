import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_HOST_SLOTS, DroverConfigSchema, type DroverConfig, type TlsSettings } from './config-schema.js';
import {
  ConfigError,
  readConfigFile,
  readEnvSettings,
  type EnvSettings,
  type LoadedConfigFile,
} from './config-sources.js';

export { ConfigError } from './config-sources.js';
export type { DroverConfig, TlsSettings } from './config-schema.js';

/**
 * Configuration, lowest to highest precedence: defaults, `drover.config.{json,yaml}` at the project
 * root, environment variables.
 *
 * | env                       | file key             | default                      |
 * |---------------------------|----------------------|------------------------------|
 * | TEMPORAL_ADDRESS          | temporal.address     | unset → embedded dev server  |
 * | TEMPORAL_NAMESPACE        | temporal.namespace   | default                      |
 * | TEMPORAL_TLS (1/0)        | temporal.tls (bool)  | on when a cert/key/CA is set |
 * | TEMPORAL_TLS_CERT/_KEY/_CA| temporal.tls.cert/…  |                              |
 * | TEMPORAL_TLS_SERVER_NAME  | temporal.tls.serverName |                           |
 * | DROVER_WEB_UI_URL         | temporal.webUiUrl    | embedded: http://127.0.0.1:<uiPort> |
 * | DROVER_HOME               | droverHome           | <projectRoot>/.drover        |
 * | DROVER_WORKSPACE          | workspace            | <droverHome>/workspace       |
 * | DROVER_HOST_ID            | hostId               | hostname, sanitized          |
 * | DROVER_HOST_SLOTS         | slots                | 8 (concurrent agents on this host) |
 * | DROVER_TASK_QUEUE         | taskQueue            | drover                       |
 * | DROVER_TMUX_SOCKET        | tmuxSocket           | drover                       |
 * | DROVER_DEV_PORT           | dev.port             | 7233                         |
 * | DROVER_UI_PORT            | dev.uiPort           | 8233                         |
 * | DROVER_WEBHOOK_URL        | notify.webhookUrl    | unset → no webhook (a secret: never echoed, never in workflow input) |
 * | DROVER_WEBHOOK_KIND       | notify.webhookKind   | detected from the URL (slack/discord/generic) |
 * | DROVER_WEBHOOK_TIMEOUT_MS | notify.timeoutMs     | 5000                         |
 * | DROVER_OPEN_PR (1/0)      | openPr               | off: `drover task` opens a PR only with --open-pr |
 *
 * Relative paths: from the current directory in env vars, from the project root in the file.
 */
export interface LoadConfigOptions {
  projectRoot?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  hostname?: string;
}

let cachedProjectRoot: string | undefined;

/** The Drover repository root: the nearest ancestor of this file holding Drover's package.json. */
export function projectRoot(): string {
  if (cachedProjectRoot) return cachedProjectRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'drover') {
      cachedProjectRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find Drover's package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export function hostTaskQueue(config: Pick<DroverConfig, 'taskQueue' | 'hostId'>): string {
  return `${config.taskQueue}@${config.hostId}`;
}

/** Lowercase, `[a-z0-9-]` only, no leading/trailing/double dashes, at most 63 characters. */
export function sanitizeHostId(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return cleaned || 'host';
}

interface Layered<T> {
  value: T;
  source: string;
}

function layer<T>(env: [string, T | undefined], file: [string, T | undefined], fallback: T): Layered<T> {
  if (env[1] !== undefined) return { value: env[1], source: env[0] };
  if (file[1] !== undefined) return { value: file[1], source: file[0] };
  return { value: fallback, source: 'default' };
}

function resolveTls(
  env: EnvSettings,
  file: LoadedConfigFile | undefined,
  from: (p: string) => string,
  issues: string[],
) {
  const fileTls = file?.settings.temporal?.tls;
  const fileParts = typeof fileTls === 'object' ? fileTls : {};
  const key = (name: string) => `${file?.path ?? 'config file'}: temporal.tls${name}`;
  const pathOf = (
    envName: 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY' | 'TEMPORAL_TLS_CA',
    fileValue: string | undefined,
    fileKey: string,
  ) => {
    if (env[envName] !== undefined) return { value: resolve(env[envName]), source: envName };
    if (fileValue !== undefined) return { value: from(fileValue), source: key(fileKey) };
    return undefined;
  };
  const cert = pathOf('TEMPORAL_TLS_CERT', fileParts.cert, '.cert');
  const tlsKey = pathOf('TEMPORAL_TLS_KEY', fileParts.key, '.key');
  const ca = pathOf('TEMPORAL_TLS_CA', fileParts.ca, '.ca');
  const serverName = env.TEMPORAL_TLS_SERVER_NAME ?? fileParts.serverName;
  const parts = [cert, tlsKey, ca].filter((part) => part !== undefined);
  for (const part of parts) {
    if (!existsSync(part.value)) issues.push(`${part.source}: file not found: ${part.value}`);
  }
  if (cert && !tlsKey) issues.push(`${cert.source} is set but no client key (TEMPORAL_TLS_KEY / temporal.tls.key)`);
  if (tlsKey && !cert)
    issues.push(`${tlsKey.source} is set but no client certificate (TEMPORAL_TLS_CERT / temporal.tls.cert)`);
  const explicit = layer(
    ['TEMPORAL_TLS', env.TEMPORAL_TLS],
    [key(''), typeof fileTls === 'boolean' ? fileTls : undefined],
    undefined,
  );
  const enabled = explicit.value ?? (parts.length > 0 || serverName !== undefined || typeof fileTls === 'object');
  if (!enabled && (parts.length > 0 || serverName !== undefined)) {
    issues.push(`${explicit.source} disables TLS but TLS certificate settings are also given`);
  }
  if (!enabled) return { tls: null, source: explicit.source };
  const tls: TlsSettings = { certPath: cert?.value, keyPath: tlsKey?.value, caPath: ca?.value, serverName };
  return { tls, source: parts[0]?.source ?? explicit.source };
}

function defaultWebUiUrl(address: string | undefined, uiPort: number): string {
  if (address === undefined) return `http://127.0.0.1:${uiPort}`;
  const host = address.replace(/:\d+$/, '');
  if (host.endsWith('.tmprl.cloud')) return 'https://cloud.temporal.io';
  return `http://${host}:8080`;
}

export function loadConfig(options: LoadConfigOptions = {}): DroverConfig {
  const root = resolve(options.projectRoot ?? projectRoot());
  const cwd = options.cwd ?? process.cwd();
  const issues: string[] = [];
  const collect = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues.push(...error.issues);
      return undefined;
    }
  };
  const env = collect(() => readEnvSettings(options.env ?? process.env)) ?? {};
  const file = collect(() => readConfigFile(root));
  if (issues.length > 0) throw new ConfigError(issues);

  const f = file?.settings ?? {};
  const k = (key: string) => `${file?.path ?? 'config file'}: ${key}`;
  const fromEnv = (p: string | undefined) => (p === undefined ? undefined : resolve(cwd, p));
  const fromFile = (p: string) => (isAbsolute(p) ? p : resolve(root, p));

  const droverHome = fromEnv(env.DROVER_HOME) ?? (f.droverHome ? fromFile(f.droverHome) : join(root, '.drover'));
  const workspace =
    fromEnv(env.DROVER_WORKSPACE) ?? (f.workspace ? fromFile(f.workspace) : join(droverHome, 'workspace'));
  const address = layer<string | undefined>(
    ['TEMPORAL_ADDRESS', env.TEMPORAL_ADDRESS],
    [k('temporal.address'), f.temporal?.address],
    undefined,
  );
  const port = layer(['DROVER_DEV_PORT', env.DROVER_DEV_PORT], [k('dev.port'), f.dev?.port], 7233);
  const uiPort = layer(['DROVER_UI_PORT', env.DROVER_UI_PORT], [k('dev.uiPort'), f.dev?.uiPort], 8233);
  const embedded = address.value === undefined;
  const tls = resolveTls(env, file, fromFile, issues);

  if (embedded && port.value === uiPort.value) {
    issues.push(`${port.source} and ${uiPort.source} are both ${port.value}; the gRPC and Web UI ports must differ`);
  }
  if (embedded && tls.tls !== null) {
    issues.push(
      `${tls.source} configures TLS but no TEMPORAL_ADDRESS is set; the embedded dev server is plaintext on 127.0.0.1`,
    );
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const webUiUrl = env.DROVER_WEB_UI_URL ?? f.temporal?.webUiUrl ?? defaultWebUiUrl(address.value, uiPort.value);
  return DroverConfigSchema.parse({
    projectRoot: root,
    droverHome,
    workspace,
    hostId: env.DROVER_HOST_ID ?? f.hostId ?? sanitizeHostId(options.hostname ?? hostname()),
    slots: env.DROVER_HOST_SLOTS ?? f.slots ?? DEFAULT_HOST_SLOTS,
    taskQueue: env.DROVER_TASK_QUEUE ?? f.taskQueue ?? 'drover',
    tmuxSocket: env.DROVER_TMUX_SOCKET ?? f.tmuxSocket ?? 'drover',
    embedded,
    temporal: {
      address: address.value ?? `127.0.0.1:${port.value}`,
      namespace: env.TEMPORAL_NAMESPACE ?? f.temporal?.namespace ?? 'default',
      tls: tls.tls,
      webUiUrl: webUiUrl.replace(/\/+$/, ''),
    },
    dev: { port: port.value, uiPort: uiPort.value, dbFile: join(droverHome, 'temporal.sqlite') },
    notify: {
      webhookUrl: env.DROVER_WEBHOOK_URL ?? f.notify?.webhookUrl,
      webhookKind: env.DROVER_WEBHOOK_KIND ?? f.notify?.webhookKind,
      timeoutMs: env.DROVER_WEBHOOK_TIMEOUT_MS ?? f.notify?.timeoutMs ?? 5000,
    },
    agents: f.agents ?? [],
    openPr: env.DROVER_OPEN_PR ?? f.openPr ?? false,
    commands: f.commands ?? {},
    repos: f.repos ?? {},
  });
}
