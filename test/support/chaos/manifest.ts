/** The chaos suite's manifest: the convention's 8-task example plus t9 (after t3) and t10, with scripted claude agents. */
import { EXAMPLE_FILES } from '../example-manifest.js';

export const CHAOS_FILES: Record<string, string> = {
  ...EXAMPLE_FILES,
  t9: 'workspace_validator.js',
  t10: 'audit_log.js',
};

const DEPS: Record<string, string[]> = { t2: ['t1'], t5: ['t4'], t6: ['t2'], t8: ['t7'], t9: ['t3'] };
const PHASE_1 = ['t1', 't2', 't3', 't9'];

/** The manifest over `ids` (all ten by default); a dependency outside `ids` is dropped. */
export function chaosManifest(project: string, ids: string[] = Object.keys(CHAOS_FILES)) {
  const task = (id: string) => ({
    id,
    issue: Number(id.slice(1)),
    title: `Task ${id}`,
    files: [CHAOS_FILES[id]!],
    dependsOn: (DEPS[id] ?? []).filter((d) => ids.includes(d)),
    steps: ['edit'],
  });
  const phases = [
    { name: 'Phase 1: Critical', tasks: ids.filter((id) => PHASE_1.includes(id)).map(task) },
    { name: 'Phase 2: High', tasks: ids.filter((id) => !PHASE_1.includes(id)).map(task) },
  ];
  return { project, repo: 'local/chaos', phases: phases.filter((p) => p.tasks.length > 0) };
}

const bash = (command: string, description: string) => ({ tool: 'Bash', input: { command, description } });

/**
 * A scripted agent that survives being killed at any turn, like a real agent told to continue:
 * the edit and commit are one command, repeated idempotently (`|| true` when already committed);
 * the checkpoint and done are reported by command and again as screen markers in the last words.
 * `pauseSeconds` keeps it busy after its commit (a window for a fault).
 */
export function chaosScenario(id: string, opts: { pauseSeconds?: number } = {}) {
  const file = CHAOS_FILES[id]!;
  const edit = `echo '// edited by ${id}' > ${file} && git add -A && git commit -q -m "${id}: edit ${file}"`;
  return {
    turns: [
      bash(edit, 'Edit and commit'),
      bash(`${edit} || true`, 'Make sure the edit is committed'),
      ...(opts.pauseSeconds ? [bash(`sleep ${opts.pauseSeconds}`, 'Wait for the file system')] : []),
      bash('drover report checkpoint edit', 'Report the step'),
      bash('drover report done', 'Report done'),
      { text: 'Done.\nCHECKPOINT:edit\nORCHESTRATOR:DONE' },
    ],
  };
}

export const CHAOS_REPO_FILES = Object.fromEntries(
  [...new Set(Object.values(CHAOS_FILES))].map((f) => [f, '// original\n']),
);
