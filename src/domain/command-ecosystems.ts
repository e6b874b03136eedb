import { isOption, no, ok, pathProblem, withPaths, type Verdict } from './command-verdict.js';

/**
 * The test, lint and build commands of each ecosystem (Python, Go, Rust, Java/Kotlin, Ruby,
 * make/just targets): what an agent runs to check its work. Each runs the project's own code (as
 * `npm test` does), so what is checked is that it stays in the worktree: no path argument
 * outside it, no option that runs another program or loads outside configuration, and only
 * the subcommands that test, lint or build (never install, publish, deploy). The danger checks
 * (command-dangers.ts) and the user's deny rules still run first.
 */

// ── Python ──

/** Python tools run by name (and by `python -m`, `uv run`, `poetry run` …); ruff only with these subcommands. */
const PY_TOOLS = new Set([
  'pytest',
  'py.test',
  'mypy',
  'ruff',
  'black',
  'isort',
  'flake8',
  'pylint',
  'pyright',
  'tox',
  'nox',
]);
const PY_MODULES = new Set([...PY_TOOLS, 'unittest', 'compileall'].filter((m) => m !== 'py.test'));
const RUFF_SUBCOMMANDS = new Set(['check', 'format']);
const PY_RUNNERS = new Set(['uv', 'poetry', 'pipenv', 'pdm', 'hatch']);
const PY_RUNNER_FLAGS = /^(?:--frozen|--locked|--no-sync|--offline|-q|--quiet)$/;

function pythonTool(argv: readonly string[], worktree: string): Verdict {
  const [tool = '', ...args] = argv;
  if (tool === 'ruff' && !RUFF_SUBCOMMANDS.has(args[0] ?? ''))
    return no(`ruff ${args[0] ?? ''} is not on the allowlist (ruff check and ruff format are)`);
  const name = tool === 'py.test' ? 'pytest' : tool;
  return withPaths(args, worktree, `${tool} checks the project`, `python:${name}`, tool);
}

function pythonModule(argv: readonly string[], worktree: string): Verdict {
  const [python = '', flag = '', module = '', ...args] = argv;
  if (flag !== '-m') return no(`${python} may only run a test or lint module (\`${python} -m pytest\` …)`);
  if (!PY_MODULES.has(module)) return no(`${python} -m ${module} is not on the allowlist`);
  if (module === 'unittest' || module === 'compileall')
    return withPaths(args, worktree, `${python} -m ${module} checks the project`, `python:${module}`, module);
  const verdict = pythonTool([module, ...args], worktree);
  return verdict.safe ? ok(`${python} -m ${verdict.why}`, verdict.rule) : verdict;
}

function pythonRunner(argv: readonly string[], worktree: string): Verdict {
  const [runner = '', sub = '', ...rest] = argv;
  if (sub !== 'run') return no(`${runner} ${sub} is not on the allowlist (only \`${runner} run <test tool>\` is)`);
  let i = 0;
  while (PY_RUNNER_FLAGS.test(rest[i] ?? '')) i += 1;
  const inner = rest.slice(i);
  const verdict = pythonCommand(inner, worktree);
  if (verdict === undefined) return no(`${runner} run ${inner[0] ?? ''} is not on the allowlist`);
  return verdict.safe ? ok(`${runner} run: ${verdict.why}`, verdict.rule) : verdict;
}

function pythonCommand(argv: readonly string[], worktree: string): Verdict | undefined {
  const name = argv[0] ?? '';
  if (PY_TOOLS.has(name)) return pythonTool(argv, worktree);
  if (name === 'python' || name === 'python3') return pythonModule(argv, worktree);
  if (PY_RUNNERS.has(name)) return pythonRunner(argv, worktree);
  return undefined;
}

// ── Go ──

const GO_SUBCOMMANDS = new Set(['test', 'vet', 'build', 'fmt']);
const GO_REFUSED = /^-{1,2}(?:exec|toolexec|overlay|pgo)(?:=|$)/;

function go(argv: readonly string[], worktree: string): Verdict {
  const [, sub = '', ...args] = argv;
  if (!GO_SUBCOMMANDS.has(sub)) return no(`go ${sub} is not on the allowlist (go test, vet, build and fmt are)`);
  const bad = args.find((a) => GO_REFUSED.test(a));
  if (bad !== undefined) return no(`go ${sub} ${bad} runs another program`);
  return withPaths(args, worktree, `go ${sub} checks the project`, `go:${sub}`, `go ${sub}`);
}

function goTool(argv: readonly string[], worktree: string): Verdict {
  const [tool = '', ...args] = argv;
  if (tool === 'golangci-lint' && args[0] !== 'run') return no('golangci-lint may only `run`');
  return withPaths(args, worktree, `${tool} checks the project`, `go:${tool}`, tool);
}

// ── Rust ──

const CARGO_SUBCOMMANDS = new Set(['test', 'check', 'build', 'clippy', 'fmt', 'doc', 'nextest']);
const CARGO_REFUSED = /^(?:--config|-Z)(?:=|$)/;

function cargo(argv: readonly string[], worktree: string): Verdict {
  const [, sub = '', ...args] = argv;
  if (!CARGO_SUBCOMMANDS.has(sub))
    return no(`cargo ${sub} is not on the allowlist (cargo test, check, build, clippy, fmt and doc are)`);
  if (sub === 'nextest' && args[0] !== 'run') return no('cargo nextest may only `run`');
  const bad = args.find((a) => CARGO_REFUSED.test(a));
  if (bad !== undefined) return no(`cargo ${bad} changes cargo's configuration`);
  return withPaths(args, worktree, `cargo ${sub} checks the project`, `rust:cargo-${sub}`, `cargo ${sub}`);
}

// ── Java / Kotlin ──

const MVN_PHASES = new Set(['clean', 'validate', 'compile', 'test-compile', 'test', 'package', 'verify']);
const MVN_GOALS = new Set(['spotless:check', 'checkstyle:check', 'surefire:test', 'dependency:tree']);
const MVN_FLAGS =
  /^(?:-q|--quiet|-B|--batch-mode|-o|--offline|-e|--errors|-am|--also-make|-ff|--fail-fast|-fae|--fail-at-end)$/;
const MVN_TAKES_VALUE = /^(?:-pl|--projects|-T|--threads)$/;
const MVN_PROPERTY =
  /^-D(?:test|it\.test|skipTests|skipITs|maven\.test\.skip|failIfNoTests|surefire\.[A-Za-z.]{1,60}|checkstyle\.skip)(?:=[\w.,#*:/-]{0,200})?$/;

function maven(argv: readonly string[]): Verdict {
  const [tool = '', ...args] = argv;
  const goals: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    if (MVN_TAKES_VALUE.test(a)) i += 1;
    else if (isOption(a) && !MVN_FLAGS.test(a) && !MVN_PROPERTY.test(a))
      return no(`${tool} ${a} is not on the allowlist`);
    else if (!isOption(a)) goals.push(a);
  }
  const bad = goals.find((g) => !MVN_PHASES.has(g) && !MVN_GOALS.has(g));
  if (bad !== undefined) return no(`${tool} ${bad} is not on the allowlist (${[...MVN_PHASES].join(', ')} are)`);
  if (goals.length === 0) return no(`${tool} without a phase`);
  return ok(`${tool} ${goals.join(' ')} builds and tests the project`, 'jvm:maven');
}

const GRADLE_TASKS = new Set([
  'test',
  'check',
  'build',
  'assemble',
  'clean',
  'jar',
  'compileJava',
  'compileTestJava',
  'compileKotlin',
  'compileTestKotlin',
  'lint',
  'ktlintCheck',
  'detekt',
  'spotlessCheck',
]);
const GRADLE_FLAGS =
  /^(?:-q|--quiet|-i|--info|-s|--stacktrace|--offline|--no-daemon|--continue|--build-cache|--parallel|--console=(?:plain|rich|auto|verbose))$/;
const GRADLE_TAKES_VALUE = /^(?:--tests|-x|--exclude-task)$/;

function gradle(argv: readonly string[]): Verdict {
  const [tool = '', ...args] = argv;
  const tasks: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    if (GRADLE_TAKES_VALUE.test(a)) i += 1;
    else if (isOption(a) && !GRADLE_FLAGS.test(a)) return no(`${tool} ${a} is not on the allowlist`);
    else if (!isOption(a)) tasks.push(a);
  }
  const bad = tasks.find(
    (t) => !/^(?::[A-Za-z0-9_-]{1,60}){0,4}:?[A-Za-z]{1,40}$/.test(t) || !GRADLE_TASKS.has(t.split(':').pop() ?? ''),
  );
  if (bad !== undefined) return no(`${tool} ${bad} is not on the allowlist (${[...GRADLE_TASKS].join(', ')} are)`);
  if (tasks.length === 0) return no(`${tool} without a task`);
  return ok(`${tool} ${tasks.join(' ')} builds and tests the project`, 'jvm:gradle');
}

// ── Ruby ──

const RAKE_TASK = /^(?:test|spec|lint|rubocop|standard)(?::[A-Za-z0-9_]{1,40}){0,3}$/;
const RUBY_TOOLS = new Set(['rspec', 'rubocop', 'standardrb', 'rake']);

function rubyTool(argv: readonly string[], worktree: string): Verdict {
  const [tool = '', ...args] = argv;
  if (tool === 'rake') {
    const tasks = args.filter((a) => !isOption(a));
    if (tasks.length === 0 || !tasks.every((t) => RAKE_TASK.test(t)) || args.some((a) => isOption(a)))
      return no('rake may only run test, spec or lint tasks');
    return ok(`rake ${tasks.join(' ')} checks the project`, 'ruby:rake');
  }
  const bad = args.find((a) => /^(?:-r|--require|-I)(?:=|$)/.test(a));
  if (bad !== undefined) return no(`${tool} ${bad} loads other code`);
  return withPaths(args, worktree, `${tool} checks the project`, `ruby:${tool}`, tool);
}

function ruby(argv: readonly string[], worktree: string): Verdict | undefined {
  const [name = '', sub = ''] = argv;
  if (RUBY_TOOLS.has(name)) return rubyTool(argv, worktree);
  if (name !== 'bundle') return undefined;
  if (sub !== 'exec' || !RUBY_TOOLS.has(argv[2] ?? ''))
    return no(`bundle ${sub} ${argv[2] ?? ''} is not on the allowlist (bundle exec rspec, rake, rubocop are)`);
  const verdict = rubyTool(argv.slice(2), worktree);
  return verdict.safe ? ok(`bundle exec: ${verdict.why}`, verdict.rule) : verdict;
}

// ── make / just ──

/** Targets an agent may run: named test, lint or build (`test-unit`, `lint:fix`, `build_docs` …). */
export const TARGET = /^(?:test|tests|lint|build)(?:[-_:.][A-Za-z0-9_.-]{1,40})?$/;
const MAKE_FLAGS = /^(?:-j\d{0,3}|-k|--keep-going|-s|--silent|--no-print-directory)$/;

function targets(argv: readonly string[]): Verdict {
  const [tool = '', ...args] = argv;
  const bad = args.find((a) => isOption(a) && (tool !== 'make' || !MAKE_FLAGS.test(a)));
  if (bad !== undefined) return no(`${tool} ${bad} is not on the allowlist`);
  const named = args.filter((a) => !isOption(a));
  if (named.length === 0) return no(`${tool} without a target runs its default target`);
  const other = named.find((t) => !TARGET.test(t));
  if (other !== undefined) return no(`${tool} ${other}: only targets named test, lint or build are allowed`);
  return ok(`${tool} ${named.join(' ')} runs the project's checks`, `${tool}:target`);
}

/** The ecosystem rule for this command, or undefined when it belongs to none of them. */
export function ecosystemVerdict(argv: readonly string[], worktree: string): Verdict | undefined {
  const name = argv[0] ?? '';
  const python = pythonCommand(argv, worktree);
  if (python !== undefined) return python;
  if (name === 'go') return go(argv, worktree);
  if (name === 'gofmt' || name === 'golangci-lint' || name === 'staticcheck') return goTool(argv, worktree);
  if (name === 'cargo') return cargo(argv, worktree);
  if (name === 'mvn' || name === './mvnw') {
    const problem = pathProblem(argv.slice(1), worktree);
    return problem ? no(`${name}: ${problem}`) : maven(argv);
  }
  if (name === 'gradle' || name === './gradlew') return gradle(argv);
  const rb = ruby(argv, worktree);
  if (rb !== undefined) return rb;
  if (name === 'make' || name === 'just') return targets(argv);
  return undefined;
}
