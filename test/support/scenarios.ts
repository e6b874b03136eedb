/** Scripted-model scenarios for workflow tests: the real claude CLI runs these tool calls. */
type Turn = Record<string, unknown>;

export const bash = (command: string, description = 'Run a command'): Turn => ({
  tool: 'Bash',
  input: { command, description },
});
export const read = (filePath: string): Turn => ({ tool: 'Read', input: { file_path: filePath } });
/** Claude refuses to overwrite a file it has not read in this session: read, then write. */
export const write = (filePath: string, content: string): Turn[] => [
  read(filePath),
  { tool: 'Write', input: { file_path: filePath, content } },
];
export const say = (text: string): Turn => ({ text });

export const commitAll = (message: string): Turn =>
  bash(`git add -A && git commit -q -m "${message}"`, 'Commit the change');
export const reportCheckpoint = (step: string): Turn =>
  bash(`drover report checkpoint ${step}`, `Report checkpoint ${step}`);
export const reportDone = (): Turn => bash('drover report done', 'Report done');

/** Edit a file, commit, report the step and done (the happy path). */
export function fixAndFinish(worktree: string, step = 'fix'): Turn[] {
  return [
    ...write(`${worktree}/a.txt`, 'fixed\n'),
    commitAll('Fix a.txt'),
    reportCheckpoint(step),
    say(`Fixed and committed.\nCHECKPOINT:${step}\nORCHESTRATOR:DONE`),
  ];
}
