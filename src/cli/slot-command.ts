import type { Command } from 'commander';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { testSlotWorkflowId, validateSlotName } from '../domain/identifiers.js';
import type { SlotState } from '../domain/test-slot.js';
import { slotStateQuery } from '../workflows/test-slot-messages.js';
import { CliError, openContext } from './context.js';
import { table } from './status-view.js';

export interface SlotView {
  name: string;
  workflowId: string;
  running: boolean;
  holder: {
    workflowId: string;
    requestId: string;
    since: string;
    leaseDeadline: string;
    heldForSeconds: number;
    leaseLeftSeconds: number;
  } | null;
  queue: { workflowId: string; requestId: string; requestedAt: string; waitingSeconds: number }[];
  grants: number;
  recent: SlotState['recent'];
}

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

export function slotView(state: SlotState | undefined, name: string, now: Date): SlotView {
  const base = { name, workflowId: testSlotWorkflowId(name) };
  if (!state) return { ...base, running: false, holder: null, queue: [], grants: 0, recent: [] };
  const h = state.holder;
  return {
    ...base,
    running: true,
    holder: h
      ? {
          workflowId: h.holderWorkflowId,
          requestId: h.requestId,
          since: h.grantedAt,
          leaseDeadline: h.leaseDeadline,
          heldForSeconds: seconds(now.getTime() - Date.parse(h.grantedAt)),
          leaseLeftSeconds: seconds(Date.parse(h.leaseDeadline) - now.getTime()),
        }
      : null,
    queue: state.queue.map((r) => ({
      workflowId: r.holderWorkflowId,
      requestId: r.requestId,
      requestedAt: r.requestedAt,
      waitingSeconds: seconds(now.getTime() - Date.parse(r.requestedAt)),
    })),
    grants: state.grants,
    recent: state.recent.slice(-10),
  };
}

async function readSlot(client: Client, name: string): Promise<SlotState | undefined> {
  const handle = client.workflow.getHandle(testSlotWorkflowId(name));
  try {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') return undefined;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  return handle.query(slotStateQuery);
}

async function runningSlotNames(client: Client): Promise<string[]> {
  const names: string[] = [];
  for await (const wf of client.workflow.list({
    query: `WorkflowType = 'testSlotWorkflow' AND ExecutionStatus = 'Running'`,
  })) {
    if (wf.workflowId.startsWith('test-slot/')) names.push(wf.workflowId.slice('test-slot/'.length));
  }
  return [...new Set(names)].sort();
}

function render(views: SlotView[], detail: boolean): string {
  if (views.length === 0) return 'no test slot is in use (a slot starts with the first validation that asks for it)';
  const rows = [['SLOT', 'HOLDER', 'HELD FOR', 'LEASE LEFT', 'QUEUE', 'GRANTS']];
  for (const v of views) {
    rows.push([
      v.name,
      v.holder?.workflowId ?? (v.running ? 'free' : 'free (no slot workflow)'),
      v.holder ? `${v.holder.heldForSeconds}s` : '—',
      v.holder ? `${v.holder.leaseLeftSeconds}s` : '—',
      String(v.queue.length),
      String(v.grants),
    ]);
  }
  const lines = [table(rows)];
  for (const v of views) {
    if (v.queue.length > 0)
      lines.push(
        `${v.name} queue (granted in this order):`,
        ...v.queue.map((q, i) => `  ${i + 1}. ${q.workflowId}  waiting ${q.waitingSeconds}s`),
      );
    if (detail && v.recent.length > 0)
      lines.push(`${v.name} recent:`, ...v.recent.map((r) => `  ${r.endedAt}  ${r.holderWorkflowId}  ${r.reason}`));
  }
  return lines.join('\n');
}

/** `drover slot status [NAME]`: who holds each test slot, for how long, and who waits in which order. */
export function registerSlotCommands(program: Command): void {
  const slot = program
    .command('slot')
    .description('test slots: the mutexes that let one validation run at a time per shared resource');
  slot
    .command('status [name]')
    .description('holder, held for, lease left and the queue in order, of one slot or of every slot in use')
    .option('--json', 'machine-readable output')
    .action(async (name: string | undefined, opts: { json?: boolean }) => {
      if (name !== undefined) {
        const checked = validateSlotName(name);
        if (!checked.ok) throw new CliError(`slot "${name}" refused: ${checked.error}`);
      }
      const ctx = await openContext();
      try {
        const names = name !== undefined ? [name] : await runningSlotNames(ctx.client);
        const now = new Date();
        const views = await Promise.all(names.map(async (n) => slotView(await readSlot(ctx.client, n), n, now)));
        if (opts.json) console.log(JSON.stringify(name !== undefined ? views[0] : { slots: views }, null, 2));
        else console.log(render(views, name !== undefined));
      } finally {
        await ctx.close();
      }
    });
}
