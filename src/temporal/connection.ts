import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { dataConverterFromEnv } from '../codec/data-converter.js';
import type { DroverConfig } from '../config/config-schema.js';
import { ensureDevServer } from '../dev/dev-server.js';
import type { DevLog } from './progress-log.js';
import { registerSearchAttributes } from './search-attributes.js';
import { findTemporalCli } from '../dev/temporal-cli.js';
import { grpcCode } from './temporal-frontend.js';

type TlsOption = Exclude<NonNullable<ConnectionOptions['tls']>, boolean>;

const GRPC_PERMISSION_DENIED = 7;
const GRPC_UNIMPLEMENTED = 12;
const GRPC_UNAUTHENTICATED = 16;

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`Cannot read the TLS ${what} ${path}: ${(error as Error).message}`);
  }
}

/** SDK TLS options from the config (files read now); undefined means plaintext. */
export function temporalTls(config: DroverConfig): TlsOption | undefined {
  const tls = config.temporal.tls;
  if (tls === null) return undefined;
  const options: TlsOption = {};
  if (tls.caPath) options.serverRootCACertificate = readPem(tls.caPath, 'CA certificate (TEMPORAL_TLS_CA)');
  if (tls.certPath && tls.keyPath) {
    options.clientCertPair = {
      crt: readPem(tls.certPath, 'client certificate (TEMPORAL_TLS_CERT)'),
      key: readPem(tls.keyPath, 'client key (TEMPORAL_TLS_KEY)'),
    };
  }
  if (tls.serverName) options.serverNameOverride = tls.serverName;
  return options;
}

/** The Temporal frontend did not answer (down, restarting, wrong address): a caller may wait and try again. */
export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
}

function unreachable(config: DroverConfig, error: unknown): Error {
  const hint = config.embedded
    ? 'Is the embedded dev server running? `drover dev` starts it.'
    : 'Check TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the TLS settings (TEMPORAL_TLS_CERT/KEY/CA, TEMPORAL_TLS).';
  return new TemporalUnreachableError(`Cannot connect to Temporal at ${config.temporal.address}: ${(error as Error).message}. ${hint}`, { cause: error });
}

export async function connectConnection(config: DroverConfig): Promise<Connection> {
  try {
    return await Connection.connect({
      address: config.temporal.address,
      tls: temporalTls(config),
      connectTimeout: config.embedded ? 5000 : 15_000,
    });
  } catch (error) {
    throw unreachable(config, error);
  }
}

/**
 * A client bound to the configured namespace; close it with `client.connection.close()`. With
 * DROVER_CODEC_KEY / DROVER_CODEC_KEYS in `env` its payloads are encrypted (src/codec/).
 */
export async function connectClient(config: DroverConfig, options: { env?: NodeJS.ProcessEnv } = {}): Promise<Client> {
  const dataConverter = dataConverterFromEnv(options.env ?? process.env);
  const connection = await connectConnection(config);
  return new Client({ connection, namespace: config.temporal.namespace, dataConverter });
}

/** Worker connection (pass `config.temporal.namespace` to `Worker.create`; namespaces are per worker). */
export async function connectNativeConnection(config: DroverConfig): Promise<NativeConnection> {
  const { NativeConnection } = await import('@temporalio/worker');
  try {
    return await NativeConnection.connect({ address: config.temporal.address, tls: temporalTls(config) });
  } catch (error) {
    throw unreachable(config, error);
  }
}

export interface TemporalEndpoint {
  address: string;
  /** The namespace's workflow list in the Web UI. */
  webUiUrl: string;
  embedded: boolean;
}

/**
 * Makes Temporal usable: for the embedded config, finds (or installs) the CLI and starts or reuses
 * the detached dev server; then registers Drover's search attributes. On an external server a
 * permission error only warns (an operator may have to register them).
 */
export async function ensureTemporal(config: DroverConfig, log: DevLog): Promise<TemporalEndpoint> {
  const namespace = config.temporal.namespace;
  if (config.embedded) {
    const cli = await findTemporalCli({ projectRoot: config.projectRoot, install: true, log });
    await ensureDevServer({
      cli,
      dbFile: config.dev.dbFile,
      port: config.dev.port,
      uiPort: config.dev.uiPort,
      namespace,
      log,
      detached: true,
      stateDir: config.droverHome,
    });
  }
  const connection = await connectConnection(config);
  try {
    await registerSearchAttributes(connection, namespace, log);
  } catch (error) {
    const code = grpcCode(error);
    const tolerated = [GRPC_PERMISSION_DENIED, GRPC_UNIMPLEMENTED, GRPC_UNAUTHENTICATED].includes(code ?? -1);
    if (config.embedded || !tolerated) throw error;
    log(
      `warning: could not register Drover's search attributes in namespace ${namespace} (${(error as Error).message}). ` +
        'Ask an operator to add DroverTaskId, DroverRepo, DroverPhase, DroverAgentState and DroverCli as Keyword; ' +
        'until then, search by those attributes will not work.',
    );
  } finally {
    await connection.close();
  }
  return {
    address: config.temporal.address,
    webUiUrl: `${config.temporal.webUiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows`,
    embedded: config.embedded,
  };
}
