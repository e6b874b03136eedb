import { execa } from 'execa';
import { SpawnerGone, type SpawnRequest, type SpawnResult, type Spawner } from './spawner.js';

let current: Spawner | undefined;

/** Short commands of this process go through `spawner` (the host worker's launcher); undefined: fork directly. */
export function useSpawner(spawner: Spawner | undefined): void {
  current = spawner;
}

/** How many commands went through the launcher and how many were forked directly (tests and benches). */
export const processCounts = { launcher: 0, direct: 0 };

/** Runs a command with an argument array and returns its exit code and output; never throws for a non-zero exit. */
export async function runProcess(request: SpawnRequest): Promise<SpawnResult> {
  if (current) {
    try {
      const result = await current.run(request);
      processCounts.launcher += 1;
      return result;
    } catch (error) {
      if (!(error instanceof SpawnerGone)) throw error;
    }
  }
  processCounts.direct += 1;
  const result = await execa(request.file, request.args, {
    cwd: request.cwd,
    env: request.env,
    extendEnv: false,
    input: request.input ?? '',
    reject: false,
    stripFinalNewline: false,
    ...(request.timeoutMs ? { timeout: request.timeoutMs } : {}),
  });
  const failed = result.failed && result.exitCode === undefined;
  return {
    exitCode: result.exitCode ?? -1,
    signal: result.signal ?? undefined,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    ...(failed ? { error: result.shortMessage } : {}),
  };
}

/** What execa's stripFinalNewline did: one trailing newline off. */
export function stripFinalNewline(text: string): string {
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}
