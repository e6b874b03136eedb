import { z } from 'zod';

/**
 * The host registry's state and decisions (docs/design.md §3), pure and deterministic: the registry
 * workflow (workflows/host-registry.ts) only feeds it signals, updates and its clock.
 * Times are epoch milliseconds of workflow time.
 */

/** How often a worker tells the registry it is alive. */
export const HOST_HEARTBEAT_SECONDS = 10;
/** A host is live while its last heartbeat is younger than this (several missed heartbeats). */
export const HOST_LIVE_SECONDS = 45;

export const HostHeartbeatSchema = z.object({
  hostId: z.string().min(1),
  taskQueue: z.string().min(1),
  slots: z.number().int().min(1),
  workspace: z.string(),
  /** When this worker process started (a restart shows as a new value). */
  startedAt: z.string().optional(),
});
export type HostHeartbeat = z.infer<typeof HostHeartbeatSchema>;

export const PlacementRequestSchema = z.object({
  workflowId: z.string().min(1),
  taskId: z.string().min(1),
  /** Hosts the task must not go to (the host it just lost). */
  exclude: z.array(z.string()).default([]),
});
export type PlacementRequest = z.input<typeof PlacementRequestSchema>;

export interface HostRecord extends HostHeartbeat {
  firstSeen: number;
  lastSeen: number;
}

export interface Assignment {
  workflowId: string;
  taskId: string;
  hostId: string;
  at: number;
}

export interface WaitingTask {
  workflowId: string;
  taskId: string;
  exclude: string[];
  since: number;
}

export interface RegistryState {
  hosts: HostRecord[];
  assignments: Assignment[];
  /** Tasks waiting for a free slot, first come first served (a task is skipped only for a host it excludes). */
  waiting: WaitingTask[];
}

export type Placement =
  { hostId: string; taskQueue: string; workspace: string } | { waiting: { position: number; reason: string } };

export function emptyRegistry(): RegistryState {
  return { hosts: [], assignments: [], waiting: [] };
}

export const isLive = (host: Pick<HostRecord, 'lastSeen'>, now: number, liveSeconds = HOST_LIVE_SECONDS): boolean =>
  now - host.lastSeen < liveSeconds * 1000;

export const inUse = (state: Pick<RegistryState, 'assignments'>, hostId: string): number =>
  state.assignments.filter((a) => a.hostId === hostId).length;

/**
 * The live host with the most free slots, ties broken by host id; undefined when none has a
 * free slot. Excluded hosts are never chosen.
 */
export function chooseHost(
  state: Pick<RegistryState, 'hosts' | 'assignments'>,
  now: number,
  exclude: readonly string[] = [],
  liveSeconds = HOST_LIVE_SECONDS,
): HostRecord | undefined {
  const candidates = state.hosts
    .filter((h) => !exclude.includes(h.hostId) && isLive(h, now, liveSeconds))
    .map((h) => ({ host: h, free: h.slots - inUse(state, h.hostId) }))
    .filter((c) => c.free > 0)
    .sort((a, b) => b.free - a.free || (a.host.hostId < b.host.hostId ? -1 : a.host.hostId > b.host.hostId ? 1 : 0));
  return candidates[0]?.host;
}

export function recordHeartbeat(state: RegistryState, beat: HostHeartbeat, now: number): void {
  const known = state.hosts.find((h) => h.hostId === beat.hostId);
  if (known) Object.assign(known, beat, { lastSeen: now });
  else state.hosts.push({ ...beat, firstSeen: now, lastSeen: now });
  state.hosts.sort((a, b) => (a.hostId < b.hostId ? -1 : 1));
}

/** Frees the task's slot (and its place in the queue). */
export function release(state: RegistryState, workflowId: string): boolean {
  const before = state.assignments.length + state.waiting.length;
  state.assignments = state.assignments.filter((a) => a.workflowId !== workflowId);
  state.waiting = state.waiting.filter((w) => w.workflowId !== workflowId);
  return state.assignments.length + state.waiting.length !== before;
}

/** Gives free slots to waiting tasks in queue order; returns the workflow ids that got a host. */
export function promoteWaiting(state: RegistryState, now: number, liveSeconds = HOST_LIVE_SECONDS): string[] {
  const placed: string[] = [];
  for (const w of [...state.waiting]) {
    const host = chooseHost(state, now, w.exclude, liveSeconds);
    if (!host) continue;
    state.assignments.push({ workflowId: w.workflowId, taskId: w.taskId, hostId: host.hostId, at: now });
    state.waiting = state.waiting.filter((x) => x.workflowId !== w.workflowId);
    placed.push(w.workflowId);
  }
  return placed;
}

function placementOf(state: RegistryState, hostId: string): Placement {
  const host = state.hosts.find((h) => h.hostId === hostId)!;
  return { hostId: host.hostId, taskQueue: host.taskQueue, workspace: host.workspace };
}

/**
 * Atomic placement (the registry runs it in one update handler, without awaiting): a task that
 * already holds a slot on a live, allowed host gets the same host again (idempotent); otherwise it
 * joins the queue and the queue is served. `promoted` lists other tasks that got a host meanwhile.
 */
export function requestPlacement(
  state: RegistryState,
  raw: PlacementRequest,
  now: number,
  liveSeconds = HOST_LIVE_SECONDS,
): { placement: Placement; promoted: string[] } {
  const req = PlacementRequestSchema.parse(raw);
  const held = state.assignments.find((a) => a.workflowId === req.workflowId);
  if (held) {
    const host = state.hosts.find((h) => h.hostId === held.hostId);
    if (host && isLive(host, now, liveSeconds) && !req.exclude.includes(host.hostId))
      return { placement: placementOf(state, host.hostId), promoted: [] };
    release(state, req.workflowId);
  }
  const queued = state.waiting.find((w) => w.workflowId === req.workflowId);
  if (queued) queued.exclude = [...new Set([...queued.exclude, ...req.exclude])];
  // a task that lost its host was running already: it goes first
  else if (held || req.exclude.length > 0)
    state.waiting.unshift({ workflowId: req.workflowId, taskId: req.taskId, exclude: req.exclude, since: now });
  else state.waiting.push({ workflowId: req.workflowId, taskId: req.taskId, exclude: req.exclude, since: now });
  const promoted = promoteWaiting(state, now, liveSeconds);
  const mine = state.assignments.find((a) => a.workflowId === req.workflowId);
  const others = promoted.filter((id) => id !== req.workflowId);
  if (mine) return { placement: placementOf(state, mine.hostId), promoted: others };
  const position = state.waiting.findIndex((w) => w.workflowId === req.workflowId) + 1;
  const live = state.hosts.filter((h) => isLive(h, now, liveSeconds) && !req.exclude.includes(h.hostId));
  const reason =
    live.length === 0
      ? `no live host${req.exclude.length > 0 ? ` besides ${req.exclude.join(', ')}` : ''} (start a worker: drover worker)`
      : `all ${live.reduce((n, h) => n + h.slots, 0)} slots of ${live.length} live host(s) are in use`;
  return { placement: { waiting: { position, reason } }, promoted: others };
}

export interface HostView {
  hostId: string;
  taskQueue: string;
  workspace: string;
  slots: number;
  inUse: number;
  free: number;
  lastSeen: number;
  firstSeen: number;
  startedAt?: string;
  tasks: string[];
}

export interface RegistryView {
  hosts: HostView[];
  waiting: WaitingTask[];
  liveSeconds: number;
}

/** What `drover hosts` shows; liveness is left to the reader's clock (a query's workflow time can be old). */
export function registryView(state: RegistryState, liveSeconds = HOST_LIVE_SECONDS): RegistryView {
  return {
    liveSeconds,
    waiting: state.waiting.map((w) => ({ ...w })),
    hosts: state.hosts.map((h) => {
      const tasks = state.assignments.filter((a) => a.hostId === h.hostId).map((a) => a.taskId);
      return {
        hostId: h.hostId,
        taskQueue: h.taskQueue,
        workspace: h.workspace,
        slots: h.slots,
        inUse: tasks.length,
        free: Math.max(0, h.slots - tasks.length),
        lastSeen: h.lastSeen,
        firstSeen: h.firstSeen,
        startedAt: h.startedAt,
        tasks,
      };
    }),
  };
}
