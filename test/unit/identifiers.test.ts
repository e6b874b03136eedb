import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  branchForTask,
  prWorkflowId,
  redactSecrets,
  redactTokens,
  REDACTED,
  taskWorkflowId,
  tmuxWindowName,
  validateBranchName,
  validateManifestName,
  validateStepName,
  validateTaskId,
} from '../../src/domain/identifiers.js';

const VALID_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const validId = fc
  .tuple(fc.constantFrom(...'abcXYZ019'), fc.string({ unit: fc.constantFrom(...'ab9Z._-'), maxLength: 30 }))
  .map(([first, rest]) => first + rest)
  .filter((id) => validateTaskId(id).ok);

describe('validateTaskId', () => {
  it.each(['fix-login', 'a', '42', 'A.b_c-d', 'x'.repeat(100), 'issue-123.v2'])('accepts %s', (id) => {
    expect(validateTaskId(id)).toEqual({ ok: true, value: id });
  });

  it.each([
    ['', /empty/],
    ['x'.repeat(101), /101 characters.*limit is 100/],
    ['fix login', /whitespace/],
    ['fix\tlogin', /whitespace/],
    ['fix/login', /contains '\/'/],
    ['-rf', /starts with '-'/],
    ['a..b', /'\.\.'/],
    ['..', /'\.\.'/],
    ['.hidden', /start with a letter or a digit/],
    ['_x', /start with a letter or a digit/],
    ['fix:login', /contains ':' at position 4/],
    ['fix$(id)', /contains '\$' at position 4/],
    ['émoji', /start with a letter or a digit/],
    ['a\u0000b', /contains '\\u0000' at position 2/],
    ['release.', /ends with '\.'/],
    ['main.lock', /'\.lock'/],
  ])('refuses %j and says why', (id, why) => {
    const got = validateTaskId(id);
    expect(got.ok).toBe(false);
    if (!got.ok) expect(got.error).toMatch(why);
  });

  it('agrees with the documented pattern, and a valid id always makes a valid branch', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'aZ09._-/ :~@{}'), maxLength: 12 }), (id) => {
        const got = validateTaskId(id);
        if (got.ok) {
          expect(id).toMatch(VALID_ID);
          expect(validateBranchName(branchForTask(id)).ok).toBe(true);
        } else if (VALID_ID.test(id)) {
          expect(got.error).toMatch(/'\.\.'|ends with/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('manifest names follow the same rules', () => {
    expect(validateManifestName('q3-roadmap').ok).toBe(true);
    const bad = validateManifestName('q3/roadmap');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/manifest name/);
  });

  it('step names', () => {
    expect(validateStepName('tests-pass').ok).toBe(true);
    expect(validateStepName('has space').ok).toBe(false);
    expect(validateStepName('x'.repeat(65)).ok).toBe(false);
  });
});

describe('validateBranchName', () => {
  it.each(['main', 'drover/fix-1', 'feature/a.b', 'a/@/b', 'é', 'v1.2.3', 'a-b_c'])('accepts %s', (name) => {
    expect(validateBranchName(name).ok).toBe(true);
  });

  it.each([
    ['', /empty/],
    ['-x', /start with '-'/],
    ['@', /'@'/],
    ['HEAD', /HEAD/],
    ['a..b', /'\.\.'/],
    ['a@{b', /'@\{'/],
    ['a b', /a space/],
    ['a~b', /'~'/],
    ['a^b', /'\^'/],
    ['a:b', /':'/],
    ['a?b', /'\?'/],
    ['a*b', /'\*'/],
    ['a[b', /'\['/],
    ['a\\b', /'\\'/],
    ['a\u0007b', /control character/],
    ['a\u007fb', /control character/],
    ['/a', /start or end with '\/'/],
    ['a/', /start or end with '\/'/],
    ['a//b', /'\/\/'/],
    ['a.', /end with '\.'/],
    ['.a', /starts with '\.'/],
    ['a/.b', /'\.b' starts with '\.'/],
    ['a.lock', /'\.lock'/],
    ['a.lock/b', /'a\.lock' ends with '\.lock'/],
    ['x'.repeat(256), /limit is 255/],
  ])('refuses %j and says why', (name, why) => {
    const got = validateBranchName(name);
    expect(got.ok).toBe(false);
    if (!got.ok) expect(got.error).toMatch(why);
  });

  it('agrees with `git check-ref-format --branch`', () => {
    const git = (name: string) =>
      spawnSync('git', ['check-ref-format', '--branch', name], { cwd: tmpdir(), stdio: 'ignore' }).status === 0;
    const alphabet = [
      'a',
      'b',
      '.',
      '/',
      '-',
      '@',
      '{',
      '}',
      '~',
      '^',
      ':',
      '?',
      '*',
      '[',
      '\\',
      ' ',
      '\t',
      'lock',
      'HEAD',
      'é',
      '\u007f',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 8 }).map((p) => p.join('')),
        (name) => {
          // git expands `@` and `@{-N}` to other branches with --branch; we refuse those outright.
          fc.pre(name !== '@' && !name.includes('@{'));
          expect(validateBranchName(name).ok).toBe(git(name));
        },
      ),
      { numRuns: 150 },
    );
    // one git process per name: 150 names took 17 s idle but 149 s at a load average of ~20
  }, 300_000);
});

describe('derived names', () => {
  it('workflow ids', () => {
    expect(taskWorkflowId('fix-1')).toBe('task/adhoc/fix-1');
    expect(taskWorkflowId('fix-1', 'q3')).toBe('task/q3/fix-1');
    expect(prWorkflowId('acme', 'api', 12)).toBe('pr/acme/api/12');
  });

  it('branches', () => {
    expect(branchForTask('fix-1')).toBe('drover/fix-1');
  });

  it('window names avoid tmux target syntax', () => {
    expect(tmuxWindowName('fix-1')).toBe('fix-1');
    expect(tmuxWindowName('v1.2')).toBe('v1~2');
    expect(tmuxWindowName('42')).toBe('~42');
  });

  it('window names are one-to-one over valid task ids and never contain . or :', () => {
    fc.assert(
      fc.property(validId, validId, (a, b) => {
        const wa = tmuxWindowName(a);
        expect(wa).not.toMatch(/[.:]/);
        expect(wa).not.toMatch(/^\d+$/);
        if (a !== b) expect(wa).not.toBe(tmuxWindowName(b));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('redactSecrets', () => {
  it('replaces every occurrence, longest first', () => {
    expect(redactSecrets('token=sk-ant-123456 again sk-ant-123456', ['sk-ant-123456'])).toBe(
      `token=${REDACTED} again ${REDACTED}`,
    );
    expect(redactSecrets('abcdefgh', ['abcd', 'abcdefgh'])).toBe(REDACTED);
  });

  it('handles regex characters and ignores short or empty secrets', () => {
    expect(redactSecrets('a.*b(c)|d a.*b(c)|d', ['a.*b(c)|d'])).toBe(`${REDACTED} ${REDACTED}`);
    expect(redactSecrets('a b c abc', ['', 'a', 'abc'])).toBe('a b c abc');
    expect(redactSecrets('', ['secret'])).toBe('');
    expect(redactSecrets('no secrets here', [])).toBe('no secrets here');
  });

  it('no secret survives outside the redaction markers', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.string({ minLength: 4, maxLength: 12 }), { maxLength: 4 }),
        (text, secrets) => {
          const mixed = secrets.reduce((t, s, i) => `${t}${s}${i}`, text);
          const out = redactSecrets(mixed, secrets);
          for (const fragment of out.split(REDACTED)) for (const s of secrets) expect(fragment.includes(s)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('redactTokens', () => {
  it.each([
    ['ANTHROPIC_API_KEY: sk-ant-...sk-ant-test', 'ANTHROPIC_API_KEY: [REDACTED]'],
    [`key sk-ant-api03-${'x'.repeat(30)} end`, 'key [REDACTED] end'],
    [`gh ghp_${'A'.repeat(36)}`, 'gh [REDACTED]'],
    [`github_pat_${'b'.repeat(40)}`, '[REDACTED]'],
    ['xoxb-1234567890-abcdef', '[REDACTED]'],
    ['AKIAABCDEFGHIJKLMNOP', '[REDACTED]'],
    [`Authorization: Bearer ${'t'.repeat(30)}==`, 'Authorization: Bearer [REDACTED]'],
    ['git commit -m "sk-short"', 'git commit -m "sk-short"'],
  ])('%s', (text, want) => expect(redactTokens(text)).toBe(want));
});
