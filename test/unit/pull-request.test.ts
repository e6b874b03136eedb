import { describe, expect, it } from 'vitest';
import { buildPrBrief, buildSummaryComment, summaryMarker } from '../../src/domain/pr-brief.js';
import { prTaskId, prTaskInput } from '../../src/domain/pr-task.js';
import { parsePrRef, type PrFacts } from '../../src/domain/pull-request.js';
import { TaskInputSchema } from '../../src/domain/task.js';

describe('parsePrRef', () => {
  it('reads OWNER/REPO#N and the web URL', () => {
    expect(parsePrRef('acme/widgets#12')).toEqual({ ok: true, value: { owner: 'acme', repo: 'widgets', number: 12 } });
    expect(parsePrRef('https://github.com/acme/wid.gets/pull/3/files')).toEqual({
      ok: true,
      value: { owner: 'acme', repo: 'wid.gets', number: 3 },
    });
  });
  it.each([
    'acme/widgets',
    'acme#1',
    'acme/widgets#0',
    'acme/widgets#x',
    'https://github.com/acme/widgets/issues/3',
    '-x/y#1',
    '',
  ])('refuses %j with the expected form', (text) => {
    const got = parsePrRef(text);
    expect(got.ok).toBe(false);
    expect(!got.ok && got.error).toMatch(/OWNER\/REPO#N|owner|number|positive|Too small|expected/i);
  });
});

describe('PR task input', () => {
  it('dedupes by workflow id and validates', () => {
    const { workflowId, input } = prTaskInput({ owner: 'acme', repo: 'widgets', number: 7 });
    expect(workflowId).toBe('pr/acme/widgets/7');
    expect(input.taskId).toBe('pr-acme-widgets-7');
    expect(TaskInputSchema.parse(input).steps).toEqual(['pr-address', 'pr-test']);
    expect(prTaskId({ owner: 'a', repo: 'x..y.lock', number: 1 })).toBe('pr-a-x.y.lock-1');
  });
});

describe('PR brief and summary', () => {
  const facts: PrFacts = {
    pr: { owner: 'acme', repo: 'widgets', number: 7 },
    title: 'Add sum',
    url: 'u',
    state: 'OPEN',
    headRefName: 'feature',
    headSha: 'f'.repeat(40),
    baseRefName: 'main',
    mergeable: 'CONFLICTING',
    headCommittedAt: null,
    checks: [
      {
        name: 'unit',
        headSha: 'f'.repeat(40),
        status: 'completed',
        conclusion: 'failure',
        summary: 'sum is wrong',
        text: 'line1\nexpected 3 got 4',
        url: null,
      },
    ],
    olderGreenSha: null,
    threads: [
      {
        id: 'PRRT_9',
        isResolved: false,
        isOutdated: false,
        path: 'sum.js',
        line: 2,
        first: { author: 'rev', body: 'use const', createdAt: 'x' },
        last: null,
        commentCount: 1,
      },
      {
        id: 'PRRT_3',
        isResolved: true,
        isOutdated: false,
        path: 'x',
        line: 1,
        first: null,
        last: null,
        commentCount: 1,
      },
    ],
    reviews: [],
  };
  it('names failing checks with the log, open threads with ids, and conflicts', () => {
    const brief = buildPrBrief({
      facts,
      taskId: 'pr-acme-widgets-7',
      worktree: '/w',
      steps: ['pr-address', 'pr-test'],
    });
    expect(brief).toContain('unit: failure — sum is wrong');
    expect(brief).toContain('expected 3 got 4');
    expect(brief).toContain('thread PRRT_9 on sum.js:2 by rev: use const');
    expect(brief).not.toContain('PRRT_3');
    expect(brief).toContain('conflicts with main');
    expect(brief).toContain('drover report thread <thread-id>');
    expect(brief).not.toMatch(/^ORCHESTRATOR:DONE$/m);
  });
  it('the summary carries its marker and the commit', () => {
    const body = buildSummaryComment({
      taskId: 't',
      revision: 2,
      sha: 'abc123',
      verdict: 'fail',
      reasons: ['x\ny'],
      addressedThreads: ['PRRT_9'],
    });
    expect(body.startsWith(summaryMarker('t', 2))).toBe(true);
    expect(body).toContain('revision 2 of task `t` at commit abc123');
    expect(body).toContain('- x y');
    expect(body).toContain('PRRT_9');
  });
});
