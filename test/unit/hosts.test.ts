import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import {
  chooseHost,
  emptyRegistry,
  promoteWaiting,
  recordHeartbeat,
  registryView,
  release,
  requestPlacement,
  type RegistryState,
} from '../../src/domain/hosts.js';

const T0 = 1_000_000;
const beat = (hostId: string, slots: number) => ({
  hostId,
  taskQueue: `drover@${hostId}`,
  slots,
  workspace: `/w/${hostId}`,
});

function registry(...hosts: [string, number][]): RegistryState {
  const state = emptyRegistry();
  for (const [id, slots] of hosts) recordHeartbeat(state, beat(id, slots), T0);
  return state;
}

const place = (state: RegistryState, workflowId: string, at = T0, exclude: string[] = []) =>
  requestPlacement(state, { workflowId, taskId: workflowId, exclude }, at);
const hostOf = (p: ReturnType<typeof place>) => ('hostId' in p.placement ? p.placement.hostId : undefined);

describe('chooseHost', () => {
  it('picks the live host with the most free slots, ties by host id', () => {
    const state = registry(['b', 2], ['a', 2], ['c', 3]);
    expect(chooseHost(state, T0)?.hostId).toBe('c');
    state.assignments.push({ workflowId: 'x', taskId: 'x', hostId: 'c', at: T0 });
    expect(chooseHost(state, T0)?.hostId).toBe('a');
  });

  it('never picks a host that stopped heartbeating, an excluded host or a full one', () => {
    const state = registry(['a', 1], ['b', 1]);
    expect(chooseHost(state, T0 + 46_000)).toBeUndefined(); // both gone (45 s)
    expect(chooseHost(state, T0 + 10_000, ['a'])?.hostId).toBe('b');
    state.assignments.push({ workflowId: 'x', taskId: 'x', hostId: 'b', at: T0 });
    expect(chooseHost(state, T0, ['a'])).toBeUndefined();
  });

  it('gives nothing when no host ever registered', () => {
    expect(chooseHost(emptyRegistry(), T0)).toBeUndefined();
  });
});

describe('requestPlacement', () => {
  it('fills slots 2 + 1 with three tasks, queues the fourth, and gives it the first freed slot', () => {
    const state = registry(['a', 2], ['b', 1]);
    const hosts = ['t1', 't2', 't3'].map((id) => hostOf(place(state, id)));
    expect(hosts.sort()).toEqual(['a', 'a', 'b']);
    const fourth = place(state, 't4');
    expect(fourth.placement).toEqual({ waiting: { position: 1, reason: 'all 3 slots of 2 live host(s) are in use' } });
    const holder = state.assignments.find((a) => a.hostId === 'b')!.workflowId;
    release(state, holder);
    expect(promoteWaiting(state, T0)).toEqual(['t4']);
    expect(hostOf(place(state, 't4'))).toBe('b');
    expect(registryView(state).hosts.map((h) => [h.hostId, h.inUse, h.free])).toEqual([
      ['a', 2, 0],
      ['b', 1, 0],
    ]);
  });

  it('is idempotent per task while its host lives; a second ask never takes a second slot', () => {
    const state = registry(['a', 1], ['b', 1]);
    const first = hostOf(place(state, 't1'));
    expect(hostOf(place(state, 't1', T0 + 5000))).toBe(first);
    expect(state.assignments).toHaveLength(1);
  });

  it('serves the queue first come, first served; a task lost by a dead host goes first', () => {
    const state = registry(['a', 1]);
    place(state, 't1');
    expect(place(state, 't2').placement).toMatchObject({ waiting: { position: 1 } });
    expect(place(state, 't3').placement).toMatchObject({ waiting: { position: 2 } });
    release(state, 't1');
    expect(promoteWaiting(state, T0)).toEqual(['t2']);
    expect(state.waiting.map((w) => w.workflowId)).toEqual(['t3']);
  });

  it('moves a task off a gone host, excluding it; its old slot is freed', () => {
    const state = registry(['a', 1], ['b', 1]);
    expect(hostOf(place(state, 't1'))).toBe('a');
    recordHeartbeat(state, beat('b', 1), T0 + 50_000); // only b still heartbeats
    const moved = place(state, 't1', T0 + 50_000, ['a']);
    expect(hostOf(moved)).toBe('b');
    expect(state.assignments.map((a) => [a.workflowId, a.hostId])).toEqual([['t1', 'b']]);
  });

  it('says why a task waits when no host is live', () => {
    const state = registry(['a', 1]);
    expect(place(state, 't1', T0 + 60_000, []).placement).toEqual({
      waiting: { position: 1, reason: 'no live host (start a worker: drover worker)' },
    });
    expect(place(state, 't2', T0, ['a']).placement).toMatchObject({
      waiting: { reason: 'no live host besides a (start a worker: drover worker)' },
    });
  });

  it('a worker that restarts keeps its host id, its tasks and its new capacity', () => {
    const state = registry(['a', 2]);
    place(state, 't1');
    recordHeartbeat(state, { ...beat('a', 3), startedAt: 'later' }, T0 + 20_000);
    expect(registryView(state).hosts).toMatchObject([
      { hostId: 'a', slots: 3, inUse: 1, free: 2, startedAt: 'later', tasks: ['t1'] },
    ]);
  });
});

describe('host slots configuration', () => {
  const load = (env: Record<string, string>, projectRoot = '/nonexistent-drover-root') =>
    loadConfig({ projectRoot, env: { DROVER_HOST_ID: 'h', ...env } });

  it('defaults to 8, DROVER_HOST_SLOTS overrides', () => {
    expect(load({}).slots).toBe(8);
    expect(load({ DROVER_HOST_SLOTS: '3' }).slots).toBe(3);
  });

  it('rejects a value that is not 1-1000 with a message naming the variable', () => {
    for (const bad of ['0', '1001', 'two', '1.5']) {
      expect(() => load({ DROVER_HOST_SLOTS: bad })).toThrow(
        `DROVER_HOST_SLOTS must be a whole number of concurrent agents between 1 and 1000 (got "${bad}")`,
      );
    }
  });
});
