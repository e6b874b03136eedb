import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { RegistryView } from '../domain/hosts.js';
import { hostRegistryWorkflowId } from '../domain/identifiers.js';
import { hostsQuery } from '../workflows/host-registry-messages.js';
import { CliError, openContext } from './context.js';
import { table } from './status-view.js';

export interface HostsReport {
  registry: string;
  liveSeconds: number;
  hosts: {
    hostId: string;
    taskQueue: string;
    workspace: string;
    slots: number;
    inUse: number;
    free: number;
    lastSeen: string;
    lastSeenSecondsAgo: number;
    live: boolean;
    tasks: string[];
  }[];
  waiting: { taskId: string; workflowId: string; since: string; waitingSeconds: number }[];
}

/** The registry's view, judged live/gone by this machine's clock. */
export function hostsReport(view: RegistryView, registry: string, now: number): HostsReport {
  const ago = (t: number) => Math.max(0, Math.round((now - t) / 1000));
  return {
    registry,
    liveSeconds: view.liveSeconds,
    hosts: view.hosts.map((h) => ({
      hostId: h.hostId,
      taskQueue: h.taskQueue,
      workspace: h.workspace,
      slots: h.slots,
      inUse: h.inUse,
      free: h.free,
      lastSeen: new Date(h.lastSeen).toISOString(),
      lastSeenSecondsAgo: ago(h.lastSeen),
      live: ago(h.lastSeen) < view.liveSeconds,
      tasks: h.tasks,
    })),
    waiting: view.waiting.map((w) => ({
      taskId: w.taskId,
      workflowId: w.workflowId,
      since: new Date(w.since).toISOString(),
      waitingSeconds: ago(w.since),
    })),
  };
}

export function renderHosts(r: HostsReport): string {
  const rows = [['HOST', 'QUEUE', 'SLOTS', 'IN USE', 'FREE', 'LAST SEEN', 'STATE', 'TASKS']];
  for (const h of r.hosts) {
    rows.push([
      h.hostId,
      h.taskQueue,
      String(h.slots),
      String(h.inUse),
      h.live ? String(h.free) : '0',
      `${h.lastSeenSecondsAgo}s ago`,
      h.live ? 'live' : 'gone',
      h.tasks.join(', '),
    ]);
  }
  const live = r.hosts.filter((h) => h.live);
  const lines = [
    table(rows),
    '',
    `${live.length} live host(s) · ${live.reduce((n, h) => n + h.inUse, 0)}/${live.reduce((n, h) => n + h.slots, 0)} slots in use · a host is gone after ${r.liveSeconds} s without a heartbeat`,
  ];
  if (r.waiting.length > 0)
    lines.push(
      `waiting for a slot (first come, first served): ${r.waiting.map((w) => `${w.taskId} (${w.waitingSeconds}s)`).join(', ')}`,
    );
  return lines.join('\n');
}

export function registerHostsCommand(program: Command): void {
  program
    .command('hosts')
    .description(
      'the hosts (workers) of this Drover: capacity, slots in use, last heartbeat, live or gone; tasks waiting for a slot',
    )
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const ctx = await openContext();
      try {
        const registry = hostRegistryWorkflowId(ctx.config.taskQueue);
        let view: RegistryView;
        try {
          view = await ctx.client.workflow.getHandle(registry).query(hostsQuery);
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) {
            throw new CliError(
              `no host has registered on task queue ${ctx.config.taskQueue} yet: start a worker (\`drover worker\`, or \`drover dev\` on one machine)`,
            );
          }
          throw new CliError(
            `the host registry ${registry} did not answer (${(error as Error).message}); is any worker running?`,
          );
        }
        const report = hostsReport(view, registry, Date.now());
        console.log(opts.json ? JSON.stringify(report, null, 2) : renderHosts(report));
      } finally {
        await ctx.close();
      }
    });
}
