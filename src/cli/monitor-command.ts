import type { Command } from 'commander';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { validateStepName } from '../domain/identifiers.js';
import { MonitorInputSchema, type MonitorInput } from '../domain/pr-monitor.js';
import type { MonitorCycle } from '../workflows/pr-monitor.js';
import { CliError, openContext } from './context.js';

interface MonitorOptions {
  every: string;
  label?: string;
  author?: string;
  max: string;
  name: string;
  steps: string;
  agent: string;
  once?: boolean;
  stop?: boolean;
  json?: boolean;
}

const EVERY = /^(\d+)(s|m|h)$/;

/** `30s`, `5m`, `1h`; at least 10 s so a cycle fits between two. */
export function parseEvery(text: string): { ok: true; seconds: number } | { ok: false; error: string } {
  const m = EVERY.exec(text.trim());
  if (!m) return { ok: false, error: `--every "${text}": write a number and a unit, e.g. 30s, 5m, 1h` };
  const seconds = Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
  if (seconds < 10) return { ok: false, error: `--every ${text}: at least 10s between scans` };
  return { ok: true, seconds };
}

export const monitorScheduleId = (name: string): string => `pr-monitor/${name}`;

export function buildMonitorInput(repos: string[], opts: MonitorOptions): MonitorInput {
  const steps = opts.steps
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const step of steps) {
    const checked = validateStepName(step);
    if (!checked.ok) throw new CliError(`--steps: ${checked.error}`);
  }
  const max = Number(opts.max);
  const raw: MonitorInput = {
    repos,
    max,
    steps,
    agent: opts.agent,
    ...(opts.label ? { label: opts.label } : {}),
    ...(opts.author ? { author: opts.author } : {}),
  };
  const parsed = MonitorInputSchema.safeParse(raw);
  if (!parsed.success)
    throw new CliError(
      `drover monitor: ${parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ')}`,
    );
  return raw;
}

/** Creates the schedule, or updates it in place when it exists (same name = same monitor). */
export async function upsertMonitorSchedule(
  client: Client,
  taskQueue: string,
  name: string,
  input: MonitorInput,
  everySeconds: number,
): Promise<'created' | 'updated'> {
  const scheduleId = monitorScheduleId(name);
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'prMonitorWorkflow',
    args: [input],
    taskQueue,
    workflowId: `${scheduleId}/cycle`,
  };
  const spec = { intervals: [{ every: `${everySeconds}s` as const }] };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec, action }));
    return 'updated';
  }
}

const describeCycle = (c: MonitorCycle): string =>
  `scanned ${c.scanned} open PRs, ${c.needingWork} need work: started ${c.started.length}${c.started.length ? ` (${c.started.join(', ')})` : ''}, attached ${c.attached.length}, deferred ${c.deferred}; ${c.apiRequests} GitHub request(s)` +
  (c.missingRepos.length ? `; not found: ${c.missingRepos.join(', ')}` : '');

/** `drover monitor OWNER/REPO… [--every 5m] [--label L] [--author A] [--max N]` — a PrMonitorWorkflow on a Schedule. */
export function registerMonitorCommand(program: Command): void {
  program
    .command('monitor [repos...]')
    .description(
      'watch repositories for pull requests needing work (failing checks, threads, conflicts, changes requested) and fix them, on a schedule',
    )
    .option('--every <interval>', 'time between scans (30s, 5m, 1h)', '5m')
    .option('--label <label>', 'only pull requests with this label')
    .option('--author <login>', 'only pull requests by this author')
    .option('--max <n>', 'fix workflows started or attached per cycle, at most', '5')
    .option('--steps <a,b>', 'required checkpoints of each fix', 'pr-address,pr-test')
    .option('--agent <cli>', 'agent CLI profile for the fixes', 'claude')
    .option('--name <name>', 'the monitor (schedule) name; the same name updates it', 'default')
    .option('--once', 'run one scan now and print what it did, without a schedule')
    .option('--stop', 'delete the monitor schedule named by --name (running fixes continue)')
    .option('--json', 'machine-readable output')
    .action(async (repos: string[], opts: MonitorOptions) => {
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(opts.name))
        throw new CliError(`--name "${opts.name}": 1-64 letters, digits, '.', '_' or '-'`);
      const input = opts.stop ? undefined : buildMonitorInput(repos, opts);
      const every = parseEvery(opts.every);
      if (!every.ok) throw new CliError(every.error);
      const ctx = await openContext();
      try {
        if (!input) {
          try {
            await ctx.client.schedule.getHandle(monitorScheduleId(opts.name)).delete();
          } catch (error) {
            if (error instanceof ScheduleNotFoundError) throw new CliError(`no monitor named ${opts.name}`);
            throw error;
          }
          console.log(
            opts.json ? JSON.stringify({ stopped: opts.name }) : `stopped monitor ${opts.name}; running fixes continue`,
          );
          return;
        }
        if (opts.once) {
          const cycle = await ctx.client.workflow.execute<(i: MonitorInput) => Promise<MonitorCycle>>(
            'prMonitorWorkflow',
            {
              taskQueue: ctx.config.taskQueue,
              workflowId: `${monitorScheduleId(opts.name)}/once-${Date.now()}`,
              args: [input],
            },
          );
          console.log(opts.json ? JSON.stringify(cycle) : describeCycle(cycle));
          return;
        }
        const how = await upsertMonitorSchedule(ctx.client, ctx.config.taskQueue, opts.name, input, every.seconds);
        const id = monitorScheduleId(opts.name);
        console.log(
          opts.json
            ? JSON.stringify({ schedule: id, [how]: true, everySeconds: every.seconds, repos })
            : `${how} schedule ${id}: scans ${repos.join(', ')} every ${opts.every}; \`drover monitor --stop --name ${opts.name}\` ends it`,
        );
      } finally {
        await ctx.close();
      }
    });
}
