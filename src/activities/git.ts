import { execa } from 'execa';

export interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs git with an argument array in `cwd`; never through a shell. */
export async function git(cwd: string, args: string[]): Promise<GitResult> {
  const result = await execa('git', args, {
    cwd,
    reject: false,
    env: { GIT_TERMINAL_PROMPT: '0' },
    stripFinalNewline: true,
  });
  return { ok: result.exitCode === 0, stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
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
