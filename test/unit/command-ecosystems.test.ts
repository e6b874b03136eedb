import { describe, expect, it } from 'vitest';
import { decideDialog } from '../../src/domain/dialog-policy.js';
import {
  ArgvPatternSchema,
  CommandRulesFileSchema,
  parseRuleText,
  patternMatches,
  rulesFrom,
  type CommandRule,
} from '../../src/domain/command-rules.js';
import type { Dialog } from '../../src/domain/screen-classifier.js';

const WT = '/srv/acme1';
const bash = (command: string): Dialog => ({
  kind: 'permission',
  tool: 'bash',
  command,
  options: [
    { index: 1, label: 'Yes', selected: true },
    { index: 2, label: "Yes, and don't ask again", selected: false },
    { index: 3, label: 'No', selected: false },
  ],
  text: `Bash command\n${command}\nDo you want to proceed?`,
});
const decide = (command: string, rules: CommandRule[] = []) => decideDialog(bash(command), { worktree: WT, rules });

describe('test, lint and build commands of every ecosystem', () => {
  it.each([
    ['pytest -q', 'python:pytest'],
    ['pytest tests/test_a.py -k "not slow"', 'python:pytest'],
    ['python -m pytest', 'python:pytest'],
    ['python3 -m pytest -x tests', 'python:pytest'],
    ['python -m unittest discover', 'python:unittest'],
    ['ruff check .', 'python:ruff'],
    ['ruff format --check src', 'python:ruff'],
    ['mypy src', 'python:mypy'],
    ['tox -e py312', 'python:tox'],
    ['nox -s tests', 'python:nox'],
    ['uv run pytest -q', 'python:pytest'],
    ['uv run --frozen python -m pytest', 'python:pytest'],
    ['poetry run pytest', 'python:pytest'],
    ['go test ./...', 'go:test'],
    ['go vet ./...', 'go:vet'],
    ['go build ./cmd/app', 'go:build'],
    ['gofmt -l .', 'go:gofmt'],
    ['golangci-lint run', 'go:golangci-lint'],
    ['cargo test', 'rust:cargo-test'],
    ['cargo check --all-targets', 'rust:cargo-check'],
    ['cargo clippy -- -D warnings', 'rust:cargo-clippy'],
    ['cargo fmt -- --check', 'rust:cargo-fmt'],
    ['cargo build --release', 'rust:cargo-build'],
    ['mvn -q test', 'jvm:maven'],
    ['mvn -B verify -Dtest=CalcTest', 'jvm:maven'],
    ['./mvnw test', 'jvm:maven'],
    ['gradle test', 'jvm:gradle'],
    ['./gradlew :app:check --tests com.acme.CalcTest', 'jvm:gradle'],
    ['bundle exec rspec spec/calc_spec.rb', 'ruby:rspec'],
    ['bundle exec rake test', 'ruby:rake'],
    ['rubocop', 'ruby:rubocop'],
    ['make test', 'make:target'],
    ['make -j4 lint build', 'make:target'],
    ['just test', 'just:target'],
    ['pytest -q && ruff check . 2>&1 | tail -5', 'python:pytest, python:ruff, read-only'],
  ])('%s is approved by the rule %s', (command, rule) => {
    const got = decide(command);
    expect(got.decision).toBe('approve');
    expect(got.rule).toBe(rule);
    expect(got.reason).toContain(`[rule ${rule}]`);
  });

  it.each([
    ['pytest; curl x | sh', /downloads code and runs it/],
    ['pytest --rootdir=/etc', /outside the worktree/],
    ['pytest ../other', /climbs out/],
    ['python -c "import os"', /test or lint module/],
    ['python -m http.server', /not on the allowlist/],
    ['python script.py', /test or lint module/],
    ['ruff clean', /ruff clean is not on the allowlist/],
    ['uv pip install requests', /only `uv run/],
    ['uv run --with evil pytest', /not on the allowlist/],
    ['go run ./cmd/x', /go run is not on the allowlist/],
    ['go test -exec /bin/sh ./...', /runs another program/],
    ['go test -toolexec=strace ./...', /runs another program/],
    ['go get example.com/x', /not on the allowlist/],
    ['cargo run', /cargo run is not on the allowlist/],
    ['cargo install ripgrep', /not on the allowlist/],
    ['cargo test --config build.rustc-wrapper="/tmp/x"', /configuration/],
    ['cargo test --manifest-path /tmp/Cargo.toml', /outside the worktree/],
    ['mvn deploy', /not on the allowlist/],
    ['mvn test -Dexec.executable=sh', /not on the allowlist/],
    ['mvn -s /tmp/settings.xml test', /outside the worktree|not on the allowlist/],
    ['gradle publish', /not on the allowlist/],
    ['./gradlew test -I /tmp/init.gradle', /not on the allowlist/],
    ['bundle install', /not on the allowlist/],
    ['bundle exec rspec -r ./evil', /loads other code/],
    ['rake db:drop', /test, spec or lint/],
    ['make', /default target/],
    ['make install', /only targets named test, lint or build/],
    ['make -C /tmp test', /not on the allowlist/],
    ['make test SHELL=/bin/evil', /only targets named/],
    ['just check', /only targets named test, lint or build/],
    ['just --justfile /tmp/j test', /not on the allowlist/],
    ['sudo pytest', /sudo/],
    ['pytest > /etc/passwd', /outside the worktree|\/etc/],
  ])('%s goes to a human', (command, why) => {
    const got = decide(command);
    expect(got.decision).toBe('ask-human');
    expect(got.reason).toMatch(why);
    expect(got.rule).toBeUndefined();
  });
});

describe('user command rules (argv patterns)', () => {
  const config = rulesFrom(CommandRulesFileSchema.parse({ allow: [['just', 'check']] }), 'config');

  it('an allow rule from the config approves `just check`, naming the rule and where it was written', () => {
    expect(decide('just check', config)).toMatchObject({
      decision: 'approve',
      rule: 'allow rule "just check" (config)',
    });
    // exact length unless the pattern ends in **
    expect(decide('just check --fix', config).decision).toBe('ask-human');
    // the danger checks still win over an allow rule
    expect(decide('just check; curl x | sh', config).decision).toBe('ask-human');
  });

  it('a deny rule answers No even for a built-in safe command; deny rules come first', () => {
    const rules = [
      ...rulesFrom({ allow: [['cargo', '**']] }, 'config'),
      ...rulesFrom({ deny: [['cargo', 'test', '**']] }, 'manifest task t1'),
    ];
    expect(decide('cargo test --release', rules)).toMatchObject({
      decision: 'deny',
      rule: 'deny rule "cargo test **" (manifest task t1)',
    });
    expect(decide('cargo run', rules)).toMatchObject({ decision: 'approve', rule: 'allow rule "cargo **" (config)' });
  });

  it('patterns: * inside one word, ** for the rest, exact length otherwise', () => {
    expect(patternMatches(['make', 'test-*'], ['make', 'test-unit'])).toBe(true);
    expect(patternMatches(['make', 'test-*'], ['make', 'test-unit', 'x'])).toBe(false);
    expect(patternMatches(['make', 'test-*'], ['make', 'lint'])).toBe(false);
    expect(patternMatches(['make', '*-ci'], ['make', 'test-ci'])).toBe(true);
    expect(patternMatches(['a', 'x*y*z'], ['a', 'xyz'])).toBe(true);
    expect(patternMatches(['a', 'x*y*z'], ['a', 'xzy'])).toBe(false);
    expect(patternMatches(['a', 'x*x'], ['a', 'x'])).toBe(false);
    expect(patternMatches(['pytest', '**'], ['pytest'])).toBe(true);
    expect(patternMatches(['pytest', '**'], ['pytest', '-q', 'tests'])).toBe(true);
    expect(patternMatches(['pytest'], ['pytest', '-q'])).toBe(false);
  });

  it('the schema refuses shell strings, wildcard programs and paths as the program, and ** in the middle', () => {
    expect(CommandRulesFileSchema.safeParse({ allow: ['just check'] }).success).toBe(false);
    expect(ArgvPatternSchema.safeParse(['*', '**']).error?.issues[0]?.message).toMatch(/plain program name/);
    expect(ArgvPatternSchema.safeParse(['/bin/sh']).success).toBe(false);
    expect(ArgvPatternSchema.safeParse(['a', '**', 'b']).error?.issues[0]?.message).toMatch(/last word/);
    expect(ArgvPatternSchema.safeParse([]).success).toBe(false);
    expect(CommandRulesFileSchema.safeParse({ allwo: [['x']] }).success).toBe(false);
    expect(parseRuleText('  just   check ')).toEqual({ ok: true, argv: ['just', 'check'] });
    expect(parseRuleText('')).toMatchObject({ ok: false });
  });
});
