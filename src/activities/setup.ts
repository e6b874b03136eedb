import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { locate, writableProblem } from '../domain/path-rules.js';
import { stepFailure, type SetupResult, type SetupSpec, type SetupStep } from '../domain/setup.js';
import { ensureAgentHome } from '../host/agent-home/agent-env.js';
import { portBlockFor, portEnv } from '../host/port-blocks.js';
import { maskSecrets } from '../host/secret-values.js';
import { runProcess } from '../process/run-process.js';
import type { ActivityDeps } from './deps.js';

export interface SetupInput {
  taskId: string;
  /** The user's repository (where `copy.from` is looked up). */
  repo: string;
  worktree: string;
  spec: SetupSpec;
}

const TAIL_LINES = 20;

function tailOf(stdout: string, stderr: string): string[] {
  const lines = `${stdout}\n${stderr}`.split('\n').map((l) => maskSecrets(l).trimEnd());
  return lines.filter((l) => l !== '').slice(-TAIL_LINES);
}

/** The copies: a `to` outside the worktree (or into .git) is refused before anything is copied. */
async function copyFiles(input: SetupInput): Promise<string[]> {
  const copied: string[] = [];
  for (const { from, to } of input.spec.copy) {
    const source = path.resolve(input.repo, from);
    const fromRel = locate(from, input.repo);
    const target = to ?? (fromRel.inside ? fromRel.relative : path.basename(from));
    const problem = writableProblem(target, input.worktree);
    // a .env is what copy is for: only "outside the worktree" and ".git" refuse a target
    if (problem && !/credential/.test(problem))
      throw ApplicationFailure.nonRetryable(`setup: copy to ${target} refused: ${problem}`, 'SetupRefused');
    const dest = path.resolve(input.worktree, target);
    await mkdir(path.dirname(dest), { recursive: true });
    try {
      await copyFile(source, dest);
    } catch (error) {
      throw ApplicationFailure.nonRetryable(
        `setup: cannot copy ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        'SetupCopyFailed',
      );
    }
    copied.push(target);
  }
  return copied;
}

/**
 * Worktree setup before the agent starts (domain/setup.ts): the copies, then each command in the
 * worktree with the agent's environment (its HOME and port block), under the timeout; stops at
 * the first failure and says why. Run again on a retry (setup commands are meant to be repeatable).
 */
export async function runSetup(deps: ActivityDeps, input: SetupInput): Promise<SetupResult> {
  let copied: string[];
  try {
    copied = await copyFiles(input);
  } catch (error) {
    if (error instanceof ApplicationFailure) return { steps: [], copied: [], failure: error.message };
    throw error;
  }
  const home = await ensureAgentHome(path.join(deps.droverHome, 'homes'), input.taskId);
  const env = {
    ...deps.agentEnv,
    HOME: home,
    DROVER_TASK_ID: input.taskId,
    ...portEnv(await portBlockFor(deps.droverHome, input.taskId)),
  };
  const steps: SetupStep[] = [];
  for (const argv of input.spec.commands) {
    const started = Date.now();
    const timeoutMs = input.spec.timeoutSeconds * 1000;
    const out = await runProcess({ file: argv[0]!, args: argv.slice(1), cwd: input.worktree, env, timeoutMs });
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const timedOut = out.exitCode === -1 && seconds * 1000 >= timeoutMs - 50;
    const step: SetupStep = {
      argv,
      exitCode: out.error && !timedOut ? null : out.exitCode,
      ...(timedOut ? { timedOut } : {}),
      seconds,
      tail: tailOf(out.stdout, out.error ? `${out.stderr}\n${out.error}` : out.stderr),
    };
    steps.push(step);
    const failure = stepFailure(step, input.spec.timeoutSeconds);
    if (failure) return { steps, copied, failure };
  }
  return { steps, copied };
}
