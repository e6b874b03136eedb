import { describe, expect, it } from 'vitest';
import { shownTask } from '../../src/domain/task-end.js';

const preparing = { phase: 'preparing', agentState: 'none', lastDecision: 'creating the worktree' };

describe('shownTask: how a task ended, from the workflow status first (issue 21 item 3)', () => {
  it('a failed, terminated, timed-out or cancelled workflow shows that end and its reason, not its last phase', () => {
    expect(shownTask('FAILED', preparing, 'Activity task failed: branch main is protected')).toEqual({
      phase: 'failed',
      agent: 'ended',
      decision:
        'workflow failed: Activity task failed: branch main is protected (last: preparing · creating the worktree)',
      ended: true,
    });
    expect(shownTask('TERMINATED', { ...preparing, agentState: 'working' }, 'by ops').phase).toBe('terminated');
    expect(shownTask('TERMINATED', { ...preparing, agentState: 'working' }, 'by ops').agent).toBe('ended');
    expect(shownTask('TIMED_OUT', undefined).decision).toBe('workflow timed-out: no reason recorded');
    expect(shownTask('CANCELLED', undefined, 'x').phase).toBe('cancelled');
  });

  it('a task that finished on its own keeps its phase; its agent is ended; a running one is as it is', () => {
    const aborted = { phase: 'aborted', agentState: 'dialog', lastDecision: 'denied', finishedAt: 'x' };
    expect(shownTask('COMPLETED', aborted)).toEqual({
      phase: 'aborted',
      agent: 'ended',
      decision: 'denied',
      ended: true,
    });
    expect(shownTask('RUNNING', { ...preparing, agentState: 'working' })).toEqual({
      phase: 'preparing',
      agent: 'working',
      decision: 'creating the worktree',
      ended: false,
    });
  });
});
