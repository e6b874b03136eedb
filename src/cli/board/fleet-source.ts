import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/index.js';
import {
  boardDelta,
  boardRow,
  dagLevels,
  needsRead,
  sortRows,
  type BoardDelta,
  type BoardRow,
  type ListedTask,
} from '../../domain/board.js';
import { ManifestSchema } from '../../domain/manifest-schema.js';
import { manifestEntries } from '../../domain/manifest-rows.js';
import type { ManifestRunState } from '../../domain/manifest-run.js';
import { DROVER_SEARCH_ATTRIBUTE_NAMES } from '../../domain/search-attribute-keys.js';
import type { TaskState } from '../../domain/task.js';
import { stateQuery } from '../../workflows/task-messages.js';
import { manifestStateQuery } from '../../workflows/manifest.js';
import { closeReason } from '../task-read.js';

/**
 * The fleet as `drover status` reads it, kept current for the board: one visibility list per
 * tick (phase and agent state come from Drover's search attributes), the `state` query for a
 * running task only when its search attributes moved or its last read is `readEveryMs` old, the
 * memo for a closed one (read once: it does not change). No store of its own beyond this cache.
 */
export interface FleetSourceOptions {
  tickMs?: number;
  readEveryMs?: number;
  /** Parallel state queries. */
  concurrency?: number;
  /** Closed tasks older than this are not listed. */
  closedWithinMs?: number;
}

interface Cached {
  /** The last state read, and the phase and agent state it had then. */
  state?: TaskState;
  read?: { phase: string; agentState: string; at: number };
  /** A closed task: its status when read (closed tasks are read once) and Temporal's reason. */
  closed?: { status: string; reason: string | undefined };
}

const LIST_LIMIT = 500;

function searchAttributesOf(wf: WorkflowExecutionInfo): ListedTask['searchAttributes'] {
  const out: ListedTask['searchAttributes'] = {};
  const raw = (wf.searchAttributes ?? {}) as Record<string, unknown>;
  for (const name of DROVER_SEARCH_ATTRIBUTE_NAMES) {
    const v = raw[name];
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[name] = first;
  }
  return out;
}

type Listed = { task: ListedTask; memo: Record<string, unknown> | undefined };

export class FleetSource {
  private readonly cache = new Map<string, Cached>();
  private rows = new Map<string, BoardRow>();
  private readonly listeners = new Set<(delta: BoardDelta) => void>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly opts: Required<FleetSourceOptions>;
  /** The last list, and the reads queued or in flight (by workflow id): a slow read never holds up the next list. */
  private listed: Listed[] = [];
  private readonly reading = new Set<string>();
  private readonly readQueue: Listed[] = [];
  private inFlight = 0;
  /** Ticks run, state queries sent: for the benchmark. */
  readonly stats = { ticks: 0, queries: 0, lastTickMs: 0 };

  constructor(
    private readonly client: Client,
    opts: FleetSourceOptions = {},
  ) {
    this.opts = { tickMs: 1000, readEveryMs: 10_000, concurrency: 8, closedWithinMs: 86_400_000, ...opts };
  }

  snapshot(): BoardRow[] {
    return sortRows([...this.rows.values()]);
  }

  /** Listens for changes; the source polls only while someone listens. Returns the unsubscribe. */
  subscribe(listener: (delta: BoardDelta) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) this.schedule(0);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** One refresh now (also what each tick runs); concurrent calls share the one in flight. */
  refresh(): Promise<void> {
    this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /** Marks a task to be read again at the next tick (after an action on it). `refresh()` lists; reads land after it. */
  touch(workflowId: string): void {
    const c = this.cache.get(workflowId);
    if (c) delete c.read;
  }

  close(): void {
    this.listeners.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      void this.refresh()
        .catch(() => undefined) // Temporal unreachable for a moment: the next tick tries again
        .finally(() => {
          if (this.listeners.size > 0) this.schedule(this.opts.tickMs);
        });
    }, ms);
  }

  private async tick(): Promise<void> {
    const started = performance.now();
    const since = new Date(Date.now() - this.opts.closedWithinMs).toISOString();
    const query = `WorkflowType='agentTaskWorkflow' AND (ExecutionStatus='Running' OR CloseTime > '${since}')`;
    const listed: Listed[] = [];
    for await (const wf of this.client.workflow.list({ query, pageSize: LIST_LIMIT })) {
      listed.push({
        task: {
          workflowId: wf.workflowId,
          status: wf.status.name,
          startTime: wf.startTime.toISOString(),
          ...(wf.closeTime ? { closeTime: wf.closeTime.toISOString() } : {}),
          searchAttributes: searchAttributesOf(wf),
        },
        memo: wf.memo,
      });
      if (listed.length >= LIST_LIMIT) break;
    }
    this.listed = listed;
    const now = Date.now();
    const toRead = listed.filter(({ task }) => {
      const c = this.cache.get(task.workflowId);
      if (task.status !== 'RUNNING') return c?.closed?.status !== task.status;
      return needsRead(task, c?.read, now, this.opts.readEveryMs);
    });
    for (const item of toRead) {
      if (this.reading.has(item.task.workflowId)) continue;
      this.reading.add(item.task.workflowId);
      this.readQueue.push(item);
    }
    // what the list says goes out at once (a phase change is in the search attributes); each read follows
    this.publish();
    this.pump();
    for (const id of this.cache.keys()) if (!this.rows.has(id) && !this.reading.has(id)) this.cache.delete(id);
    this.stats.ticks += 1;
    this.stats.lastTickMs = performance.now() - started;
  }

  /** Starts queued reads up to `concurrency`; each one publishes its row when it lands. */
  private pump(): void {
    while (this.inFlight < this.opts.concurrency && this.readQueue.length > 0) {
      const { task, memo } = this.readQueue.shift()!;
      this.inFlight += 1;
      const c = this.cache.get(task.workflowId) ?? {};
      void this.read(task, memo, c, Date.now())
        .then((got) => this.cache.set(task.workflowId, { ...this.cache.get(task.workflowId), ...got }))
        .catch(() => undefined) // read again at a later tick
        .finally(() => {
          this.inFlight -= 1;
          this.reading.delete(task.workflowId);
          this.publish();
          this.pump();
        });
    }
  }

  /** The rows as the last list and the cache have them now, to the listeners. A closed task keeps its row until its end is read. */
  private publish(): void {
    const next = new Map<string, BoardRow>();
    for (const { task } of this.listed) {
      const c = this.cache.get(task.workflowId);
      const old =
        task.status !== 'RUNNING' && this.reading.has(task.workflowId) ? this.rows.get(task.workflowId) : undefined;
      next.set(task.workflowId, old ?? boardRow(task, c?.state, c?.closed?.reason));
    }
    const delta = boardDelta(this.rows, next);
    this.rows = next;
    if (delta.upsert.length > 0 || delta.remove.length > 0) for (const l of this.listeners) l(delta);
  }

  /** A running task's state (the query); a closed one's final state (memo) and close reason, read once. */
  private async read(
    task: ListedTask,
    memo: Record<string, unknown> | undefined,
    c: Cached,
    now: number,
  ): Promise<Cached> {
    if (task.status !== 'RUNNING') {
      const saved = memo?.droverState as TaskState | undefined;
      const reason = await closeReason(this.client, task.workflowId, task.status);
      return { state: saved ?? c.state, closed: { status: task.status, reason } };
    }
    this.stats.queries += 1;
    const state = await this.client.workflow
      .getHandle(task.workflowId)
      .query(stateQuery)
      .catch(() => undefined); // no worker answers right now: keep the last state, read again next tick
    if (!state) return c;
    return { state, read: { phase: state.phase, agentState: state.agentState, at: now } };
  }

  /** One task's full state now (the detail view): live from the workflow, or its memo once closed. */
  async task(workflowId: string): Promise<{ status: string; state: TaskState | undefined }> {
    const handle = this.client.workflow.getHandle(workflowId);
    const desc = await handle.describe();
    const saved = desc.memo?.droverState as TaskState | undefined;
    const state = saved ?? (await handle.query(stateQuery).catch(() => undefined));
    return { status: desc.status.name, state };
  }

  /** The manifest runs (running or closed within the window), newest first. */
  async runs(): Promise<Array<{ workflowId: string; status: string; startedAt: string }>> {
    const since = new Date(Date.now() - this.opts.closedWithinMs).toISOString();
    const out: Array<{ workflowId: string; status: string; startedAt: string }> = [];
    const query = `WorkflowType='manifestWorkflow' AND (ExecutionStatus='Running' OR CloseTime > '${since}')`;
    for await (const wf of this.client.workflow.list({ query })) {
      out.push({ workflowId: wf.workflowId, status: wf.status.name, startedAt: wf.startTime.toISOString() });
      if (out.length >= 100) break;
    }
    return out;
  }

  /** A manifest run: its rows (the run's query), each task's dependencies and DAG level (from the run's input). */
  async run(workflowId: string): Promise<{
    status: string;
    state: ManifestRunState;
    tasks: Array<{ id: string; dependsOn: string[]; level: number }>;
  }> {
    const handle = this.client.workflow.getHandle(workflowId);
    const desc = await handle.describe();
    const state = await handle.query(manifestStateQuery);
    const deps = await this.manifestDeps(workflowId);
    const levels = dagLevels(deps);
    return { status: desc.status.name, state, tasks: deps.map((t) => ({ ...t, level: levels.get(t.id) ?? 0 })) };
  }

  private async manifestDeps(workflowId: string): Promise<Array<{ id: string; dependsOn: string[] }>> {
    const history = await this.client.workflowService.getWorkflowExecutionHistory({
      namespace: this.client.options.namespace,
      execution: { workflowId },
      maximumPageSize: 1,
    });
    const payloads = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const input = await decodeFromPayloadsAtIndex<{ manifest?: unknown }>(
      this.client.options.loadedDataConverter,
      0,
      payloads,
    );
    const manifest = ManifestSchema.safeParse(input?.manifest);
    if (!manifest.success) return [];
    return manifestEntries(manifest.data).map(({ task }) => ({ id: task.id, dependsOn: [...(task.dependsOn ?? [])] }));
  }
}
