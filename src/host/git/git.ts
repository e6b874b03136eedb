import { runProcess, stripFinalNewline } from '../../process/run-process.js';

export interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs git with an argument array in `cwd`; never through a shell. */
export async function git(cwd: string, args: string[]): Promise<GitResult> {
  const result = await runProcess({
    file: 'git',
    args,
    cwd,
    env: { ...definedEnv(process.env), GIT_TERMINAL_PROMPT: '0' },
  });
  const stderr = result.error ? `${result.error}\n${result.stderr}` : result.stderr;
  return {
    ok: result.exitCode === 0 && !result.error,
    stdout: stripFinalNewline(result.stdout),
    stderr: stripFinalNewline(stderr),
    exitCode: result.exitCode,
  };
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Runs git and throws an error with git's own message when it fails. */
export async function gitOrThrow(cwd: string, args: string[]): Promise<string> {
  const result = await git(cwd, args);
  if (!result.ok) {
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${result.stderr || result.stdout}`.trim());
  }
  return result.stdout;
}

/** `git check-ref-format --branch`, the authority on what a branch name may be. */
export async function isValidBranchName(name: string): Promise<boolean> {
  if (name.startsWith('-')) return false;
  const result = await git(process.cwd(), ['check-ref-format', '--branch', name]);
  return result.ok;
}
