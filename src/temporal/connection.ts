import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { dataConverterFromEnv } from '../codec/data-converter.js';
import type { DroverConfig } from '../config/config-schema.js';

type TlsOption = Exclude<NonNullable<ConnectionOptions['tls']>, boolean>;

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
  return new TemporalUnreachableError(
    `Cannot connect to Temporal at ${config.temporal.address}: ${(error as Error).message}. ${hint}`,
    { cause: error },
  );
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
/** `identity`: recorded in the history with each signal and update this client sends (default: the SDK's pid@host). */
export async function connectClient(
  config: DroverConfig,
  options: { env?: NodeJS.ProcessEnv; identity?: string } = {},
): Promise<Client> {
  const dataConverter = dataConverterFromEnv(options.env ?? process.env);
  const connection = await connectConnection(config);
  return new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter,
    ...(options.identity ? { identity: options.identity } : {}),
  });
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
