import type { BranchFacts } from '../domain/verification.js';
import { branchEvidence, pushBranch } from '../host/worktree/worktree.js';

/** Pushes the task branch (never forced) and collects the facts the verification rules judge. */
export async function pushAndCollectEvidence(input: {
  worktree: string;
  branch: string;
  baseCommit: string;
}): Promise<BranchFacts> {
  const before = await branchEvidence(input);
  let pushError: string | undefined;
  if (before.commitsAhead > 0 && before.remoteHead !== before.head) {
    const pushed = await pushBranch(input);
    pushError = pushed.error;
  }
  const after = await branchEvidence(input);
  return { ...after, ...(pushError ? { pushError } : {}) };
}
