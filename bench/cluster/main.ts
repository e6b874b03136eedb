import { Command } from 'commander';
import { execa } from 'execa';
import path from 'node:path';
import { projectRoot } from '../../src/config/config.js';
import { clusterDir, clusterLayout } from './layout.js';
import { clusterDown, clusterEnv, clusterStatus, clusterUp } from './cluster.js';

/**
 * `npm run cluster -- up|down|status|env`: Drover on a real Temporal cluster on this machine, no
 * Docker (docs/cluster.md). State in DROVER_CLUSTER_DIR (default: the temp dir); ports from
 * DROVER_CLUSTER_BASE_PORT (default 17200).
 */
const log = (line: string) => console.log(`[cluster] ${line}`);

function layout() {
  const raw = process.env.DROVER_CLUSTER_BASE_PORT;
  const basePort = raw === undefined ? undefined : Number(raw);
  if (basePort !== undefined && !(Number.isInteger(basePort) && basePort > 1024 && basePort < 60000))
    throw new Error(
      `DROVER_CLUSTER_BASE_PORT must be a port number between 1025 and 59999, not ${JSON.stringify(raw)}`,
    );
  return clusterLayout({ dir: clusterDir(), ...(basePort !== undefined ? { basePort } : {}) });
}

const drover = (args: string[]) =>
  execa(path.join(projectRoot(), 'bin', 'drover'), args, { env: clusterEnv(layout()), reject: false });

const program = new Command('cluster').description(
  'a Temporal cluster on PostgreSQL with Drover hosts, on this machine',
);
program.command('up').action(async () => {
  const l = layout();
  const started = Date.now();
  await clusterUp(l, log);
  log(`up in ${Math.round((Date.now() - started) / 1000)} s; use it with: TEMPORAL_ADDRESS=${l.address} drover …`);
});
program.command('down').action(async () => {
  const { left } = await clusterDown(layout(), log);
  if (left.length > 0) {
    log(`${left.length} process(es) did not end: ${left.map((p) => `${p.name} ${p.pid}`).join(', ')}`);
    process.exitCode = 1;
  }
});
program.command('status').action(async () => {
  const rows = await clusterStatus(layout());
  if (rows.length === 0) log('no cluster recorded (npm run cluster up)');
  for (const r of rows) log(`${r.name.padEnd(16)} pid ${String(r.pid).padEnd(8)} ${r.alive ? 'running' : 'GONE'}`);
  if (rows.length > 0) {
    const hosts = await drover(['hosts']);
    console.log(hosts.stdout || hosts.stderr);
  }
  if (rows.some((r) => !r.alive)) process.exitCode = 1;
});
program
  .command('env')
  .description('print the environment for drover commands against the cluster')
  .action(() => {
    const l = layout();
    console.log(
      `export TEMPORAL_ADDRESS=${l.address} TEMPORAL_NAMESPACE=${l.namespace} DROVER_TASK_QUEUE=${l.taskQueue}`,
    );
  });

await program.parseAsync(process.argv);
