/**
 * Hostile input for the manifest parser (parseManifestText → validateManifest): arbitrary text
 * as JSON and YAML, resource-exhaustion documents, and valid manifests mutated with cycles,
 * duplicate or unknown ids, odd ids, control characters, shell metacharacters, path traversal,
 * long strings, unicode and prototype keys. The parser either returns a result or throws its
 * own Error naming the file; whatever it accepts satisfies the graph and identifier invariants.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifestText } from '../../src/cli/manifest-file.js';
import { MAX_YAML_DEPTH } from '../../src/cli/yaml-depth.js';
import {
  branchForTask,
  taskWorkflowId,
  tmuxWindowName,
  validateBranchName,
  validateTaskId,
} from '../../src/domain/identifiers.js';
import type { Manifest } from '../../src/domain/manifest-schema.js';
import { validateManifest } from '../../src/domain/manifest-validate.js';

const NASTY = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '..',
  '../',
  '../../etc/passwd',
  '/etc/passwd',
  'C:\\x',
  '~/.ssh/id_rsa',
  '$(rm -rf /)',
  '`id`',
  '; rm -rf ~',
  '| sh',
  '&&',
  '>',
  '\u0000',
  '\u0007',
  '\u001b[2J',
  '\u001b]0;x\u0007',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\r\n',
  '\n',
  '\t',
  ' ',
  '-',
  '--force',
  '.lock',
  '@{-1}',
  'HEAD',
  '*',
  '?',
  '[',
  '{',
  '}',
  '"',
  "'",
  '\\',
  '%s',
  '😀',
  'é',
  'ＡＢ',
  'İ',
  'a'.repeat(101),
  'x'.repeat(5000),
  '&a',
  '*a',
  '!!js/function',
  '<<',
  '#',
  ':',
];
const nasty = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.constantFrom(...NASTY), { minLength: 1, maxLength: 4 }).map((a) => a.join('')),
);
const safeId = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);

/** The parser's own failure: an Error whose message starts with the file name and counts the problems. */
function parseOrOwnError(name: string, text: string): { value: unknown } | { error: string } {
  try {
    return { value: parseManifestText(name, text) };
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).constructor).toBe(Error);
    expect((err as Error).message).toMatch(new RegExp(`^${name.replace('.', '\\.')}: \\d+ problems?\\n  - `));
    return { error: (err as Error).message };
  }
}

/** Every invariant an accepted manifest must hold. */
function checkAccepted(m: Manifest): void {
  expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
  const tasks = m.phases.flatMap((p, phase) => p.tasks.map((t) => ({ ...t, phase })));
  const ids = tasks.map((t) => t.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(new Set(ids.map(tmuxWindowName)).size).toBe(ids.length);
  for (const t of tasks) {
    expect(Object.getPrototypeOf(m.phases[t.phase]!.tasks.find((x) => x.id === t.id))).toBe(Object.prototype);
    expect(validateTaskId(t.id).ok).toBe(true);
    expect(t.id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/);
    expect(taskWorkflowId(t.id, 'run').split('/')).toEqual(['task', 'run', t.id]);
    expect(validateBranchName(t.branch ?? branchForTask(t.id)).ok).toBe(true);
    for (const d of t.dependsOn) {
      expect(ids).toContain(d);
      expect(tasks.find((x) => x.id === d)!.phase).toBeLessThanOrEqual(t.phase); // strict gates
    }
    for (const f of t.files) {
      expect([...f].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)).toBe(false);
      expect(f).not.toMatch(/^([/\\~]|[A-Za-z]:[\\/])/);
      expect(f.split(/[\\/]/)).not.toContain('..');
    }
  }
  // acyclic: Kahn's algorithm removes every task
  const indegree = new Map(tasks.map((t) => [t.id, t.dependsOn.length]));
  const queue = tasks.filter((t) => t.dependsOn.length === 0).map((t) => t.id);
  let removed = 0;
  while (queue.length > 0) {
    const id = queue.shift()!;
    removed += 1;
    for (const t of tasks) {
      if (!t.dependsOn.includes(id)) continue;
      const left = indegree.get(t.id)! - t.dependsOn.filter((d) => d === id).length;
      indegree.set(t.id, left);
      if (left === 0) queue.push(t.id);
    }
  }
  expect(removed).toBe(tasks.length);
}

/** A valid manifest: tasks in phases in order, each depending only on earlier tasks (a DAG that strict gates allow). */
const validManifest = fc
  .uniqueArray(safeId, { minLength: 1, maxLength: 10 })
  .chain((ids) =>
    fc.record({
      ids: fc.constant(ids),
      deps: fc.tuple(...ids.map((_, i) => fc.subarray(ids.slice(0, i)))),
      cuts: fc.subarray(ids.slice(1)),
      files: fc.tuple(...ids.map(() => fc.subarray(['src/a.ts', 'src/b.ts', 'lib/**', 'docs/', 'x.js']))),
    }),
  )
  .map(({ ids, deps, cuts, files }) => {
    const phases: Array<{ name: string; tasks: Array<Record<string, unknown>> }> = [];
    ids.forEach((id, i) => {
      if (i === 0 || cuts.includes(id)) phases.push({ name: `Phase ${phases.length + 1}`, tasks: [] });
      phases[phases.length - 1]!.tasks.push({ id, dependsOn: deps[i], files: files[i] });
    });
    return { project: 'fuzz', phases };
  });

type Raw = { project: string; phases: Array<{ name: string; tasks: Array<Record<string, unknown>> }> };
const allTasks = (m: Raw) => m.phases.flatMap((p) => p.tasks);

/** Mutations; `expect` names an error the result must carry (for mutations that always break the manifest). */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('cycle' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('unknown-dep' as const), a: fc.nat(), text: nasty }),
  fc.record({ kind: fc.constant('odd-id' as const), a: fc.nat(), text: nasty }),
  fc.record({ kind: fc.constant('odd-file' as const), a: fc.nat(), text: nasty }),
  fc.record({ kind: fc.constant('odd-branch' as const), a: fc.nat(), text: nasty }),
  fc.record({ kind: fc.constant('odd-key' as const), a: fc.nat(), text: nasty, value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({
    kind: fc.constant('odd-field' as const),
    a: fc.nat(),
    key: fc.constantFrom(
      'id',
      'dependsOn',
      'files',
      'steps',
      'validate',
      'agent',
      'status',
      'issue',
      'title',
      'objective',
    ),
    value: fc.oneof(nasty, fc.jsonValue({ maxDepth: 2 })),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

const deps = (t: Record<string, unknown>): string[] => (Array.isArray(t.dependsOn) ? (t.dependsOn as string[]) : []);
const esc = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Applies a mutation; returns a check run after all mutations: the error the result must carry,
 * if the mutation (still) certainly breaks the manifest.
 */
function mutate(m: Raw, mu: Mutation): () => RegExp | undefined {
  const tasks = allTasks(m);
  const t = tasks[mu.a % tasks.length]!;
  const none = () => undefined;
  switch (mu.kind) {
    case 'cycle': {
      const u = tasks[mu.b % tasks.length]!;
      u.dependsOn = [...deps(u), t.id];
      t.dependsOn = [...deps(t), u.id];
      return () =>
        typeof t.id === 'string' && typeof u.id === 'string' && deps(t).includes(u.id) && deps(u).includes(t.id)
          ? /dependency cycle: /
          : undefined;
    }
    case 'duplicate': {
      const u = tasks[mu.b % tasks.length]!;
      if (u === t) return none;
      u.id = t.id;
      return () =>
        typeof t.id === 'string' && allTasks(m).filter((x) => x.id === t.id).length > 1
          ? new RegExp(`task id ${esc(JSON.stringify(t.id))} is used \\d+ times`)
          : undefined;
    }
    case 'unknown-dep':
      t.dependsOn = [...deps(t), mu.text];
      return () =>
        deps(t).includes(mu.text) && !allTasks(m).some((x) => x.id === mu.text)
          ? /which is not a task in this manifest/
          : undefined;
    case 'odd-id':
      t.id = mu.text;
      return none;
    case 'odd-file':
      t.files = [...(Array.isArray(t.files) ? (t.files as string[]) : []), mu.text];
      return none;
    case 'odd-branch':
      t.branch = mu.text;
      return none;
    case 'odd-key':
      Object.defineProperty(t, mu.text, { value: mu.value, enumerable: true, configurable: true, writable: true });
      return () => (TASK_KEY_NAMES.has(mu.text) ? undefined : /unknown key/);
    case 'odd-field':
      t[mu.key] = mu.value;
      return none;
  }
}
const TASK_KEY_NAMES = new Set([
  'id',
  'issue',
  'title',
  'files',
  'dependsOn',
  'status',
  'worktree',
  'tmuxSession',
  'startedAt',
  'lastProgress',
  'completedAt',
  'prNumber',
  'objective',
  'steps',
  'agent',
  'validate',
  'branch',
]);

describe('manifest parser under hostile input', () => {
  it("arbitrary text, as JSON, YAML or sniffed: a value or the parser's own error, never another exception", () => {
    const yamlish = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            'phases:',
            '\n',
            '  - ',
            'name: ',
            'tasks: ',
            '[',
            ']',
            '{',
            '}',
            ',',
            ': ',
            '&a ',
            '*a',
            '<<: ',
            '!!binary ',
            '? ',
            '|',
            '>',
            '"',
            "'",
            '#',
            '---\n',
            '...\n',
            '%YAML 1.2\n',
          ),
          nasty,
        ),
        { maxLength: 40 },
      )
      .map((a) => a.join(''));
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.json(),
      yamlish,
      fc.jsonValue().map((v) => JSON.stringify(v, null, 2)),
    );
    fc.assert(
      fc.property(fc.constantFrom('m.json', 'm.yaml', 'm.yml', 'manifest'), text, (name, t) => {
        const parsed = parseOrOwnError(name, t);
        if ('value' in parsed) {
          const r = validateManifest(parsed.value);
          if (r.ok) checkAccepted(r.manifest);
          else for (const e of r.errors) expect(e.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 600 },
    );
  });

  it("resource-exhaustion documents are refused with the parser's own error, again and again (no crash of the process)", () => {
    const laughs = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ].join('\n');
    const hostile = {
      'billion laughs': laughs,
      'deep flow sequence': `${'['.repeat(5000)}${']'.repeat(5000)}`,
      'deep flow, unclosed': '{a: '.repeat(20_000),
      'deep block sequence': Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}- `).join('\n'),
      'deep block map': Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'),
      'just over the limit': `${'['.repeat(MAX_YAML_DEPTH + 1)}${']'.repeat(MAX_YAML_DEPTH + 1)}`,
    };
    for (let round = 0; round < 3; round += 1) {
      for (const [what, text] of Object.entries(hostile)) {
        const parsed = parseOrOwnError('m.yaml', text);
        expect('error' in parsed, what).toBe(true);
      }
    }
    expect(parseOrOwnError('m.yaml', `${'['.repeat(MAX_YAML_DEPTH)}${']'.repeat(MAX_YAML_DEPTH)}`)).toHaveProperty(
      'value',
    );
    // deep JSON is parsed without recursion, and refused by the schema
    const deepJson = parseOrOwnError('m.json', `{"phases": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect('value' in deepJson && validateManifest(deepJson.value).ok).toBe(false);
  });

  it('a leading byte order mark is not an error', () => {
    expect(parseOrOwnError('m.json', '\ufeff{"phases": []}')).toEqual({ value: { phases: [] } });
  });

  it('prototype keys at any level never reach the prototype chain', () => {
    const text =
      '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "phases": [{"name": "p", "__proto__": {"polluted": 1}, "tasks": [{"id": "constructor", "files": ["a"]}, {"id": "toString", "dependsOn": ["constructor"], "files": ["b"]}]}]}';
    for (const name of ['m.json', 'm.yaml']) {
      const parsed = parseOrOwnError(name, name.endsWith('.yaml') ? text.replace(/"__proto__"/g, '__proto__') : text);
      const r = validateManifest('value' in parsed ? parsed.value : undefined);
      expect(r.ok).toBe(true);
      if (r.ok) {
        checkAccepted(r.manifest);
        expect((r.manifest as Record<string, unknown>).polluted).toBeUndefined();
        expect((r.manifest.phases[0] as Record<string, unknown>).polluted).toBeUndefined();
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('valid manifests stay valid through JSON and YAML; mutated ones are refused for the right reason or satisfy every invariant', () => {
    fc.assert(
      fc.property(validManifest, fc.array(mutation, { maxLength: 3 }), fc.boolean(), (base, mutations, asYaml) => {
        const untouched = validateManifest(structuredClone(base));
        expect(untouched.ok).toBe(true);
        if (untouched.ok) checkAccepted(untouched.manifest);

        const m = structuredClone(base) as Raw;
        const checks = mutations.map((mu) => mutate(m, mu));
        const expected = checks.map((check) => check()).filter((e): e is RegExp => e !== undefined);
        const text = asYaml ? toYamlFlow(m) : JSON.stringify(m);
        const parsed = parseOrOwnError(asYaml ? 'm.yaml' : 'm.json', text);
        if (!('value' in parsed)) return; // e.g. a NUL or lone surrogate YAML refuses
        const r = validateManifest(parsed.value);
        if (r.ok) {
          expect(expected).toEqual([]);
          checkAccepted(r.manifest);
        } else {
          for (const e of r.errors) expect(typeof e === 'string' && e.length > 0).toBe(true);
          // a malformed field (an id that is not a string, …) is refused at the shape stage, before the
          // graph checks that name unknown dependencies: every expected reason only when the shape is intact
          const shapeIntact = mutations.every(
            (mu) => !['odd-field', 'odd-id', 'odd-file', 'odd-branch'].includes(mu.kind),
          );
          if (shapeIntact)
            for (const re of expected)
              expect(
                r.errors.some((e) => re.test(e)),
                `${re} in ${JSON.stringify(r.errors)}`,
              ).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});

/** YAML flow syntax is a superset of JSON: written as YAML, the same data goes through the YAML path. */
function toYamlFlow(value: unknown): string {
  return `# fuzz\n${JSON.stringify(value)}\n`;
}
