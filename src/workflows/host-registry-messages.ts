import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { HostHeartbeat, Placement, PlacementRequest, RegistryView } from '../domain/hosts.js';

/** From each worker every few seconds (signalWithStart): this host is alive, with its capacity. */
export const hostHeartbeatSignal = defineSignal<[HostHeartbeat]>('hostHeartbeat');
/** From a task workflow when it ends: its slot is free again (idempotent). */
export const hostReleaseSignal = defineSignal<[{ workflowId: string }]>('hostRelease');
/** Atomic placement: a host with a free slot, or the task's place in the queue. */
export const placeTaskUpdate = defineUpdate<Placement, [PlacementRequest]>('placeTask');
/** Hosts, capacity, slots in use, waiting tasks. */
export const hostsQuery = defineQuery<RegistryView>('hosts');
/** From the registry to a waiting task workflow: a slot was reserved for it, ask again. */
export const hostReadySignal = defineSignal('hostReady');
