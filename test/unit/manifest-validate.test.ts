import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  ManifestSchema,
  defaultObjective,
  manifestJsonSchema,
  splitValidateString,
} from '../../src/domain/manifest-schema.js';
import { validateManifest, type ManifestValidation } from '../../src/domain/manifest-validate.js';

const fixture = (name: string): unknown => {
  const text = readFileSync(new URL(`../fixtures/manifests/${name}`, import.meta.url), 'utf8');
  return name.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
};
const errorsOf = (r: ManifestValidation): string[] => (r.ok ? [] : r.errors);
const task = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  files: [`src/${id}.ts`],
  dependsOn: [],
  ...extra,
});
const one = (tasks: unknown[], extra: Record<string, unknown> = {}) => ({
  phases: [{ name: 'Phase 1', tasks }],
  ...extra,
});

describe('valid manifests', () => {
  it.each(['reference-example.json', 'example.json', 'example.yaml'])('%s parses without warnings', (name) => {
    const r = validateManifest(fixture(name));
    expect(r).toMatchObject({ ok: true, warnings: [] });
    if (!r.ok) return;
    expect(r.manifest.phases.map((p) => p.tasks.length)).toEqual([3, 5]);
    expect(r.manifest.phases[1]?.tasks[4]).toMatchObject({ id: 't8', dependsOn: ['t7'], status: 'pending', steps: [] });
  });

  it("fills Drover's fields from the YAML example", () => {
    const r = validateManifest(fixture('example.yaml'));
    expect(r.ok && r.manifest.phases[0]?.tasks[0]).toMatchObject({
      validate: ['npm', 'test'],
      branch: 'fix/issue-1',
      agent: 'claude',
      steps: ['tests', 'fix'],
    });
  });
});

describe('each invalid manifest names its problem', () => {
  it('unknown dependency: names the task and the missing id', () => {
    expect(errorsOf(validateManifest(fixture('invalid-unknown-dependency.json')))).toEqual([
      'task "t2" depends on "t9", which is not a task in this manifest',
    ]);
    expect(errorsOf(validateManifest(one([task('build-api'), task('t2', { dependsOn: ['biuld-api'] })])))).toEqual([
      'task "t2" depends on "biuld-api", which is not a task in this manifest (did you mean "build-api"?)',
    ]);
  });

  it('cycle: printed as t1 → t3 → t1', () => {
    expect(errorsOf(validateManifest(fixture('invalid-cycle.json')))).toEqual([
      'dependency cycle: t1 → t3 → t1 (each task waits for the next, so none of them can start); remove one of these dependencies',
    ]);
    expect(errorsOf(validateManifest(one([task('a', { dependsOn: ['a'] })])))[0]).toMatch(/^dependency cycle: a → a /);
    const long = errorsOf(
      validateManifest(
        one([task('a', { dependsOn: ['b'] }), task('b', { dependsOn: ['c'] }), task('c', { dependsOn: ['a'] })]),
      ),
    );
    expect(long[0]).toMatch(/^dependency cycle: a → b → c → a /);
  });

  it('duplicate ids: names them and their phases', () => {
    expect(errorsOf(validateManifest(fixture('invalid-duplicate-id.json')))).toEqual([
      'task id "t1" is used 2 times: phase "Phase 1" (phases[0].tasks[0]), phase "Phase 2" (phases[1].tasks[0]); each task needs its own id',
    ]);
  });

  it('unsafe ids: the identifier rules, with the reason', () => {
    const errors = errorsOf(validateManifest(fixture('invalid-unsafe-id.json')));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^task "fix\/login" \(phases\[0\]\.tasks\[0\]\): the task id contains '\/'/);
    expect(errors[1]).toMatch(/^task "-rm" \(phases\[0\]\.tasks\[1\]\): the task id starts with '-'/);
  });

  it('empty phase: named', () => {
    expect(errorsOf(validateManifest(fixture('invalid-empty-phase.json')))).toEqual([
      'phase "Phase 2" (phases[1]) has no tasks; add tasks to it or remove it',
    ]);
    expect(errorsOf(validateManifest({ phases: [] }))).toEqual([
      'the manifest has no phases; add at least one phase with tasks',
    ]);
  });

  it('files outside the repository: absolute, .., ~ (globs are fine)', () => {
    const errors = errorsOf(validateManifest(fixture('invalid-file-outside-repo.json')));
    expect(errors).toEqual([
      'task "t1" files[0] "/etc/passwd" is an absolute path; write it relative to the repository root (e.g. src/app.ts)',
      `task "t2" files[0] "../other/x.js" climbs out of the repository with '..'; write it relative to the repository root`,
      `task "t3" files[0] "~/notes.md" starts with '~' (a home directory); write it relative to the repository root`,
    ]);
    expect(errorsOf(validateManifest(one([task('w', { files: ['C:\\src\\a.js', 'src\\..\\..\\x'] })])))).toHaveLength(
      2,
    );
  });

  it('dependency on a later phase: an error under strict gates, a warning under deps gates', () => {
    const raw = fixture('invalid-later-phase-dependency.json');
    expect(errorsOf(validateManifest(raw))).toEqual([
      'task "t1" (phase "Phase 1") depends on "t2", which is in a later phase (phase "Phase 2"); with strict phase gates neither could ever start: move "t2" to an earlier phase or drop the dependency',
    ]);
    const relaxed = validateManifest(raw, { gates: 'deps' });
    expect(relaxed.ok).toBe(true);
    expect(relaxed.ok && relaxed.warnings[0]).toMatch(/later phase .* deadlock with strict phase gates/);
  });

  it('unknown task key: refused, with the key it probably meant', () => {
    expect(errorsOf(validateManifest(fixture('invalid-unknown-task-key.json')))[0]).toMatch(
      /^phases\[0\]\.tasks\[0\] \(task "t1"\): unknown key "dependson" \(did you mean "dependsOn"\?\); a task may have id, issue/,
    );
  });

  it('collects every problem at once, schema and graph alike', () => {
    const errors = errorsOf(validateManifest(fixture('invalid-many-problems.json')));
    expect(errors).toEqual([
      'phases[0].tasks[3].dependsOn (task "bad id"): Invalid input: expected array, received string',
      expect.stringMatching(
        /^phases\[0\]\.tasks\[3\]\.status \(task "bad id"\): Invalid option: expected one of "pending"/,
      ),
      'phase "Empty" (phases[1]) has no tasks; add tasks to it or remove it',
      `task "bad id" (phases[0].tasks[3]): the task id contains a space or other whitespace; use '-' instead`,
      'task id "t2" is used 2 times: phase "Phase 1" (phases[0].tasks[1]), phase "Phase 1" (phases[0].tasks[2]); each task needs its own id',
      'task "t1" depends on "nope", which is not a task in this manifest',
      'dependency cycle: t1 → t2 → t1 (each task waits for the next, so none of them can start); remove one of these dependencies',
    ]);
  });

  it('shape errors carry their JSON path', () => {
    expect(errorsOf(validateManifest(null))).toEqual(['manifest: Invalid input: expected object, received null']);
    expect(errorsOf(validateManifest({ project: 'p' }))).toEqual(['phases: missing (expected array)']);
    expect(errorsOf(validateManifest(one([{ id: 7 }])))).toEqual([
      'phases[0].tasks[0].id: Invalid input: expected string, received number',
    ]);
    expect(errorsOf(validateManifest(one([task('a', { issue: '12', prNumber: -1 })])))).toEqual([
      'phases[0].tasks[0].issue (task "a"): Invalid input: expected number, received string',
      expect.stringMatching(/^phases\[0\]\.tasks\[0\]\.prNumber \(task "a"\): Too small/),
    ]);
  });

  it("checks Drover's fields: steps, branch, agent, validate", () => {
    const errors = errorsOf(
      validateManifest(
        one([task('a', { steps: ['ok', 'not ok'], branch: 'a..b', agent: 'x y', validate: 'npm test && rm -rf /' })]),
      ),
    );
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(
      /^phases\[0\]\.tasks\[0\]\.steps\[1\] \(task "a"\): step "not ok" is not a valid step name/,
    );
    expect(errors[1]).toMatch(/\.agent \(task "a"\): an agent name is/);
    expect(errors[2]).toMatch(/\.validate \(task "a"\): the validate command contains '&'; .* argv array/);
    expect(errors[3]).toMatch(/\.branch \(task "a"\): a branch name cannot contain '\.\.'/);
    expect(
      errorsOf(validateManifest(one([task('a', { validate: [] }), task('b', { validate: ['npm', ''] })]))),
    ).toHaveLength(2);
  });

  it('two tasks on one branch', () => {
    expect(errorsOf(validateManifest(one([task('a', { branch: 'fix/x' }), task('b', { branch: 'fix/x' })])))).toEqual([
      'tasks "a", "b" all use the branch "fix/x"; give each task its own branch',
    ]);
  });
});

describe('unknown keys: kept at top and phase level, refused at task level', () => {
  it('keeps top-level and phase-level extras', () => {
    const r = validateManifest({
      socket: '/tmp/s.sock',
      notes: { by: 'me' },
      phases: [{ name: 'P', gate: 'manual', tasks: [task('a')] }],
    });
    expect(r.ok && r.manifest).toMatchObject({
      socket: '/tmp/s.sock',
      notes: { by: 'me' },
      phases: [{ gate: 'manual' }],
    });
  });
  it('refuses task-level extras', () => {
    expect(errorsOf(validateManifest(one([task('a', { priority: 1 })])))[0]).toMatch(
      /unknown key "priority"; a task may have/,
    );
  });
});

describe('defaults', () => {
  it('status pending, objective from title and issue', () => {
    const m = ManifestSchema.parse(
      one([
        { id: 'a', title: 'Fix X', issue: 12 },
        { id: 'b', issue: 3 },
        { id: 'c', title: 'Only' },
        { id: 'd' },
        { id: 'e', objective: 'Mine' },
      ]),
    );
    const tasks = m.phases[0]?.tasks ?? [];
    expect(tasks.map((t) => t.objective)).toEqual(['Fix X (issue #12)', 'Resolve issue #3', 'Only', 'Task d', 'Mine']);
    expect(tasks.every((t) => t.status === 'pending' && t.files.length === 0 && t.dependsOn.length === 0)).toBe(true);
    expect(defaultObjective({ id: 'x', title: '  ', issue: null })).toBe('Task x');
  });
  it('validate strings are split on whitespace only', () => {
    expect(splitValidateString('  npm   run test:unit ')).toEqual({ ok: true, argv: ['npm', 'run', 'test:unit'] });
    for (const s of ['a | b', 'a; b', 'echo $HOME', 'a "b c"', "a 'b'", 'a > f', 'ls *.ts', 'a\nb', 'a `b`', 'a \\ b'])
      expect(splitValidateString(s).ok).toBe(false);
    expect(splitValidateString('   ')).toMatchObject({ ok: false, error: expect.stringMatching(/empty/) });
  });
});

describe('warnings', () => {
  it('tasks without files, braces, duplicate dependencies, duplicate phase names', () => {
    const r = validateManifest({
      phases: [
        { name: 'P', tasks: [task('a', { files: [] }), task('b', { files: ['src/{x,y}.ts'], dependsOn: ['a', 'a'] })] },
        { name: 'P', tasks: [task('c')] },
      ],
    });
    expect(r.ok && r.warnings).toEqual([
      'two phases are named "P"; give each phase its own name so gates and messages are unambiguous',
      'task "b" lists the dependency "a" more than once',
      'task "a" lists no files, so Drover cannot keep it apart from tasks that edit the same files',
      'task "b" files[0] "src/{x,y}.ts": braces are not expanded; list each path separately',
    ]);
  });
  it('against the repository files, when known', () => {
    const repoFiles = ['src/a.ts', 'src/lib/b.ts', 'README.md'];
    const r = validateManifest(
      one([task('a', { files: ['src', 'src/**/*.ts', 'README.md', 'src/new.ts', 'docs/*.md', './src/a.ts'] })]),
      { repoFiles },
    );
    expect(r.ok && r.warnings).toEqual([
      'task "a" files[3] "src/new.ts" is not in the repository (fine if the task creates it)',
      'task "a" files[4] "docs/*.md" matches no file in the repository',
    ]);
  });
});

describe('JSON Schema', () => {
  it('describes the file users write', () => {
    const schema = manifestJsonSchema() as {
      required: string[];
      properties: Record<string, { items?: Record<string, unknown> }>;
      additionalProperties: unknown;
    };
    expect(schema.required).toEqual(['phases']);
    expect(schema.additionalProperties).not.toBe(false);
    const phase = schema.properties.phases?.items as { properties: { tasks: { items: Record<string, unknown> } } };
    const taskSchema = phase.properties.tasks.items as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, Record<string, unknown>>;
    };
    expect(taskSchema.required).toEqual(['id']);
    expect(taskSchema.additionalProperties).toBe(false);
    expect(taskSchema.properties.status?.enum).toContain('pr_open');
    expect(Object.keys(taskSchema.properties)).toEqual(
      expect.arrayContaining(['objective', 'steps', 'agent', 'validate', 'branch', 'dependsOn', 'files']),
    );
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

describe('robustness', () => {
  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => typeof validateManifest(raw).ok === 'boolean'),
      { numRuns: 500 },
    );
    const jsonish = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('id', 'phases', 'tasks', 'name', 'dependsOn', 'files', 'x'), tie('value'), {
          maxKeys: 4,
        }),
      ),
    })).value;
    fc.assert(
      fc.property(jsonish, (raw) => typeof validateManifest(raw).ok === 'boolean'),
      { numRuns: 500 },
    );
  });
});
