/**
 * The short chaos run for CI (the full one is `npm run chaos`): three tasks and an agent that
 * crashes on every start, while the worker is SIGKILLed, the tmux server is killed and a running
 * task's worktree is deleted. All complete, nothing doubled, no commit lost.
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from '../support/chaos/run.js';

describe('chaos (short)', () => {
  it('a worker SIGKILL, the tmux server killed and a worktree deleted: 3/3 complete, 0 duplicates, 0 lost commits; the crashing agent escalates and ends', async () => {
    const report = await runChaos({
      name: 'cshort',
      taskIds: ['t3', 't7', 't10'],
      slots: 3,
      workerKillsAtStarts: [2],
      tmuxKillAtStarts: 3,
      deleteWorktreeOf: 't10',
      crashy: { crashCap: 1, humanWaitSeconds: 5 },
      prStorm: false,
      timeoutMs: 150_000,
      print: (l) => console.log(l),
    });
    console.log(
      JSON.stringify(
        {
          summary: report.summary,
          faults: report.faults,
          tasks: report.tasks.map(({ events: _e, ...t }) => t),
          crashy: report.crashy,
        },
        null,
        2,
      ),
    );
    expect(report.faultsNotFired).toEqual([]);
    // a worker restarted while Temporal is down waits for it (DROVER_CONNECT_WAIT_SECONDS) instead of exiting
    expect(report.workerUnexpectedExits).toBe(0);
    expect(report.summary).toBe('chaos: 3/3 tasks completed, 0 duplicates, 0 lost commits');
    for (const t of report.tasks) {
      expect(t.starts, `${t.id} starts`).toBe(1);
      expect(t.maxWindows, `${t.id} windows`).toBe(1);
      expect(t.extraLaunches, `${t.id} launches beyond relaunches`).toBe(0);
      expect(t.lostCommits, `${t.id} lost commits`).toEqual([]);
    }
    expect(report.tasks.find((t) => t.id === 't10')!.worktreeRestored).toBe(true);
    expect(report.crashy).toMatchObject({ escalated: true, state: 'aborted', bounded: true });
  }, 240_000);
});
