/** Check runs and commit statuses per commit SHA, and how GitHub rolls them up. */
import { nodeId, type GithubStore, type StoredCheckRun, type StoredRepo, type StoredStatus } from './store.js';

export interface NewCheckRun {
  headSha: string;
  name: string;
  status?: StoredCheckRun['status'];
  conclusion?: string | null;
  title?: string | null;
  summary?: string | null;
  text?: string | null;
  detailsUrl?: string | null;
}

export interface NewStatus {
  context: string;
  state: StoredStatus['state'];
  description?: string | null;
  targetUrl?: string | null;
}

const CONCLUSIONS = ['action_required', 'cancelled', 'failure', 'neutral', 'success', 'skipped', 'stale', 'timed_out'];

export function addCheckRun(store: GithubStore, repo: StoredRepo, input: NewCheckRun): StoredCheckRun {
  const status = input.status ?? (input.conclusion ? 'completed' : 'queued');
  if (status === 'completed' && !input.conclusion) throw new Error('a completed check run needs a conclusion');
  if (input.conclusion && !CONCLUSIONS.includes(input.conclusion))
    throw new Error(`unknown conclusion "${input.conclusion}"`);
  const id = store.nextId();
  const at = store.stamp();
  const run: StoredCheckRun = {
    id,
    nodeId: nodeId('CR', `${repo.id}:${id}`),
    headSha: input.headSha,
    name: input.name,
    status,
    conclusion: status === 'completed' ? (input.conclusion ?? null) : null,
    title: input.title ?? null,
    summary: input.summary ?? null,
    text: input.text ?? null,
    startedAt: at,
    completedAt: status === 'completed' ? at : null,
    detailsUrl: input.detailsUrl ?? null,
  };
  repo.checkRuns.push(run);
  return run;
}

export function addStatus(store: GithubStore, repo: StoredRepo, sha: string, input: NewStatus): StoredStatus {
  const id = store.nextId();
  const status: StoredStatus = {
    id,
    nodeId: nodeId('SC', `${repo.id}:${id}`),
    sha,
    context: input.context,
    state: input.state,
    description: input.description ?? null,
    targetUrl: input.targetUrl ?? null,
    createdAt: store.stamp(),
  };
  repo.statuses.push(status);
  return status;
}

/** Check runs on a commit; a re-run with the same name replaces the older one, as GitHub's "latest" filter does. */
export function checkRunsFor(repo: StoredRepo, sha: string): StoredCheckRun[] {
  const latest = new Map<string, StoredCheckRun>();
  for (const run of repo.checkRuns) if (run.headSha === sha) latest.set(run.name, run);
  return [...latest.values()].sort((a, b) => b.id - a.id);
}

/** The latest status per context, newest first (the combined-status view). */
export function statusesFor(repo: StoredRepo, sha: string): StoredStatus[] {
  const latest = new Map<string, StoredStatus>();
  for (const s of repo.statuses) if (s.sha === sha) latest.set(s.context, s);
  return [...latest.values()].sort((a, b) => b.id - a.id);
}

/** The combined status of the legacy statuses: failure/error wins, then pending; no statuses → pending. */
export function combinedState(statuses: StoredStatus[]): 'failure' | 'pending' | 'success' {
  if (statuses.some((s) => s.state === 'failure' || s.state === 'error')) return 'failure';
  if (statuses.length === 0 || statuses.some((s) => s.state === 'pending')) return 'pending';
  return 'success';
}

const FAILING = new Set(['action_required', 'cancelled', 'failure', 'timed_out', 'startup_failure', 'stale']);

/** GraphQL `StatusCheckRollup.state` over check runs and statuses; null when the commit has neither. */
export function rollupState(
  runs: StoredCheckRun[],
  statuses: StoredStatus[],
): 'ERROR' | 'FAILURE' | 'PENDING' | 'SUCCESS' | null {
  if (runs.length === 0 && statuses.length === 0) return null;
  if (statuses.some((s) => s.state === 'error')) return 'ERROR';
  if (
    runs.some((r) => r.conclusion !== null && FAILING.has(r.conclusion)) ||
    statuses.some((s) => s.state === 'failure')
  )
    return 'FAILURE';
  if (runs.some((r) => r.status !== 'completed') || statuses.some((s) => s.state === 'pending')) return 'PENDING';
  return 'SUCCESS';
}
