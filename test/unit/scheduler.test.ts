import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManifestSchema, type Gates, type Manifest, type TaskStatus } from '../../src/domain/manifest-schema.js';
import { validateManifest } from '../../src/domain/manifest-validate.js';
import {
  blockedReason,
  criticalPathBound,
  criticalPathLengths,
  isFinished,
  isStalled,
  nextTasks,
} from '../../src/domain/scheduler.js';
import { simulate } from './manifest-simulation.js';

const example: Manifest = ManifestSchema.parse(
  JSON.parse(readFileSync(new URL('../fixtures/manifests/example.json', import.meta.url), 'utf8')),
);
const PHASE1 = ['t1', 't2', 't3'];

const strict = (slots: number) => ({ slots, gates: 'strict' as const });
const deps = (slots: number) => ({ slots, gates: 'deps' as const });

describe('the example manifest', () => {
  it('critical paths: t1 → t2 → t6 is the longest chain', () => {
    expect(criticalPathLengths(example)).toEqual({ t1: 3, t2: 2, t3: 1, t4: 2, t5: 1, t6: 1, t7: 2, t8: 1 });
    expect(criticalPathBound(example)).toBe(3);
    expect(criticalPathBound(example, undefined, 'strict')).toBe(4);
    expect(criticalPathBound(example, { t3: 5 })).toBe(5);
  });

  it('first picks: strict starts phase 1 only; deps starts t4 but not t7 (same file)', () => {
    expect(nextTasks(example, {}, strict(8))).toEqual(['t1', 't3']);
    expect(nextTasks(example, {}, deps(8))).toEqual(['t1', 't4', 't3']);
    expect(nextTasks(example, {}, deps(2))).toEqual(['t1', 't4']);
    expect(nextTasks(example, { t1: 'running' }, deps(2))).toEqual(['t4']);
  });

  const table: Array<{ gates: Gates; slots: number; makespan: number; bound: number }> = [];
  for (const gates of ['strict', 'deps'] as const) {
    for (const slots of [1, 2, 3, 8]) {
      it(`simulated run, ${gates} gates, ${slots} slot(s): every rule holds`, () => {
        const result = simulate(example, { slots, gates });
        expect(result.violations).toEqual([]);
        expect(result.stalled).toBe(false);
        expect(result.runs.map((r) => r.id).sort()).toEqual(['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8']);
        if (gates === 'strict') {
          const phase1End = Math.max(...result.runs.filter((r) => PHASE1.includes(r.id)).map((r) => r.end));
          for (const r of result.runs.filter((x) => !PHASE1.includes(x.id)))
            expect(r.start).toBeGreaterThanOrEqual(phase1End);
        }
        const bound = Math.max(criticalPathBound(example, undefined, gates), Math.ceil(8 / slots));
        expect(result.makespan).toBeGreaterThanOrEqual(bound);
        table.push({ gates, slots, makespan: result.makespan, bound });
      });
    }
  }

  it('makespans (unit-time tasks) against the lower bound', () => {
    console.log(
      `makespan vs lower bound max(critical path, ceil(tasks/slots)):\n${table.map((r) => `  ${r.gates.padEnd(6)} slots=${r.slots}: ${r.makespan} (bound ${r.bound})`).join('\n')}`,
    );
    const of = (gates: Gates, slots: number) => table.find((r) => r.gates === gates && r.slots === slots)?.makespan;
    // strict: phase 1 takes 2 (t1 → t2), phase 2 takes 3 (t4, t7, t8 share container_executor.js).
    expect(of('strict', 8)).toBe(5);
    expect(of('strict', 3)).toBe(5);
    expect(of('deps', 8)).toBe(3);
    expect(of('deps', 3)).toBe(3);
    expect(of('deps', 2)).toBe(4);
    expect(of('strict', 1)).toBe(8);
    expect(of('deps', 1)).toBe(8);
  });
});

describe('readiness rules', () => {
  it('a skipped dependency counts as done', () => {
    expect(nextTasks(example, { t1: 'skipped' }, strict(8))).toEqual(['t2', 't3']);
  });

  it('running and stuck tasks hold their slot and their files; error and escalated ones hold neither', () => {
    expect(nextTasks(example, { t1: 'stuck' }, strict(2))).toEqual(['t3']);
    expect(nextTasks(example, { t1: 'stuck', t3: 'running' }, strict(2))).toEqual([]);
    const state = { t1: 'complete', t2: 'complete', t3: 'complete', t4: 'error' } as const;
    expect(nextTasks(example, state, strict(8))).toEqual(['t7', 't6']); // t7 → t8 is the longer chain
    expect(nextTasks(example, { ...state, t4: 'escalated' }, strict(8))).toEqual(['t7', 't6']);
  });

  it('an error task keeps later phases closed under strict gates', () => {
    expect(nextTasks(example, { t1: 'error', t3: 'complete' }, strict(8))).toEqual([]);
    expect(isStalled(example, { t1: 'error', t3: 'complete' }, strict(8))).toBe(true);
    expect(nextTasks(example, { t1: 'error', t3: 'complete' }, deps(8))).toEqual(['t4']);
  });

  it('blocked counts as waiting; a task missing from the state has its manifest status', () => {
    expect(nextTasks(example, { t1: 'blocked' }, strict(8))).toEqual(['t1', 't3']);
    const done = ManifestSchema.parse({
      phases: [
        {
          name: 'P',
          tasks: [
            { id: 'a', status: 'merged' },
            { id: 'b', dependsOn: ['a'] },
          ],
        },
      ],
    });
    expect(nextTasks(done, {}, strict(1))).toEqual(['b']);
  });

  it('no slots, NaN slots, unknown or cyclic dependencies: nothing starts, nothing throws', () => {
    expect(nextTasks(example, {}, strict(0))).toEqual([]);
    expect(nextTasks(example, {}, strict(Number.NaN))).toEqual([]);
    const bad = ManifestSchema.parse({
      phases: [
        {
          name: 'P',
          tasks: [
            { id: 'a', dependsOn: ['b'] },
            { id: 'b', dependsOn: ['a'] },
            { id: 'c', dependsOn: ['zz'] },
          ],
        },
      ],
    });
    expect(nextTasks(bad, {}, deps(4))).toEqual([]);
    expect(criticalPathLengths(bad)).toEqual({ a: 2, b: 1, c: 1 });
    expect(blockedReason(bad, {}, 'c', deps(4))).toBe('dependency zz is not a task in this manifest');
  });

  it('durations steer the priority', () => {
    expect(nextTasks(example, {}, { ...deps(1) })).toEqual(['t1']);
    expect(nextTasks(example, {}, { ...deps(1), durations: { t3: 10 } })).toEqual(['t3']);
  });
});

describe('blockedReason', () => {
  it('names what a task waits for', () => {
    expect(blockedReason(example, {}, 't2', strict(8))).toBe('dependency t1 is pending, not complete');
    expect(blockedReason(example, { t1: 'running' }, 't2', strict(8))).toBe(
      'dependency t1 is running, not complete; shares ceo_root_manager.js with running task t1',
    );
    expect(blockedReason(example, { t1: 'running' }, 't4', strict(8))).toBe(
      'phase gate: phase "Phase 1: Critical" is not finished (t1 running, t2 pending, t3 pending)',
    );
    expect(blockedReason(example, { t4: 'stuck' }, 't7', deps(8))).toBe(
      'shares container_executor.js with stuck task t4',
    );
    expect(blockedReason(example, {}, 't7', deps(8))).toBe(
      'shares container_executor.js with t4, which starts first (longer critical path or earlier in the manifest)',
    );
    expect(blockedReason(example, { t1: 'running' }, 't3', strict(1))).toBe('no free slot (1 of 1 in use)');
    expect(blockedReason(example, {}, 't3', strict(1))).toBe(
      'no free slot: the free slot goes to t1 (longer critical path or earlier in the manifest)',
    );
  });

  it('is undefined for a task that starts now, and says so for tasks that do not wait', () => {
    expect(blockedReason(example, {}, 't1', strict(8))).toBeUndefined();
    expect(blockedReason(example, { t1: 'running' }, 't1', strict(8))).toBe('t1 is running, not waiting to start');
    expect(blockedReason(example, {}, 'nope', strict(8))).toBe('there is no task "nope" in this manifest');
  });

  it('agrees with nextTasks for every task in every reachable state of a run', () => {
    const state: Record<string, TaskStatus> = {};
    for (let round = 0; round < 10 && !isFinished(example, state); round++) {
      const started = nextTasks(example, state, strict(2));
      for (const t of example.phases.flatMap((p) => p.tasks)) {
        const waiting = (state[t.id] ?? 'pending') === 'pending';
        if (waiting) expect(blockedReason(example, state, t.id, strict(2)) === undefined).toBe(started.includes(t.id));
      }
      for (const [id, s] of Object.entries(state)) if (s === 'running') state[id] = 'complete';
      for (const id of started) state[id] = 'running';
    }
  });
});

describe('isFinished', () => {
  it('needs every task complete, pr_open, merged or skipped', () => {
    const ids = example.phases.flatMap((p) => p.tasks.map((t) => t.id));
    const all = (s: TaskStatus) => Object.fromEntries(ids.map((id) => [id, s]));
    expect(isFinished(example, all('merged'))).toBe(true);
    expect(isFinished(example, { ...all('complete'), t3: 'skipped', t4: 'pr_open' })).toBe(true);
    expect(isFinished(example, { ...all('complete'), t8: 'escalated' })).toBe(false);
    expect(isFinished(example, {})).toBe(false);
  });
});

/** Random DAGs: task i depends only on tasks with a lower index, so the graph is acyclic. */
const FILES = ['a.js', 'b.js', 'c.js', 'src/', 'src/x.ts', 'src/*.ts', 'lib/**', 'lib/y/z.js', 'docs/*.md'];
const dag = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record({
    deps: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.subarray(
          Array.from({ length: i }, (_x, j) => j),
          { maxLength: Math.min(3, i) },
        ),
      ),
    ),
    files: fc.array(fc.subarray(FILES, { maxLength: 3 }), { minLength: n, maxLength: n }),
    durations: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: n, maxLength: n }),
    cuts: fc.uniqueArray(fc.integer({ min: 1, max: n }), { maxLength: 3 }),
    order: fc.shuffledSubarray(
      Array.from({ length: n }, (_, i) => i),
      { minLength: n, maxLength: n },
    ),
    skipped: fc.subarray(
      Array.from({ length: n }, (_, i) => i),
      { maxLength: Math.min(2, n) },
    ),
    slots: fc.integer({ min: 1, max: 4 }),
  }),
);

function build(
  g: { deps: number[][]; files: string[][]; cuts: number[]; order: number[]; skipped: number[] },
  shuffle: boolean,
): Manifest {
  const order = shuffle ? g.order : g.order.map((_, i) => i);
  const cuts = [...g.cuts, 0, order.length].sort((a, b) => a - b);
  const phases = cuts
    .slice(1)
    .map((end, k) => ({
      name: `Phase ${k + 1}`,
      tasks: order.slice(cuts[k], end).map((i) => ({
        id: `t${i}`,
        files: g.files[i] ?? [],
        dependsOn: (g.deps[i] ?? []).map((j) => `t${j}`),
        status: g.skipped.includes(i) ? ('skipped' as const) : ('pending' as const),
      })),
    }))
    .filter((p) => p.tasks.length > 0);
  return ManifestSchema.parse({ phases });
}

describe('properties over random DAGs', () => {
  for (const gates of ['strict', 'deps'] as const) {
    it(`${gates} gates: terminates, keeps every rule, runs every pending task exactly once`, () => {
      fc.assert(
        fc.property(dag, (g) => {
          const manifest = build(g, gates === 'deps');
          expect(validateManifest(manifest, { gates }).ok).toBe(true);
          const durations = Object.fromEntries(g.durations.map((d, i) => [`t${i}`, d]));
          const result = simulate(manifest, { slots: g.slots, gates }, durations);
          expect(result.violations).toEqual([]);
          expect(result.stalled).toBe(false);
          const pending = manifest.phases
            .flatMap((p) => p.tasks)
            .filter((t) => t.status === 'pending')
            .map((t) => t.id);
          expect(result.runs.map((r) => r.id).sort()).toEqual([...pending].sort());
          const total = result.runs.reduce((sum, r) => sum + (r.end - r.start), 0);
          expect(result.makespan).toBeLessThanOrEqual(total);
          if (g.skipped.length === 0)
            expect(result.makespan).toBeGreaterThanOrEqual(criticalPathBound(manifest, durations, gates));
        }),
        { numRuns: 400 },
      );
    });
  }
});
