/**
 * `drover demo pipeline`'s sample: a small repository, three open issues (A; B "depends on #A";
 * C independent), the CI rule the GitHub emulator applies to every PR head, and the scripted
 * claude scenario of each planned task. Data and pure functions only; the command wires them up.
 */
import type { CiCheck, CiContext } from '../rehearsal/github-emulator/server.js';
import { commitSample } from './demo-repo.js';

export const DEMO_OWNER = 'drover-demo';
/** The step every sample task reports (the planner drafts no steps; the demo adds this one). */
export const DEMO_STEP = 'fix';

export const SAMPLE_FILES: Readonly<Record<string, string>> = {
  'package.json': '{ "name": "greetings", "type": "module" }\n',
  'README.md': '# greetings\n\nA tiny sample for `drover demo pipeline`.\n',
  'greet.js': 'export function greet(name) {\n  return `Hello, ${name}!`;\n}\n',
  'math.js': 'export function double(n) {\n  return n * 2;\n}\n',
};

export const FAREWELL_JS = 'export function farewell(name) {\n  return `Goodbye, ${name}!`;\n}\n';
export const INDEX_JS = "export { greet } from './greet.js';\nexport { farewell } from './farewell.js';\n";
/** C's first attempt: CI fails on it (triple(2) is 8). */
export const MATH_JS_WRONG = `${SAMPLE_FILES['math.js']}\nexport function triple(n) {\n  return n * n * n;\n}\n`;
export const MATH_JS_FIXED = `${SAMPLE_FILES['math.js']}\nexport function triple(n) {\n  return n * 3;\n}\n`;

/** The three issues, in the order they are filed; `dependsOnFirst` issues name the first one's number. */
export interface SampleIssue {
  key: 'A' | 'B' | 'C';
  title: string;
  body: (numbers: { A: number }) => string;
}

export const SAMPLE_ISSUES: readonly SampleIssue[] = [
  {
    key: 'A',
    title: 'Add a farewell function',
    body: () => 'Add `farewell(name)` in `farewell.js`: it returns `Goodbye, <name>!`.',
  },
  {
    key: 'B',
    title: 'Export greet and farewell from one entry point',
    body: ({ A }) =>
      `Create \`index.js\` that re-exports \`greet\` and \`farewell\`, so users import one module.\n\nDepends on #${A}.`,
  },
  {
    key: 'C',
    title: 'Add triple to math',
    body: () => 'Add `triple(n)` to `math.js`: `triple(2)` must be 6.',
  },
];

/** Creates the sample repository (branch `main`, one commit) under `dir`. */
export async function createSampleRepo(dir: string): Promise<string> {
  return commitSample(dir, SAMPLE_FILES, 'Sample project');
}

/** What CI says about one head: the sample's "test" check, from the files at that head. */
export function sampleCiChecks(readFile: CiContext['readFile']): CiCheck[] {
  const problems: string[] = [];
  const math = readFile('math.js') ?? '';
  if (math.includes('triple') && !/return n \* 3;/.test(math))
    problems.push('math.js: triple(2) returned 8, expected 6');
  const index = readFile('index.js');
  if (index !== null && readFile('farewell.js') === null)
    problems.push('index.js imports ./farewell.js, which does not exist');
  const farewell = readFile('farewell.js');
  if (farewell !== null && !farewell.includes('Goodbye'))
    problems.push('farewell.js: farewell("Ann") is not "Goodbye, Ann!"');
  const ok = problems.length === 0;
  return [
    {
      name: 'test',
      status: 'completed',
      conclusion: ok ? 'success' : 'failure',
      title: ok ? 'tests pass' : `${problems.length} failing`,
      summary: ok ? 'all tests pass' : problems.join('\n'),
    },
  ];
}

/** Every head the emulator's CI ran on, per PR: the PR's head revisions, in order. */
export class CiLedger {
  private readonly heads = new Map<number, string[]>();

  record(number: number, sha: string): void {
    const list = this.heads.get(number) ?? [];
    if (!list.includes(sha)) list.push(sha);
    this.heads.set(number, list);
  }

  headsOf(number: number): string[] {
    return [...(this.heads.get(number) ?? [])];
  }

  /** The emulator's CI rule: the sample's checks, each head recorded. */
  rule(): (ctx: CiContext) => CiCheck[] {
    return (ctx) => {
      this.record(ctx.number, ctx.sha);
      return sampleCiChecks(ctx.readFile);
    };
  }
}

type Turn = Record<string, unknown>;
const bash = (command: string, description: string): Turn => ({ tool: 'Bash', input: { command, description } });
const say = (text: string): Turn => ({ text });
/** A new file: written directly. */
const create = (file: string, content: string): Turn => ({ tool: 'Write', input: { file_path: file, content } });
/** An existing file: claude writes a file only after reading it in the session. */
const rewrite = (file: string, content: string): Turn[] => [
  { tool: 'Read', input: { file_path: file } },
  { tool: 'Write', input: { file_path: file, content } },
];
const commit = (message: string): Turn => bash(`git add -A && git commit -q -m "${message}"`, 'Commit the change');
const checkpoint = (): Turn => bash(`drover report checkpoint ${DEMO_STEP}`, `Report checkpoint ${DEMO_STEP}`);
const done = (): Turn => bash('drover report done', 'Report done');
/** Commit, report the step and done in one command (one permission dialog instead of three). */
const commitAndReport = (message: string): Turn =>
  bash(
    `git add -A && git commit -q -m "${message}" && drover report checkpoint ${DEMO_STEP} && drover report done`,
    'Commit and report',
  );

/**
 * The scripted claude session of each task, by issue key; `worktreeOf(key)` is the task's
 * worktree (tool calls use absolute paths). C first writes a triple that CI fails; after its
 * re-brief with the failing check it fixes it.
 */
export function sampleScenarios(worktreeOf: (key: SampleIssue['key']) => string): Record<SampleIssue['key'], unknown> {
  const a = worktreeOf('A');
  const b = worktreeOf('B');
  const c = worktreeOf('C');
  return {
    A: { turns: [create(`${a}/farewell.js`, FAREWELL_JS), commit('Add farewell'), checkpoint(), done(), say('Done.')] },
    // B is short: its PR must open before A's merges for it to be stacked on A's branch (see docs/demo-pipeline.md)
    B: { turns: [create(`${b}/index.js`, INDEX_JS), commitAndReport('Add index.js'), say('Done.')] },
    C: {
      turns: [
        ...rewrite(`${c}/math.js`, MATH_JS_WRONG),
        commit('Add triple'),
        checkpoint(),
        done(),
        say('Done.'),
        // after the re-brief with CI's failure
        ...rewrite(`${c}/math.js`, MATH_JS_FIXED),
        commit('Fix triple: multiply by 3'),
        done(),
        say('Fixed: triple(2) is 6.'),
      ],
    },
  };
}
