import type { ClusterLayout, ServerNodeLayout } from './layout.js';

/**
 * One Temporal server node's configuration (all four services in one process), on the cluster's
 * PostgreSQL. Nodes find each other through the membership table in that database; the cluster's
 * rpc address is the load balancer, so a node that is down is never the one clients are sent to.
 */
export function serverNodeConfig(layout: ClusterLayout, node: ServerNodeLayout, dynamicConfigFile: string): object {
  const pg = layout.postgres;
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (ports: { grpc: number; membership: number; http?: number }) => ({
    rpc: {
      grpcPort: ports.grpc,
      membershipPort: ports.membership,
      bindOnLocalHost: true,
      ...(ports.http !== undefined ? { httpPort: ports.http } : {}),
    },
  });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: 4,
      datastores: { 'postgres-default': store('temporal', 20), 'postgres-visibility': store('temporal_visibility', 4) },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: {
        prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${node.metrics}` },
      },
    },
    services: {
      frontend: rpc(node.frontend),
      history: rpc(node.history),
      matching: rpc(node.matching),
      worker: rpc(node.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: layout.address },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/** HAProxy in TCP mode (gRPC is HTTP/2 end to end) in front of the nodes' frontends, with health checks. */
export function haproxyConfig(layout: ClusterLayout, pidFile: string): string {
  return [
    'global',
    `  pidfile ${pidFile}`,
    '  maxconn 4096',
    'defaults',
    '  mode tcp',
    '  timeout connect 2s',
    '  timeout client 10m',
    '  timeout server 10m',
    'frontend temporal',
    `  bind 127.0.0.1:${layout.lbPort}`,
    '  default_backend frontends',
    'backend frontends',
    '  balance roundrobin',
    '  option tcp-check',
    ...layout.nodes.map((n) => `  server ${n.name} 127.0.0.1:${n.frontend.grpc} check inter 1s fall 2 rise 2`),
    '',
  ].join('\n');
}
