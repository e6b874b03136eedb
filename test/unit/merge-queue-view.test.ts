import { describe, expect, it } from 'vitest';
import { emptyQueue, enqueue, refuse, startNext, type MergeQueueState } from '../../src/domain/merge-queue.js';
import { lastOutcomeAt, mergeWait, SETTLE_POLLS } from '../../src/domain/merge-wait.js';
import { parseQueueFilter, renderMergeQueue } from '../../src/cli/merge-queue-view.js';
import { prCell, describeTask } from '../../src/cli/status-view.js';

const T0 = new Date('2026-03-01T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const SHA = (c: string) => c.repeat(40);

function queue(): MergeQueueState {
  const s = emptyQueue('acme', 'widgets', 'main');
  enqueue(s, { number: 10, headSha: SHA('a'), taskId: 'run-a' }, at(0));
  enqueue(s, { number: 11, headSha: SHA('b'), dependsOn: [10] }, at(1));
  enqueue(s, { number: 12, headSha: SHA('c') }, at(2));
  startNext(s, at(3));
  refuse(s, 10, ['CI failed: unit (failure) on aaaaaaa', 'a reviewer requests changes: bob'], at(4));
  startNext(s, at(5)); // #11 waits for the refused #10; #12 starts
  return s;
}

describe('renderMergeQueue', () => {
  it('shows the PR in progress, what each waiting PR waits for, and a refusal with every reason', () => {
    const text = renderMergeQueue(queue(), { now: at(65).getTime() });
    expect(text).toBe(
      [
        'merge queue acme/widgets → main · 0 merged',
        '  now      #12 updating-branch (head cccccccccc, started 1m ago)',
        '  waiting  #11 at bbbbbbbbbb · waits for #10 (refused) · 1m ago',
        '  recent   #10 refused at aaaaaaaaaa (task run-a) 1m ago',
        '             - CI failed: unit (failure) on aaaaaaa',
        '             - a reviewer requests changes: bob',
      ].join('\n'),
    );
  });

  it('an empty queue says so; refusalsOnly leaves merges out', () => {
    expect(renderMergeQueue(emptyQueue('o', 'r', 'dev'), { now: T0.getTime() })).toBe(
      ['merge queue o/r → dev · 0 merged', '  now      —', '  waiting  —', '  recent   —'].join('\n'),
    );
    expect(renderMergeQueue(queue(), { refusalsOnly: true, now: at(65).getTime() })).toContain(
      '  refused  #10 refused',
    );
  });

  it('parses OWNER/REPO[/BASE] (a base may hold slashes)', () => {
    expect(parseQueueFilter('acme/widgets')).toEqual({ ok: true, owner: 'acme', repo: 'widgets' });
    expect(parseQueueFilter('acme/widgets/release/1.0')).toEqual({
      ok: true,
      owner: 'acme',
      repo: 'widgets',
      base: 'release/1.0',
    });
    expect(parseQueueFilter('acme')).toMatchObject({ ok: false });
  });
});

describe('drover merge --wait', () => {
  it('waits while the PR is queued or in progress, and ends on its new outcome', () => {
    const s = queue();
    expect(mergeWait(s, { number: 12, headSha: SHA('c'), polls: 1 })).toEqual({
      done: false,
      where: 'in progress: updating-branch',
    });
    expect(mergeWait(s, { number: 11, headSha: SHA('b'), polls: 9 })).toEqual({
      done: false,
      where: 'waiting, 1 of 1',
    });
    refuse(s, 12, ['the PR has a conflict with main'], at(9));
    expect(mergeWait(s, { number: 12, headSha: SHA('c'), polls: 2 })).toMatchObject({
      done: true,
      outcome: 'refused',
      reasons: ['the PR has a conflict with main'],
    });
  });

  it('an older outcome does not count; a head refused before is reported only once the request had time to land', () => {
    const s = queue();
    const before = lastOutcomeAt(s, 10);
    expect(before).toBe(at(4).toISOString());
    expect(mergeWait(s, { number: 10, headSha: SHA('a'), before, polls: 1 })).toEqual({
      done: false,
      where: 'sent, not in the queue yet',
    });
    expect(mergeWait(s, { number: 10, headSha: SHA('a'), before, polls: SETTLE_POLLS })).toMatchObject({
      done: true,
      outcome: 'refused',
      reasons: ['CI failed: unit (failure) on aaaaaaa', 'a reviewer requests changes: bob'],
      note: expect.stringMatching(/--retry/),
    });
  });
});

describe('drover status shows the task PR', () => {
  it('a PR cell per row and the refusal reasons in the detail', () => {
    const pullRequest = {
      owner: 'acme',
      repo: 'widgets',
      number: 7,
      url: 'https://github.com/acme/widgets/pull/7',
      base: 'main',
      baseAtOpen: 'main',
      head: SHA('d'),
      openedAt: T0.toISOString(),
      state: 'open' as const,
      refused: ['CI is still running on ddddddd', 'behind main'],
    };
    expect(prCell({ pullRequest })).toBe('#7 refused');
    expect(prCell({ pullRequest: { ...pullRequest, refused: undefined, state: 'merged' } })).toBe('#7 merged');
    expect(prCell({})).toBe('');
    const state = {
      taskId: 't',
      phase: 'done',
      paused: false,
      agent: 'claude',
      agentState: 'idle',
      branch: 'drover/t',
      checkpoints: [],
      steps: [],
      revisions: 0,
      nudges: 0,
      crashes: 0,
      startedAt: T0.toISOString(),
      lastDecision: 'x',
      lastVerification: [],
      dialogs: [],
      screenTail: [],
      summaries: [],
      answeredThreads: [],
      threadReports: [],
      events: [],
      pullRequest,
    };
    const text = describeTask('task/adhoc/t', state as never, 'http://ui');
    expect(text).toContain('pull req.   acme/widgets#7 https://github.com/acme/widgets/pull/7 · open · base main');
    expect(text).toContain(
      'merge       refused by the merge queue:\n              - CI is still running on ddddddd\n              - behind main',
    );
  });
});
