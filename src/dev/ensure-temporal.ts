import type { DroverConfig } from '../config/config-schema.js';
import { connectConnection } from '../temporal/connection.js';
import type { DevLog } from '../temporal/progress-log.js';
import { registerSearchAttributes } from '../temporal/search-attributes.js';
import { grpcCode } from '../temporal/temporal-frontend.js';
import { ensureDevServer } from './dev-server.js';
import { findTemporalCli } from './temporal-cli.js';

const GRPC_PERMISSION_DENIED = 7;
const GRPC_UNIMPLEMENTED = 12;
const GRPC_UNAUTHENTICATED = 16;

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
