import { describe, expect, it } from 'vitest';
import { clusterLayout } from '../../bench/cluster/layout.js';
import { haproxyConfig, serverNodeConfig } from '../../bench/cluster/server-config.js';

describe('the local cluster layout (npm run cluster)', () => {
  const layout = clusterLayout({ dir: '/tmp/c' });

  it('2 server nodes and 3 hosts by default, every port distinct and every host id, home and tmux socket its own', () => {
    expect(layout.nodes.map((n) => n.name)).toEqual(['node1', 'node2']);
    expect(layout.hosts.map((h) => h.hostId)).toEqual(['cluster-host-1', 'cluster-host-2', 'cluster-host-3']);
    const ports = [
      layout.lbPort,
      layout.postgres.port,
      ...layout.nodes.flatMap((n) => [
        n.frontend.grpc,
        n.frontend.membership,
        n.frontend.http,
        n.history.grpc,
        n.history.membership,
        n.matching.grpc,
        n.matching.membership,
        n.worker.grpc,
        n.worker.membership,
        n.metrics,
      ]),
    ];
    expect(new Set(ports).size).toBe(ports.length);
    for (const key of ['home', 'tmuxSocket'] as const)
      expect(new Set(layout.hosts.map((h) => h[key])).size, key).toBe(layout.hosts.length);
    expect(layout.address).toBe(`127.0.0.1:${layout.lbPort}`);
  });

  it("each node's config: both stores on the cluster's PostgreSQL, its own ports, the load balancer as the cluster's address", () => {
    const node = layout.nodes[1]!;
    const config = serverNodeConfig(layout, node, '/d/dc.yaml') as {
      persistence: {
        datastores: Record<string, { sql: { connectAddr: string; databaseName: string; pluginName: string } }>;
      };
      services: Record<string, { rpc: { grpcPort: number; membershipPort: number } }>;
      clusterMetadata: { clusterInformation: { active: { rpcAddress: string } } };
      dynamicConfigClient: { filepath: string };
    };
    const stores = Object.values(config.persistence.datastores).map((s) => s.sql);
    expect(stores.map((s) => s.databaseName).sort()).toEqual(['temporal', 'temporal_visibility']);
    for (const s of stores) {
      expect(s.connectAddr).toBe(`127.0.0.1:${layout.postgres.port}`);
      expect(s.pluginName).toBe('postgres12');
    }
    expect(config.services.frontend?.rpc.grpcPort).toBe(node.frontend.grpc);
    expect(config.services.history?.rpc.membershipPort).toBe(node.history.membership);
    expect(config.clusterMetadata.clusterInformation.active.rpcAddress).toBe(layout.address);
    expect(config.dynamicConfigClient.filepath).toBe('/d/dc.yaml');
  });

  it('HAProxy balances TCP over both frontends with health checks, on the cluster address only', () => {
    const cfg = haproxyConfig(layout, '/tmp/c/haproxy.pid');
    expect(cfg).toContain(`bind 127.0.0.1:${layout.lbPort}`);
    expect(cfg).toContain('mode tcp');
    for (const n of layout.nodes) expect(cfg).toContain(`server ${n.name} 127.0.0.1:${n.frontend.grpc} check`);
  });

  it('another base port moves every port; a third node fits in its own block', () => {
    const other = clusterLayout({ dir: '/tmp/d', basePort: 27200, nodes: 3 });
    expect(other.lbPort - layout.lbPort).toBe(10000);
    expect(other.nodes[2]!.frontend.grpc).toBe(27200 + 300);
  });
});
