import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinCommand, quoteArg, splitCommand } from '../../src/domain/argv.js';

const split = (cmd: string) => {
  const r = splitCommand(cmd);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const refusal = (cmd: string) => {
  const r = splitCommand(cmd);
  return r.ok ? `accepted: ${JSON.stringify(r.value)}` : r.error;
};

describe('splitCommand', () => {
  it('splits on whitespace runs', () => {
    expect(split('npm test')).toEqual(['npm', 'test']);
    expect(split('  npx   vitest\trun \n test/unit ')).toEqual(['npx', 'vitest', 'run', 'test/unit']);
  });

  it('honours single quotes, double quotes and backslashes', () => {
    expect(split(`node -e 'console.log("a b")'`)).toEqual(['node', '-e', 'console.log("a b")']);
    expect(split(`echo "a 'b' \\"c\\" \\\\ d"`)).toEqual(['echo', `a 'b' "c" \\ d`]);
    expect(split('echo a\\ b')).toEqual(['echo', 'a b']);
    expect(split(`x 'it'\\''s'`)).toEqual(['x', "it's"]);
    expect(split(`x '' ""`)).toEqual(['x', '', '']);
    expect(split(`a'b'"c"d`)).toEqual(['abcd']);
  });

  it('passes quoted shell operators literally', () => {
    expect(split(`grep 'a|b' "c;d" 'x && y' '$(id)' "> out"`)).toEqual([
      'grep',
      'a|b',
      'c;d',
      'x && y',
      '$(id)',
      '> out',
    ]);
    expect(split('echo \\| \\;')).toEqual(['echo', '|', ';']);
    expect(split('vitest run src/*.test.ts')).toEqual(['vitest', 'run', 'src/*.test.ts']);
  });

  it('refuses unquoted shell operators with a hint to use sh -c', () => {
    for (const [cmd, op] of [
      ['npm test | tee log', "'|'"],
      ['npm test; rm -rf /', "';'"],
      ['npm ci && npm test', "'&&'"],
      ['npm test || true', "'||'"],
      ['npm test > out.txt', "'>'"],
      ['npm test < in.txt', "'<'"],
      ['echo $(id)', "'$('"],
      ['echo `id`', "'`'"],
      ['echo $HOME', "'$'"],
      ['sleep 1 &', "'&'"],
    ] as const) {
      const error = refusal(cmd);
      expect(error, cmd).toContain(`unquoted shell operator ${op}`);
      expect(error).toContain("sh -c '");
    }
  });

  it('refuses expansions inside double quotes, a shell would expand them', () => {
    expect(refusal('echo "$HOME"')).toMatch(/inside double quotes .* expanded by a shell/);
    expect(refusal('echo "`id`"')).toMatch(/inside double quotes/);
    expect(split('echo "costs 5$" "\\$HOME"')).toEqual(['echo', 'costs 5$', '$HOME']);
  });

  it('reports unterminated quotes, a lone backslash and an empty command', () => {
    expect(refusal(`echo 'abc`)).toMatch(/unterminated single quote at position 6/);
    expect(refusal('echo "abc')).toMatch(/unterminated double quote/);
    expect(refusal('echo \\')).toMatch(/lone backslash/);
    expect(refusal('   ')).toMatch(/empty/);
  });

  it('an explicit shell is just argv', () => {
    expect(split(`sh -c 'npm test | tee test.log'`)).toEqual(['sh', '-c', 'npm test | tee test.log']);
  });

  it('join then split is the identity for safe words', () => {
    const safeWord = fc.stringMatching(/^[A-Za-z0-9_@%+=:,./-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(safeWord, { minLength: 1, maxLength: 8 }), (words) => {
        expect(joinCommand(words)).toBe(words.join(' '));
        expect(split(joinCommand(words))).toEqual(words);
      }),
    );
  });

  it('join then split is the identity for any words (quoting as needed)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 6 }), (words) => {
        expect(split(joinCommand(words))).toEqual(words);
      }),
      { numRuns: 500 },
    );
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
  });
});

describe('drover task --validate/--slot/--validate-timeout', async () => {
  const { validateOption } = await import('../../src/cli/task-start.js');
  it('becomes argv, slot and timeout; the lease defaults from the timeout in the task schema', async () => {
    expect(validateOption({ validate: `npm test -- --grep 'a b'`, slot: 'db', validateTimeout: '120' })).toEqual({
      argv: ['npm', 'test', '--', '--grep', 'a b'],
      slot: 'db',
      timeoutSeconds: 120,
    });
    const { ValidateSpecSchema } = await import('../../src/domain/task.js');
    expect(ValidateSpecSchema.parse({ argv: ['npm', 'test'] })).toMatchObject({
      slot: 'default',
      timeoutSeconds: 600,
      leaseSeconds: 660,
    });
    expect(validateOption({})).toBeUndefined();
  });
  it('refuses a shell string, a bad slot name, a bad timeout, and --slot without --validate', () => {
    expect(() => validateOption({ validate: 'npm test | tee log' })).toThrow(
      /--validate: .*unquoted shell operator '\|'.*sh -c/,
    );
    expect(() => validateOption({ validate: 'npm test', slot: '../x' })).toThrow(/--slot "..\/x" refused/);
    expect(() => validateOption({ validate: 'npm test', validateTimeout: '0' })).toThrow(/--validate-timeout/);
    expect(() => validateOption({ slot: 'db' })).toThrow(/--slot needs --validate/);
  });
});
