/** Helpers for the GitHub emulator suites: a real Octokit (throttling, retry, paginate-graphql) and seeded git repositories. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { paginateGraphQL } from '@octokit/plugin-paginate-graphql';
import { retry } from '@octokit/plugin-retry';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { git, makeRepo } from './repo.js';

const DroverOctokit = Octokit.plugin(throttling, retry, paginateGraphQL);
export type TestOctokit = InstanceType<typeof DroverOctokit>;

export interface ThrottleEvents {
  secondary: number;
  primary: number;
}

/** A stand-in for the plugin's write limiter groups: no 1 s spacing between writes in tests. */
const unspaced = {
  key: () => ({ schedule: (_opts: unknown, fn: () => Promise<unknown>) => fn() }),
} as unknown as NonNullable<ThrottlingOptions['write']>;

/**
 * The client as Drover configures it (throttling, retry, paginate-graphql), with waits shrunk so
 * suites stay fast: retry-after seconds count as 10 ms, and writes are not spaced 1 s apart.
 */
export function octokitFor(
  baseUrl: string,
  token: string,
  events: ThrottleEvents = { secondary: 0, primary: 0 },
): TestOctokit {
  return new DroverOctokit({
    baseUrl,
    auth: token,
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    retry: { retryAfterBaseValue: 10 },
    throttle: {
      retryAfterBaseValue: 10,
      write: unspaced,
      notifications: unspaced,
      onSecondaryRateLimit: (_after: number, _opts: unknown, _o: unknown, retryCount: number) => {
        events.secondary += 1;
        return retryCount < 3;
      },
      onRateLimit: (_after: number, _opts: unknown, _o: unknown, retryCount: number) => {
        events.primary += 1;
        return retryCount < 1;
      },
    },
  });
}

export const commitAll = async (dir: string, message: string): Promise<string> => {
  await git(dir, ['add', '-A']);
  await git(dir, ['-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '--quiet', '-m', message]);
  return (await git(dir, ['rev-parse', 'HEAD'])).trim();
};

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
}

/**
 * A repository with `main` and three branches off it: `fix` (a clean change to a.txt),
 * `clash` (changes the line main changes later: conflicts) and `other` (touches b.txt).
 */
export async function seedRepo(dir: string): Promise<{ dir: string; shas: Record<string, string> }> {
  await makeRepo(dir, { 'a.txt': 'broken\n', 'b.txt': 'one\ntwo\nthree\n', 'src/app.ts': 'export const x = 1;\n' });
  const shas: Record<string, string> = { init: (await git(dir, ['rev-parse', 'HEAD'])).trim() };
  await git(dir, ['checkout', '--quiet', '-b', 'fix']);
  await writeFiles(dir, { 'src/app.ts': 'export const x = 2;\n' });
  shas.fix = await commitAll(dir, 'Fix x');
  await git(dir, ['checkout', '--quiet', '-b', 'clash', 'main']);
  await writeFiles(dir, { 'a.txt': 'clash side\n' });
  shas.clash = await commitAll(dir, 'Clash on a.txt');
  await git(dir, ['checkout', '--quiet', '-b', 'other', 'main']);
  await writeFiles(dir, { 'b.txt': 'one\n2\nthree\n' });
  shas.other = await commitAll(dir, 'Touch b.txt');
  await git(dir, ['checkout', '--quiet', 'main']);
  await writeFiles(dir, { 'a.txt': 'main side\n' });
  shas.main = await commitAll(dir, 'Main moves a.txt');
  return { dir, shas };
}
