import { createConnection } from 'node:net';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import type { DevLog } from './progress-log.js';

const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;

export function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Opens a plaintext connection and checks it answers `GetSystemInfo` (Connection.connect does that call). */
export async function connectLocal(address: string, timeoutMs: number): Promise<Connection> {
  return Connection.connect({ address, connectTimeout: timeoutMs });
}

/** True when a Temporal frontend answers at `address` within `timeoutMs`. */
export async function probeTemporal(address: string, timeoutMs = 1500): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await connectLocal(address, timeoutMs);
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function isPortInUse(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (inUse: boolean) => {
      socket.destroy();
      resolve(inUse);
    };
    socket.setTimeout(timeoutMs, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Registers `namespace` if the server does not know it (a reused dev server may predate it). */
export async function ensureNamespace(connection: Connection, namespace: string, log: DevLog): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return;
  } catch (error) {
    if (grpcCode(error) !== GRPC_NOT_FOUND) throw error;
  }
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      description: 'Created by Drover',
      workflowExecutionRetentionPeriod: msToTs('7 days'),
    });
    log(`Registered Temporal namespace ${namespace}`);
  } catch (error) {
    if (grpcCode(error) !== GRPC_ALREADY_EXISTS) throw error;
  }
}
