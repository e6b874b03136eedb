import { ecosystemVerdict } from './command-ecosystems.js';
import { describeRule, firstMatch, type CommandRule } from './command-rules.js';
import { isOption, no, ok, pathProblem, type Verdict } from './command-verdict.js';
import { readableProblem, writableProblem } from './path-rules.js';
import { parseCommand, type Redirect, type SimpleCommand } from './shell-command.js';

/** The allowlist: shell commands an agent may run without asking a human. */

export type { Verdict } from './command-verdict.js';
export interface AllowContext {
  worktree: string;
  /** The user's own rules (command-rules.ts); only the allow rules count here. */
  rules?: readonly CommandRule[];
}

const READERS = new Set([
  'ls',
  'cat',
  'head',
  'tail',
  'wc',
  'grep',
  'egrep',
  'fgrep',
  'rg',
  'diff',
  'cut',
  'tr',
  'basename',
  'dirname',
  'realpath',
  'stat',
  'file',
  'tree',
  'which',
  'nl',
  'find',
  'sort',
  'uniq',
]);
const PRINTERS = new Set(['echo', 'printf', 'true', 'false', 'pwd']);
const WRITERS = new Set(['mkdir', 'touch', 'cp', 'mv', 'rm']);
const READER_REFUSED: Record<string, RegExp> = {
  find: /^-(?:exec|execdir|ok|okdir|delete|fprint|fprint0|fprintf|fls)$/,
  rg: /^--pre(?:=|$)/,
  sort: /^(?:-o|--output)/,
  tree: /^-o$/,
};

function reader(cmd: string, args: string[], worktree: string): Verdict {
  const refused = READER_REFUSED[cmd];
  const bad = refused ? args.find((a) => refused.test(a)) : undefined;
  if (bad !== undefined) return no(`${cmd} ${bad} can run commands or write files`);
  if (cmd === 'uniq' && args.filter((a) => !isOption(a)).length > 1)
    return no('uniq with two files writes the second one');
  const problem = pathProblem(args, worktree);
  return problem ? no(`${cmd}: ${problem}`) : ok(`${cmd} only reads files inside the worktree`, 'read-only');
}

function writer(cmd: string, args: string[], glob: boolean, worktree: string): Verdict {
  if (glob) return no(`${cmd} with a wildcard may touch files nobody reviewed`);
  const flags = args.filter(isOption);
  const allowed = cmd === 'mkdir' ? /^-[pv]+$/ : cmd === 'touch' ? /^-c$/ : /^(?:-[rRfvnpa]+|--)$/;
  const bad = flags.find((f) => !allowed.test(f));
  if (bad !== undefined) return no(`${cmd} ${bad} is not on the allowlist`);
  const targets = args.filter((a) => !isOption(a));
  if (targets.length === 0) return no(`${cmd} without a file`);
  const problem = pathProblem(targets, worktree, writableProblem);
  return problem ? no(`${cmd}: ${problem}`) : ok(`${cmd} changes files inside the worktree`, 'write-in-worktree');
}

const GIT_READ = new Set([
  'status',
  'diff',
  'log',
  'show',
  'rev-parse',
  'ls-files',
  'blame',
  'shortlog',
  'describe',
  'grep',
  'rev-list',
]);
const GIT_CONFIG_OK =
  /^(?:user\.name|user\.email|commit\.gpgsign|tag\.gpgsign|core\.quotepath|init\.defaultbranch|color\.[a-z.]{1,40}|advice\.[A-Za-z]{1,60})=/i;
const GIT_GLOBAL_FLAGS = new Set(['--no-pager', '--no-optional-locks', '--literal-pathspecs', '--no-replace-objects']);
const BRANCH_LIST = /^(?:--show-current|-a|-r|-v|-vv|--list|--all|--no-color|--remotes)$/;

function gitCommit(args: string[], worktree: string): Verdict {
  const paths: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    if (/^-[A-Za-z]*m$/.test(a) || a === '--message') i += 1;
    else if (a === '-F' || a === '--file' || a === '-t' || a === '--template') paths.push(args[(i += 1)] ?? '');
    else if (/^(?:--file|--template)=/.test(a)) paths.push(a.slice(a.indexOf('=') + 1));
    else if (!isOption(a)) paths.push(a);
  }
  const problem = pathProblem(paths, worktree);
  return problem ? no(`git commit: ${problem}`) : ok('git commit records work on the task branch', 'git:commit');
}

function git(argv: string[], worktree: string): Verdict {
  let i = 1;
  while (i < argv.length && isOption(argv[i] ?? '')) {
    const a = argv[i] ?? '';
    if (a === '-c') {
      const setting = argv[i + 1] ?? '';
      if (!GIT_CONFIG_OK.test(setting))
        return no(`git -c ${setting}: only identity, signing and display settings may be overridden`);
      i += 2;
    } else if (a === '-C') {
      const problem = readableProblem(argv[i + 1] ?? '', worktree);
      if (problem) return no(`git -C: ${problem}`);
      i += 2;
    } else if (GIT_GLOBAL_FLAGS.has(a)) i += 1;
    else return no(`git option ${a} is not on the allowlist`);
  }
  const sub = argv[i];
  const rest = argv.slice(i + 1);
  if (sub === undefined) return no('git without a subcommand');
  if (GIT_READ.has(sub)) {
    const bad = rest.find(
      (a) => /^--(?:output|ext-diff|open-files-in-pager)/.test(a) || (sub === 'grep' && /^-O/.test(a)),
    );
    if (bad !== undefined) return no(`git ${sub} ${bad} writes files or runs programs`);
    const problem = pathProblem(rest, worktree);
    return problem ? no(`git ${sub}: ${problem}`) : ok(`git ${sub} only reads the repository`, 'git:read');
  }
  if (sub === 'branch')
    return rest.every((a) => BRANCH_LIST.test(a))
      ? ok('git branch only lists branches', 'git:read')
      : no('git branch may only list branches here');
  if (sub === 'add') {
    const problem = pathProblem(rest, worktree);
    return problem ? no(`git add: ${problem}`) : ok('git add stages files of the worktree', 'git:add');
  }
  if (sub === 'commit') return gitCommit(rest, worktree);
  const named = (flags: string[]) =>
    flags.includes(rest[0] ?? '') && rest.length >= 2 && rest.length <= 3 && rest.slice(1).every((a) => !isOption(a));
  if (sub === 'checkout')
    return named(['-b'])
      ? ok('git checkout -b creates a local branch', 'git:branch')
      : no('only `git checkout -b <branch>` is allowed');
  if (sub === 'switch') {
    if (named(['-c', '--create']) || (rest.length === 1 && !isOption(rest[0] ?? '-')))
      return ok('git switch changes the local branch', 'git:branch');
    return no('only `git switch <branch>` and `git switch -c <branch>` are allowed');
  }
  return no(`git ${sub} is not on the allowlist`);
}

const SCRIPT = /^(?:test|lint|typecheck|type-check|build|check)(?::[A-Za-z0-9_-]{1,40}){0,4}$/;
const NPX_TOOLS = new Set(['vitest', 'tsc', 'eslint', 'prettier', 'jest', 'mocha']);
const NODE_REFUSED =
  /^(?:-e|--eval|-p|--print|-r|--require|--import|--loader|--experimental-loader|-i|--interactive|--inspect.*)(?:=|$)/;

function packageRunner(argv: string[], worktree: string): Verdict {
  const [cmd = '', sub = '', script = ''] = argv;
  const runsScript =
    sub === 'test' ||
    sub === 't' ||
    ((sub === 'run' || sub === 'run-script') && SCRIPT.test(script)) ||
    (cmd !== 'npm' && SCRIPT.test(sub));
  if (!runsScript) return no(`${cmd} ${sub} is not on the allowlist (tests, lint, typecheck and build scripts are)`);
  const bad = argv.find((a) => /^(?:-g|--global|--prefix|-C|--dir|--cwd)(?:=|$)/.test(a));
  if (bad !== undefined) return no(`${cmd} ${bad} leaves the worktree`);
  const problem = pathProblem(argv.slice(2), worktree);
  return problem ? no(`${cmd}: ${problem}`) : ok(`${cmd} runs the project's checks`, 'js:package-script');
}

function npx(argv: string[], worktree: string): Verdict {
  let i = 1;
  while (/^(?:-y|--yes|--no|--no-install|--offline)$/.test(argv[i] ?? '')) i += 1;
  const tool = argv[i] ?? '';
  if (!NPX_TOOLS.has(tool)) return no(`npx ${tool} is not on the allowlist (${[...NPX_TOOLS].join(', ')} are)`);
  const problem = pathProblem(argv.slice(i + 1), worktree);
  return problem ? no(`npx ${tool}: ${problem}`) : ok(`npx ${tool} runs the project's checks`, 'js:npx');
}

function node(argv: string[], worktree: string): Verdict {
  if (!argv.includes('--test')) return no('node may only run `node --test`');
  const bad = argv.find((a) => NODE_REFUSED.test(a));
  if (bad !== undefined) return no(`node ${bad} runs arbitrary code`);
  const problem = pathProblem(argv.slice(1), worktree);
  return problem ? no(`node --test: ${problem}`) : ok('node --test runs the tests', 'js:node-test');
}

const ENV_OK = new Set(['CI', 'NODE_ENV', 'FORCE_COLOR', 'NO_COLOR', 'TZ', 'LANG', 'LC_ALL', 'DEBUG']);

function redirectProblem(r: Redirect, worktree: string): string | undefined {
  if (r.op === '>&' || r.op === '<&') return /^(?:\d|-)$/.test(r.target) ? undefined : `redirect ${r.op}${r.target}`;
  if (r.target === '/dev/null' || r.target === '/dev/stdout' || r.target === '/dev/stderr') return undefined;
  const problem = r.op === '<' ? readableProblem(r.target, worktree) : writableProblem(r.target, worktree);
  return problem ? `redirect to ${problem}` : undefined;
}

function program(cmd: SimpleCommand, ctx: AllowContext): Verdict {
  const { argv, glob } = cmd;
  const name = argv[0] ?? '';
  const args = argv.slice(1);
  const allowed = firstMatch(ctx.rules, 'allow', argv);
  if (allowed !== undefined) return ok(`matches your ${describeRule(allowed)}`, describeRule(allowed));
  const ecosystem = ecosystemVerdict(argv, ctx.worktree);
  if (ecosystem !== undefined) return ecosystem;
  if (name.includes('/')) return no(`${name} is run by path; only plain command names are allowed`);
  if (PRINTERS.has(name)) return ok(`${name} only prints`, 'print');
  if (name === 'sleep')
    return args.length > 0 && args.every((a) => /^\d{1,6}(?:\.\d{1,3})?[smhd]?$/.test(a))
      ? ok('sleep only waits', 'sleep')
      : no('sleep with a non-numeric argument');
  if (READERS.has(name)) return reader(name, args, ctx.worktree);
  if (WRITERS.has(name)) return writer(name, args, glob, ctx.worktree);
  if (name === 'sed') return sed(args, ctx.worktree);
  if (name === 'git') return git(argv, ctx.worktree);
  if (name === 'npm' || name === 'pnpm' || name === 'yarn') return packageRunner(argv, ctx.worktree);
  if (name === 'npx') return npx(argv, ctx.worktree);
  if (name === 'node') return node(argv, ctx.worktree);
  if (name === 'drover' && argv[1] === 'report')
    return ok('drover report tells Drover about progress', 'drover:report');
  if (name === 'drover' && argv[1] === 'send' && argv.length === 4)
    return ok('drover send passes a message to another task', 'drover:send');
  if (name === 'drover') return no(`drover ${argv[1] ?? ''} is not for agents`);
  return no(`${name} is not on the allowlist`);
}

const SED_PRINT = /^(?:(?:\d{1,9}|\$)(?:,(?:\d{1,9}|\$|\+\d{1,9}))?|\/[^/\n]{1,200}\/(?:,\/[^/\n]{1,200}\/)?)?p$/;

function sed(args: string[], worktree: string): Verdict {
  const flags = args.filter(isOption);
  if (!flags.some((f) => f === '-n' || f === '--quiet' || f === '--silent' || /^-[a-zA-Z]*n[a-zA-Z]*$/.test(f)))
    return no('sed is allowed only as `sed -n <range>p`');
  const bad = flags.find((f) => /^(?:-[a-zA-Z]*[ifs]|--in-place|--file|--expression|-e)/.test(f));
  if (bad !== undefined) return no(`sed ${bad} is not on the allowlist`);
  const [script = '', ...files] = args.filter((a) => !isOption(a));
  if (!SED_PRINT.test(script)) return no(`sed script ${script} does more than print lines`);
  const problem = pathProblem(files, worktree);
  return problem ? no(`sed: ${problem}`) : ok('sed -n only prints lines', 'read-only');
}

function simpleCommand(cmd: SimpleCommand, ctx: AllowContext): Verdict {
  const badEnv = cmd.assignments.find(
    (a) => !ENV_OK.has(a.slice(0, a.indexOf('='))) || !/^[\w.:,-]*$/.test(a.slice(a.indexOf('=') + 1)),
  );
  if (badEnv !== undefined) return no(`setting ${badEnv.slice(0, 60)} is not on the allowlist`);
  for (const r of cmd.redirects) {
    const problem = redirectProblem(r, ctx.worktree);
    if (problem) return no(problem);
  }
  if (cmd.argv.length === 0) return no('a redirect without a command');
  const verdict = program(cmd, ctx);
  const written = cmd.redirects
    .filter((r) => (r.op === '>' || r.op === '>>') && !r.target.startsWith('/dev/'))
    .map((r) => r.target);
  return verdict.safe && written.length > 0
    ? ok(`${verdict.why} (into ${written.join(', ')}, inside the worktree)`, verdict.rule)
    : verdict;
}

/** Safe when every command of the line is on the allowlist; `why` names each part or the first refusal. */
export function checkCommandLine(text: string, ctx: AllowContext): Verdict {
  const parsed = parseCommand(text);
  if (!parsed.ok) return no(`the command cannot be reviewed automatically: ${parsed.reason}`);
  const whys: string[] = [];
  const rules: string[] = [];
  for (const cmd of parsed.commands) {
    const verdict = simpleCommand(cmd, ctx);
    if (!verdict.safe) return no(`\`${cmd.argv.join(' ').slice(0, 120)}\`: ${verdict.why}`);
    whys.push(verdict.why);
    rules.push(verdict.rule);
  }
  return ok([...new Set(whys)].join('; '), [...new Set(rules)].join(', '));
}
