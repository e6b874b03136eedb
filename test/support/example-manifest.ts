/** The example from the task-manifest convention (issue 4): two phases, shared files. */
export const EXAMPLE_FILES: Record<string, string> = {
  t1: 'ceo_root_manager.js',
  t2: 'ceo_root_manager.js',
  t3: 'workspace_validator.js',
  t4: 'kill_switch.js',
  t5: 'kill_switch.js',
  t6: 'ceo_root_manager.js',
  t7: 'container_executor.js',
  t8: 'container_executor.js',
};

const task = (id: string, dependsOn: string[] = []) => ({
  id,
  issue: Number(id.slice(1)),
  title: `Task ${id}`,
  files: [EXAMPLE_FILES[id]!],
  dependsOn,
  steps: ['edit'],
});

export function exampleManifest(project = 'example') {
  return {
    project,
    repo: 'local/example',
    phases: [
      { name: 'Phase 1: Critical', tasks: [task('t1'), task('t2', ['t1']), task('t3')] },
      {
        name: 'Phase 2: High',
        tasks: [task('t4'), task('t5', ['t4']), task('t6', ['t2']), task('t7'), task('t8', ['t7'])],
      },
    ],
  };
}

/** A scripted agent that edits its task's file, commits, and reports. */
export function exampleScenario(id: string) {
  const file = EXAMPLE_FILES[id]!;
  return {
    turns: [
      { tool: 'Read', input: { file_path: file } },
      { tool: 'Write', input: { file_path: file, content: `// edited by ${id}\n` } },
      {
        tool: 'Bash',
        input: { command: `git add -A && git commit -q -m "${id}: edit ${file}"`, description: 'Commit' },
      },
      { tool: 'Bash', input: { command: 'drover report checkpoint edit', description: 'Report the step' } },
      { tool: 'Bash', input: { command: 'drover report done', description: 'Report done' } },
      { text: 'Done.' },
    ],
  };
}

export const EXAMPLE_REPO_FILES = Object.fromEntries(
  [...new Set(Object.values(EXAMPLE_FILES))].map((f) => [f, '// original\n']),
);
