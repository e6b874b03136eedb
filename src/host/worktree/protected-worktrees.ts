import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** Branches the pool never claims, recycles or resets. */
export const POOL_PROTECTED_BRANCHES = /^(main|master|develop|trunk|release\/.*)$/;

const ProtectedFileSchema = z.array(z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path'));

export interface ProtectedList {
  file: string;
  paths: string[];
  /** Set when the file exists but cannot be used: then every worktree counts as protected. */
  error?: string;
}

function canonical(p: string): string {
  const abs = path.resolve(p);
  return existsSync(abs) ? realpathSync(abs) : abs;
}

/**
 * `<droverHome>/protected.json`: a JSON array of absolute worktree paths the pool must never touch.
 * A missing file protects nothing; an unreadable or malformed one protects everything.
 */
export async function readProtectedList(droverHome: string | undefined): Promise<ProtectedList> {
  if (!droverHome) return { file: '', paths: [] };
  const file = path.join(droverHome, 'protected.json');
  if (!existsSync(file)) return { file, paths: [] };
  try {
    const parsed = ProtectedFileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success)
      return {
        file,
        paths: [],
        error: `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      };
    return { file, paths: parsed.data.map(canonical) };
  } catch (error) {
    return { file, paths: [], error: `${file}: ${(error as Error).message}` };
  }
}

/** Why the pool must leave this worktree alone, or undefined. */
export function protectionReason(list: ProtectedList, worktree: string, branch: string | null): string | undefined {
  if (list.error) return `the protected list is unusable (${list.error})`;
  if (branch && POOL_PROTECTED_BRANCHES.test(branch)) return `branch ${branch} is protected`;
  if (list.paths.includes(canonical(worktree))) return `${worktree} is listed in ${list.file}`;
  return undefined;
}
