/** What the branch looks like when the agent says it is done (collected by an activity). */
export interface BranchFacts {
  head: string;
  baseCommit: string;
  commitsAhead: number;
  dirtyFiles: string[];
  remoteHead: string | null;
  pushError?: string;
}

export interface VerificationInput {
  steps: string[];
  checkpoints: string[];
  requireCommit: boolean;
  branch: string;
  facts: BranchFacts;
}

/**
 * The evidence rules for "done" (docs/design.md §2 verify): every required step reported, the work
 * committed, nothing left uncommitted, and the branch's head really on its remote.
 * Returns the reasons it is NOT done; an empty list means verified.
 */
export function verifyCompletion(input: VerificationInput): string[] {
  const reasons: string[] = [];
  const missing = input.steps.filter((s) => !input.checkpoints.includes(s));
  if (missing.length > 0)
    reasons.push(
      `missing checkpoint${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (run \`drover report checkpoint <step>\` after each)`,
    );
  const { facts } = input;
  if (input.requireCommit && facts.commitsAhead === 0)
    reasons.push(`no commit on ${input.branch} since the base ${facts.baseCommit.slice(0, 8)}: commit your work`);
  if (facts.dirtyFiles.length > 0)
    reasons.push(
      `uncommitted changes in ${facts.dirtyFiles.slice(0, 5).join(', ')}${facts.dirtyFiles.length > 5 ? ', …' : ''}: commit or revert them`,
    );
  if (facts.pushError) reasons.push(`push of ${input.branch} failed: ${facts.pushError}`);
  else if (facts.remoteHead !== facts.head)
    reasons.push(
      `the remote branch ${input.branch} is at ${facts.remoteHead?.slice(0, 8) ?? 'nothing'}, not at HEAD ${facts.head.slice(0, 8)}`,
    );
  return reasons;
}
