import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { PROTECTED_BRANCHES } from '../host/worktree/worktree.js';
import { redactTokens } from '../domain/identifiers.js';
import { parsePrRef, type PrRef } from '../domain/pull-request.js';
import { CliError } from './context.js';

export const MAX_CONTEXT_BYTES = 64 * 1024;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp']);

/** `--context FILE`: markdown put verbatim in the brief; token-shaped strings are masked (never in workflow history). */
export async function loadContextFile(file: string): Promise<{ text: string; masked: boolean }> {
  const abs = path.resolve(file);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new CliError(`--context ${file}: no such file`);
  const size = statSync(abs).size;
  if (size > MAX_CONTEXT_BYTES)
    throw new CliError(
      `--context ${file}: ${size} bytes; at most ${MAX_CONTEXT_BYTES} (put the rest in the repository and point to it)`,
    );
  const raw = await readFile(abs);
  const text = raw.toString('utf8');
  if (text.includes('\uFFFD') || raw.includes(0)) throw new CliError(`--context ${file}: not UTF-8 text`);
  const redacted = redactTokens(text);
  return { text: redacted, masked: redacted !== text };
}

/** `--image PATH` (repeatable): existing image files, referenced by absolute path in the brief. */
export function checkImages(paths: readonly string[]): string[] {
  return paths.map((p) => {
    const abs = path.resolve(p);
    if (!existsSync(abs) || !statSync(abs).isFile()) throw new CliError(`--image ${p}: no such file`);
    if (!IMAGE_EXT.has(path.extname(abs).toLowerCase()))
      throw new CliError(`--image ${p}: not an image (${[...IMAGE_EXT].join(', ')})`);
    if (statSync(abs).size > MAX_IMAGE_BYTES) throw new CliError(`--image ${p}: larger than 10 MB`);
    return abs;
  });
}

/** `--no-new-branch`: the branch to work on must already exist (named by --branch, else the repository's current branch). */
export async function existingBranch(repo: string, branch: string | undefined): Promise<string> {
  let name = branch;
  if (!name) {
    const head = await execa('git', ['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: repo, reject: false });
    if (head.exitCode !== 0 || !head.stdout)
      throw new CliError('--no-new-branch: the repository is on a detached HEAD; name the branch with --branch');
    name = head.stdout.trim();
  }
  if (PROTECTED_BRANCHES.test(name))
    throw new CliError(
      `--no-new-branch: ${name} is a protected branch; Drover never works on it (name a feature branch with --branch)`,
    );
  for (const ref of [`refs/heads/${name}`, `refs/remotes/origin/${name}`]) {
    const got = await execa('git', ['rev-parse', '--verify', '--quiet', ref], { cwd: repo, reject: false });
    if (got.exitCode === 0) return name;
  }
  throw new CliError(
    `--no-new-branch: branch ${name} does not exist in ${repo} (locally or on origin); Drover will not create it`,
  );
}

/** `--pr N` (the repository's GitHub origin), or `--pr OWNER/REPO#N` / a PR URL. */
export async function prOption(repo: string, text: string): Promise<PrRef> {
  if (/^\d+$/.test(text)) {
    const origin = await execa('git', ['remote', 'get-url', 'origin'], { cwd: repo, reject: false });
    const m = /[/:]([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(origin.stdout.trim());
    if (origin.exitCode !== 0 || !m)
      throw new CliError(
        `--pr ${text}: cannot tell OWNER/REPO from ${repo}'s origin remote; write --pr OWNER/REPO#${text}`,
      );
    text = `${m[1]}/${m[2]}#${text}`;
  }
  const ref = parsePrRef(text);
  if (!ref.ok) throw new CliError(`--pr: ${ref.error}`);
  return ref.value;
}
