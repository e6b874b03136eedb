import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadManifestFile, parseManifestText } from '../../src/cli/manifest-file.js';
import { writeBack } from '../../src/cli/manifest-write-back.js';
import { changedSince, updateFromRun } from '../../src/domain/manifest-updates.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'manifests');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-write-back-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Task = Record<string, unknown> & { id: string };
const tasksOf = (data: unknown): Task[] =>
  (data as { phases: Array<{ tasks: Task[] }> }).phases.flatMap((p) => p.tasks);
const task = (data: unknown, id: string): Task => tasksOf(data).find((t) => t.id === id)!;

describe('manifest write-back: YAML', () => {
  it('keeps comments, layout and a user edit made between two writes', async () => {
    const file = join(dir, 'm.yaml');
    await copyFile(join(FIXTURES, 'example.yaml'), file);
    const original = await readFile(file, 'utf8');

    const first = await writeBack(file, [
      {
        taskId: 't1',
        fields: { status: 'running', startedAt: '2026-01-01T00:00:00Z', worktree: '/w/t1', tmuxSession: 'drover:t1' },
      },
    ]);
    expect(first).toEqual({ applied: ['t1'], missing: [], written: true, how: 'in-place' });

    // The user edits the file while the run goes on: another field of t1, a comment, the project.
    const edited = (await readFile(file, 'utf8'))
      .replace(
        'objective: Validate every command the root manager runs',
        'objective: Validate every command the root manager runs, twice # edited by hand',
      )
      .replace('project: nuri-security-framework', '# a comment added by the user\nproject: nuri-renamed');
    await writeFile(file, edited);

    await writeBack(file, [
      { taskId: 't1', fields: { status: 'pr_open', prNumber: 12, completedAt: '2026-01-01T01:00:00Z' } },
      { taskId: 't2', fields: { status: 'running', startedAt: '2026-01-01T01:00:01Z' } },
    ]);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('# The example manifest in YAML');
    expect(text).toContain('# a comment added by the user\nproject: nuri-renamed');
    expect(text).toContain('objective: Validate every command the root manager runs, twice # edited by hand');
    expect(text).toContain('steps: [tests, fix]'); // untouched flow style stays as written
    expect(text).toContain(
      '{ id: t2, issue: 2, files: [ceo_root_manager.js], dependsOn: [t1], status: "running", startedAt: "2026-01-01T01:00:01Z" }',
    );

    const data = parseManifestText(file, text);
    expect(task(data, 't1')).toMatchObject({
      status: 'pr_open',
      prNumber: 12,
      startedAt: '2026-01-01T00:00:00Z',
      completedAt: '2026-01-01T01:00:00Z',
      worktree: '/w/t1',
      tmuxSession: 'drover:t1',
      objective: 'Validate every command the root manager runs, twice',
    });
    // Everything else is as before: the other tasks, byte for byte.
    const untouched = (s: string) => s.split('\n').filter((l) => /id: t[3-8]/.test(l));
    expect(untouched(text)).toEqual(untouched(original));
    const loaded = await loadManifestFile(file);
    expect(loaded.manifest.phases[0]?.tasks[0]?.status).toBe('pr_open');
  });

  it('replaces existing values in place, fills an empty value, keeps trailing comments', async () => {
    const file = join(dir, 'm.yml');
    await writeFile(
      file,
      [
        'phases:',
        '  - name: P',
        '    tasks:',
        '      - id: a',
        '        status: pending # set by hand',
        '        worktree:',
        '        files:',
        '          - x.js',
        '',
      ].join('\n'),
    );
    await writeBack(file, [{ taskId: 'a', fields: { status: 'complete', worktree: '/w/a', prNumber: 3 } }]);
    expect(await readFile(file, 'utf8')).toBe(
      [
        'phases:',
        '  - name: P',
        '    tasks:',
        '      - id: a',
        '        status: "complete" # set by hand',
        '        worktree: "/w/a"',
        '        files:',
        '          - x.js',
        '        prNumber: 3',
        '',
      ].join('\n'),
    );
  });

  it('awkward layouts still get exactly the intended values (block scalars, multi-line flow maps, no final newline)', async () => {
    const layouts = [
      [
        'phases:',
        '  - name: P',
        '    tasks:',
        '      - id: a',
        '        objective: |',
        '          line one',
        '          line two',
        '',
      ].join('\n'),
      [
        'phases:',
        '  - name: P',
        '    tasks:',
        '      - {',
        '          id: a, # the id',
        '          files: [x.js]',
        '        }',
        '',
      ].join('\n'),
      'phases: [{ name: P, tasks: [{ id: a }] }]',
      ['phases:', '- name: P', '  tasks:', '  - id: a', '    startedAt: ~'].join('\n'),
    ];
    for (const [i, layout] of layouts.entries()) {
      const file = join(dir, `awkward-${i}.yaml`);
      await writeFile(file, layout);
      const r = await writeBack(file, [
        { taskId: 'a', fields: { status: 'running', startedAt: '2026-01-01T00:00:00Z', prNumber: 9 } },
      ]);
      expect(r.how, layout).toBe('in-place');
      const data = parseManifestText(file, await readFile(file, 'utf8'));
      expect(task(data, 'a'), layout).toMatchObject({
        status: 'running',
        startedAt: '2026-01-01T00:00:00Z',
        prNumber: 9,
      });
      expect(Object.keys(task(data, 'a')).length, layout).toBe(
        Object.keys(task(parseManifestText(file, layout), 'a')).length + (i === 3 ? 2 : 3),
      );
    }
  });

  it('a task id not in the file is reported, not invented', async () => {
    const file = join(dir, 'm.yaml');
    await copyFile(join(FIXTURES, 'example.yaml'), file);
    const before = await readFile(file, 'utf8');
    const r = await writeBack(file, [{ taskId: 'ghost', fields: { status: 'running' } }]);
    expect(r).toEqual({ applied: [], missing: ['ghost'], written: false, how: 'in-place' });
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('a file that no longer parses is left alone, with a clear error', async () => {
    const file = join(dir, 'm.yaml');
    await writeFile(file, 'phases: [\n');
    await expect(writeBack(file, [{ taskId: 'a', fields: { status: 'running' } }])).rejects.toThrow(
      /not written back, the file does not parse now/,
    );
    expect(await readFile(file, 'utf8')).toBe('phases: [\n');
  });

  it('refuses fields outside the write-back set', async () => {
    const file = join(dir, 'm.yaml');
    await copyFile(join(FIXTURES, 'example.yaml'), file);
    await expect(writeBack(file, [{ taskId: 't1', fields: { title: 'x' } as never }])).rejects.toThrow(
      /write-back of task t1: fields: Unrecognized key: "title"/,
    );
  });
});

describe('manifest write-back: JSON', () => {
  it('keeps key order and the 2-space indent; only the fields change', async () => {
    const file = join(dir, 'm.json');
    await copyFile(join(FIXTURES, 'example.json'), file);
    const before = JSON.parse(await readFile(file, 'utf8')) as unknown;
    await writeBack(file, [
      { taskId: 't2', fields: { status: 'merged', prNumber: 4, completedAt: '2026-01-02T00:00:00Z' } },
    ]);
    const text = await readFile(file, 'utf8');
    const after = JSON.parse(text) as unknown;
    expect(Object.keys(task(after, 't2'))).toEqual(Object.keys(task(before, 't2')));
    expect(Object.keys(after as object)).toEqual(Object.keys(before as object));
    expect(task(after, 't2')).toEqual({
      ...task(before, 't2'),
      status: 'merged',
      prNumber: 4,
      completedAt: '2026-01-02T00:00:00Z',
    });
    expect(tasksOf(after).filter((t) => t.id !== 't2')).toEqual(tasksOf(before).filter((t) => t.id !== 't2'));
    expect(text).toBe(`${JSON.stringify(after, null, 2)}\n`);
    expect(text).toContain('\n  "phases": [\n    {\n');
  });
});

describe('manifest write-back: concurrency and atomicity', () => {
  it('writers racing in one process all land, and the file is never corrupt', async () => {
    const file = join(dir, 'm.yaml');
    await copyFile(join(FIXTURES, 'example.yaml'), file);
    const ids = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8'];
    const writes = ids.flatMap((id, i) => [
      writeBack(file, [{ taskId: id, fields: { status: 'running', startedAt: `2026-01-01T00:00:0${i}Z` } }]),
      writeBack(file, [{ taskId: id, fields: { tmuxSession: `s-${id}` } }]),
    ]);
    // A reader in between sees a whole manifest every time.
    const reads = Array.from({ length: 10 }, async () => (await loadManifestFile(file)).manifest.phases.length);
    expect(await Promise.all(reads)).toEqual(Array(10).fill(2));
    await Promise.all(writes);
    const data = (await loadManifestFile(file)).manifest;
    for (const [i, id] of ids.entries())
      expect(task(data, id)).toMatchObject({
        status: 'running',
        startedAt: `2026-01-01T00:00:0${i}Z`,
        tmuxSession: `s-${id}`,
      });
    expect((await readdir(dir)).sort()).toEqual(['m.yaml']); // no temp file left behind
  });
});

describe('updates from a run', () => {
  it('maps a run task to the fields, completedAt only once finished', () => {
    expect(updateFromRun({ id: 't1', status: 'running', startedAt: 'S', finishedAt: 'F' })).toEqual({
      taskId: 't1',
      fields: { status: 'running', startedAt: 'S' },
    });
    expect(
      updateFromRun({
        id: 't1',
        status: 'pr_open',
        startedAt: 'S',
        finishedAt: 'F',
        prNumber: 5,
        worktree: '/w',
        tmuxSession: 'x',
      }),
    ).toEqual({
      taskId: 't1',
      fields: { status: 'pr_open', startedAt: 'S', completedAt: 'F', prNumber: 5, worktree: '/w', tmuxSession: 'x' },
    });
    expect(() => updateFromRun({ id: 't1', status: 'done' })).toThrow(/"done" is not a manifest status/);
  });

  it('only changed updates are written again', () => {
    const a = updateFromRun({ id: 'a', status: 'running', startedAt: 'S' });
    const b = updateFromRun({ id: 'b', status: 'pending' });
    expect(changedSince([a, b], [a, updateFromRun({ id: 'b', status: 'running' })]).map((u) => u.taskId)).toEqual([
      'b',
    ]);
    expect(changedSince([], [a])).toEqual([a]);
    expect(changedSince([a], [a])).toEqual([]);
  });
});
