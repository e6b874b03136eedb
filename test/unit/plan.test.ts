import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planFromIssues, type PlanIssue } from '../../src/domain/plan.js';
import { asRepoPath, dependenciesIn, filesIn } from '../../src/domain/plan-text.js';

const issue = (number: number, body: string | null, extra: Partial<PlanIssue> = {}): PlanIssue => ({
  number,
  title: `Issue ${number}`,
  body,
  labels: [],
  ...extra,
});
const opts = { project: 'repo', repo: 'owner/repo' };

describe('files named in an issue body', () => {
  it.each([
    ['The crash is in `src/ceo_root_manager.js`.', ['src/ceo_root_manager.js']],
    [
      'see ceo_root_manager.js and kill_switch.js, then README.md',
      ['ceo_root_manager.js', 'kill_switch.js', 'README.md'],
    ],
    ['stack: src/cli/main.ts:30:5 and ./src/a.ts, (lib/b.py)', ['src/cli/main.ts', 'src/a.ts', 'lib/b.py']],
    ['the whole `src/cli/` folder and `.github/workflows/ci.yml`', ['src/cli/', '.github/workflows/ci.yml']],
    ['twice: src/x.ts src/x.ts `src/x.ts`', ['src/x.ts']],
    ['a path with a new extension: assets/logo.xyz', ['assets/logo.xyz']],
  ])('%j', (body, files) => {
    expect(filesIn(body)).toEqual(files);
  });

  it.each([
    ['absolute', '/etc/passwd.conf and C:\\x\\y.ts and ~/notes.md'],
    ['climbing', '../secret.ts and src/../../x.ts'],
    ['URLs and hosts', 'https://example.com/a/b.ts github.com/o/r/blob/main/x.ts www.example.com'],
    ['prose', 'e.g. this, i.e. that; v1.2.3 and Node.js, an email a@b.com'],
    ['calls and members', 'res.json() returns, `manifest.phases` is undefined, JSON.parse fails'],
    ['node_modules', 'node_modules/foo/index.js'],
    ['code blocks and comments', '```\nimport x from "./ignored.ts"\n```\n<!-- template: src/template.ts -->'],
    ['a directory outside backticks, a backticked word', 'src/cli/ and `dependsOn` and `Makefile`'],
  ])('%s: none', (_what, body) => {
    expect(filesIn(body)).toEqual([]);
  });

  it('a path with a line suffix or sentence end keeps only the path', () => {
    expect(asRepoPath('src/a.ts:12.')).toBe('src/a.ts');
    expect(asRepoPath('src/a.ts,')).toBe('src/a.ts');
    expect(asRepoPath('a//b.ts')).toBeUndefined();
  });
});

describe('dependencies named in an issue body', () => {
  it.each([
    ['Depends on #1', [1]],
    ['this comes AFTER #2.', [2]],
    ['Blocked by #2, #3 and #4', [2, 3, 4]],
    ['depends on: #5 & #6, or #7', [5, 6, 7]],
    ['depends on issue #8', [8]],
    ['blocked   by\t#9', [9]],
    ['depends on #1; after #2 and blocked by #3', [1, 2, 3]],
  ])('%j', (body, deps) => {
    expect(dependenciesIn(body)).toEqual(deps);
  });

  it.each([
    'hereafter #1',
    'depends on owner/other#2',
    'see #3, depends on it',
    'depends on #4abc',
    'after #0',
    'depends on #12345678901',
    '```\ndepends on #5\n```',
  ])('%j: none', (body) => {
    expect(dependenciesIn(body)).toEqual([]);
  });
});

describe('planFromIssues', () => {
  it('one task per open issue, in issue order; pull requests skipped', () => {
    const plan = planFromIssues(
      [
        issue(3, 'after #1, edits `src/c.ts`'),
        issue(1, 'edits src/a.ts'),
        issue(2, 'a PR touching src/b.ts', { pull_request: { url: 'x' } }),
      ],
      opts,
    );
    expect(plan.manifest).toEqual({
      project: 'repo',
      repo: 'owner/repo',
      phases: [
        {
          name: 'Open issues',
          tasks: [
            { id: 'i1', issue: 1, title: 'Issue 1', files: ['src/a.ts'], dependsOn: [] },
            { id: 'i3', issue: 3, title: 'Issue 3', files: ['src/c.ts'], dependsOn: ['i1'] },
          ],
        },
      ],
    });
    expect(plan.skippedPullRequests).toBe(1);
    expect(plan.errors).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  it('unknown #N and pull requests become warnings; self-references and repeats are ignored', () => {
    const plan = planFromIssues(
      [issue(1, 'x.ts'), issue(2, 'y.ts, depends on #2, #1, #1, #42 and #5'), issue(5, null, { pull_request: {} })],
      opts,
    );
    expect(plan.manifest.phases[0]?.tasks[1]?.dependsOn).toEqual(['i1']);
    expect(plan.warnings).toEqual([
      'issue #2 waits for #42, which is not among the open issues planned (closed, filtered out by label, or not in this repository); i2 does not depend on it — add it by hand if it must',
      'issue #2 waits for #5, which is a pull request, not an issue; i2 does not depend on it — add it by hand if it must',
    ]);
  });

  it('a task naming no files is warned about (validateManifest)', () => {
    const plan = planFromIssues([issue(1, 'no paths here')], opts);
    expect(plan.warnings).toEqual([
      'task "i1" lists no files, so Drover cannot keep it apart from tasks that edit the same files',
    ]);
  });

  it('a cycle is reported as an error, not broken', () => {
    const plan = planFromIssues(
      [issue(1, 'a.ts after #3'), issue(2, 'b.ts depends on #1'), issue(3, 'c.ts blocked by #2')],
      opts,
    );
    expect(plan.manifest.phases[0]?.tasks.map((t) => t.dependsOn)).toEqual([['i3'], ['i1'], ['i2']]);
    expect(plan.errors).toHaveLength(1);
    expect(plan.errors[0]).toMatch(/^dependency cycle: i\d → i\d → i\d → i\d .*remove one of these dependencies$/);
  });

  it('hostile bodies and titles never throw', () => {
    const piece = fc.constantFrom(
      'depends on ',
      'after',
      ' #',
      '#1',
      ',',
      ' and ',
      '`',
      '```\n',
      '<!--',
      '-->',
      '/',
      '..',
      './',
      'src/a.ts',
      ':12',
      '.',
      ' ',
      '\n',
      '\u0000',
      'é',
      '~',
      '\\',
      'https://',
      '(',
    );
    const body = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(piece, { maxLength: 80 }).map((p) => p.join('')),
      fc.constant(null),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            number: fc.integer({ min: -3, max: 8 }),
            title: fc.string(),
            body,
            labels: fc.array(fc.string()),
            pr: fc.boolean(),
          }),
          { maxLength: 8 },
        ),
        (issues) => {
          const plan = planFromIssues(
            issues.map(({ pr, ...i }) => ({ ...i, ...(pr ? { pull_request: {} } : {}) })),
            opts,
          );
          for (const t of plan.manifest.phases[0]?.tasks ?? []) {
            for (const f of t.files)
              expect(f.startsWith('/') || f.split('/').includes('..') || f.includes('://')).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('runs in linear time on bodies built to make regexes backtrack', () => {
    const bodies = [
      `depends on${' '.repeat(60_000)}x`,
      `${'depends on #1, '.repeat(5_000)}`,
      `${'.'.repeat(60_000)}x`,
      `a${'/a'.repeat(30_000)}.ts`,
      '`'.repeat(60_000),
      '<!--'.repeat(20_000),
      `${'after '.repeat(15_000)}#`,
      `x.ts${':1'.repeat(30_000)}`,
    ];
    const started = performance.now();
    for (const body of bodies) planFromIssues([issue(1, body), issue(2, body)], opts);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
