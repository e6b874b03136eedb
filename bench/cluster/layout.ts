import os from 'node:os';
import path from 'node:path';

/**
 * Where every part of the local cluster lives: directories and loopback ports. Pure, so `up`,
 * `down` and `status` (and the chaos suite) agree on them without reading each other's state.
 */
export interface ClusterLayout {
  /** Runtime state: configs, logs, the PostgreSQL data, the hosts' homes, state.json. */
  dir: string;
  temporalVersion: string;
  postgres: { port: number; dataDir: string; socketDir: string; user: string; password: string };
  /** The load balancer in front of the frontends: the address clients and workers use. */
  address: string;
  lbPort: number;
  nodes: ServerNodeLayout[];
  hosts: HostLayout[];
  namespace: string;
  taskQueue: string;
}

export interface ServerNodeLayout {
  name: string;
  configFile: string;
  frontend: { grpc: number; membership: number; http: number };
  history: { grpc: number; membership: number };
  matching: { grpc: number; membership: number };
  worker: { grpc: number; membership: number };
  metrics: number;
}

export interface HostLayout {
  hostId: string;
  home: string;
  tmuxSocket: string;
}

export const DEFAULT_TEMPORAL_VERSION = '1.32.2';

/** `DROVER_CLUSTER_DIR`, else a directory under the system temp dir (PostgreSQL's own user must reach its data dir, which a home under /root forbids). */
export function clusterDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DROVER_CLUSTER_DIR ?? path.join(os.tmpdir(), `drover-cluster-${process.getuid?.() ?? 'user'}`);
}

/** Ports from `basePort` (default 17200): the load balancer at basePort+33, PostgreSQL at +32, node i's services from basePort + 100 × (i + 1). */
export function clusterLayout(options: {
  dir: string;
  basePort?: number;
  nodes?: number;
  hosts?: number;
}): ClusterLayout {
  const base = options.basePort ?? 17200;
  const dir = options.dir;
  const node = (i: number): ServerNodeLayout => {
    const b = base + 100 * (i + 1);
    return {
      name: `node${i + 1}`,
      configFile: path.join(dir, `node${i + 1}`, 'config.yaml'),
      frontend: { grpc: b, membership: b + 1, http: b + 2 },
      history: { grpc: b + 10, membership: b + 11 },
      matching: { grpc: b + 20, membership: b + 21 },
      worker: { grpc: b + 30, membership: b + 31 },
      metrics: b + 40,
    };
  };
  const host = (i: number): HostLayout => ({
    hostId: `cluster-host-${i + 1}`,
    home: path.join(dir, `host${i + 1}`),
    tmuxSocket: `drover-cluster-host${i + 1}`,
  });
  return {
    dir,
    temporalVersion: DEFAULT_TEMPORAL_VERSION,
    postgres: {
      port: base + 32,
      dataDir: path.join(dir, 'postgres', 'data'),
      socketDir: path.join(dir, 'postgres'),
      user: 'temporal',
      password: 'temporal',
    },
    address: `127.0.0.1:${base + 33}`,
    lbPort: base + 33,
    nodes: Array.from({ length: options.nodes ?? 2 }, (_, i) => node(i)),
    hosts: Array.from({ length: options.hosts ?? 3 }, (_, i) => host(i)),
    namespace: 'default',
    taskQueue: 'drover',
  };
}
