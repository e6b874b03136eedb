import { describe, expect, it } from 'vitest';
import {
  GITHUB_BODY_LIMIT,
  MAX_BODY,
  MAX_TITLE,
  decidePr,
  findTaskPr,
  parseTaskMarker,
  prBody,
  prTitle,
  taskMarker,
  type PrContentInput,
} from '../../src/domain/pr-content.js';

const HEAD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

const base = (over: Partial<PrContentInput> = {}): PrContentInput => ({
  taskId: 't1',
  title: 'Validate root manager commands',
  objective: 'Validate every command the root manager runs.\nReject anything not on the allowlist.',
  issue: 12,
  steps: ['tests', 'fix'],
  checkpoints: ['tests', 'fix'],
  commits: [
    { sha: 'deadbeefcafe0123456789', subject: 'Validate commands' },
    { sha: 'feedface00112233', subject: 'Tests for the allowlist' },
  ],
  diffStat: ' src/root.js | 12 +++++++-----\n 1 file changed, 7 insertions(+), 5 deletions(-)',
  validations: [
    {
      slot: 'default',
      requestId: 'r1',
      requestedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:01:00Z',
      exitCode: 0,
      outcome: 'passed',
    },
  ],
  pushedHead: HEAD,
  branch: 'drover/t1',
  base: 'main',
  taskUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/task%2Fm%2Ft1',
  ...over,
});

describe('PR title', () => {
  it('is the manifest title, else the first non-empty line of the objective', () => {
    expect(prTitle(base())).toBe('Validate root manager commands');
    expect(prTitle(base({ title: null, objective: '\n  Fix the login   form  \nmore' }))).toBe('Fix the login form');
    expect(prTitle(base({ title: '   ' }))).toBe('Validate every command the root manager runs.');
  });

  it("is cut to GitHub's 256 characters", () => {
    const t = prTitle(base({ title: 'x'.repeat(400) }));
    expect(t).toHaveLength(MAX_TITLE);
    expect(t.endsWith('…')).toBe(true);
  });

  it('masks secrets', () => {
    expect(prTitle({ ...base({ title: 'use token ghp_abcdefghijklmnopqrstuvwxyz0123' }), secrets: [] })).toBe(
      'use token [REDACTED]',
    );
  });
});

describe('PR body', () => {
  it('has what was asked, checkpoints, commits, diff stat, evidence, Closes, the Web UI link and the marker', () => {
    const body = prBody(base());
    expect(body).toContain(
      '## What was asked\n\nValidate every command the root manager runs.\nReject anything not on the allowlist.',
    );
    expect(body).toContain('- [x] checkpoint `tests`');
    expect(body).toContain('- `deadbeefca` Validate commands');
    expect(body).toContain('1 file changed, 7 insertions(+), 5 deletions(-)');
    expect(body).toContain('- validation under test slot `default`: **passed** (exit 0) at 2026-01-01T00:01:00Z');
    expect(body).toContain(`- pushed head: \`${HEAD}\` on \`drover/t1\``);
    expect(body).toContain('Closes #12');
    expect(body).toContain(
      '[the task in the Web UI](http://127.0.0.1:8233/namespaces/default/workflows/task%2Fm%2Ft1)',
    );
    expect(body.trimEnd().endsWith(taskMarker('t1'))).toBe(true);
    expect(parseTaskMarker(body)).toBe('t1');
  });

  it('shows a missing checkpoint unticked, no Closes without an issue, and the stack', () => {
    const body = prBody(
      base({ checkpoints: ['tests'], issue: null, base: 'drover/t0', stackedOn: [{ taskId: 't0', prNumber: 4 }] }),
    );
    expect(body).toContain('- [ ] checkpoint `fix`');
    expect(body).not.toContain('Closes #');
    expect(body).toContain('Stacked on #4 (task `t0`): based on `drover/t0` until it merges.');
  });

  it('masks token shapes and given secret values everywhere', () => {
    const body = prBody(
      base({
        objective: 'call with sk-abcdefghijklmnop0123456789 and hunter2secret',
        commits: [{ sha: 'deadbeefcafe', subject: 'add hunter2secret' }],
        secrets: ['hunter2secret'],
      }),
    );
    expect(body).not.toContain('sk-abcdefghijklmnop0123456789');
    expect(body).not.toContain('hunter2secret');
    expect(body.match(/\[REDACTED\]/g)).toHaveLength(3);
  });

  it('a fence inside the diff stat cannot close the code block', () => {
    const body = prBody(base({ diffStat: 'a ``` b' }));
    expect(body).toContain('a `\u200b`` b');
  });

  it("is capped below GitHub's limit with a note, keeping Closes, the link and the marker", () => {
    const commits = Array.from({ length: 3000 }, (_, i) => ({
      sha: `${i}`.padStart(12, '0'),
      subject: `commit number ${i} with a longish subject line`,
    }));
    const body = prBody(base({ commits, diffStat: 'x | 1 +\n'.repeat(2000) }));
    expect(body.length).toBeLessThanOrEqual(MAX_BODY);
    expect(body.length).toBeLessThan(GITHUB_BODY_LIMIT);
    expect(body).toMatch(/> \*\*Truncated:\*\* \d+ characters of this description were left out/);
    expect(body).toContain('Closes #12');
    expect(parseTaskMarker(body)).toBe('t1');
    expect(body).toContain('- `0000000000` commit number 0 with a longish subject line');
  });

  it('closes a code fence the cut left open', () => {
    const body = prBody(base({ commits: [], diffStat: 'y | 1 +\n'.repeat(9000) }));
    expect(body.length).toBeLessThanOrEqual(MAX_BODY);
    const beforeNote = body.slice(0, body.indexOf('> **Truncated:**'));
    expect((beforeNote.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it('refuses bad input with a clear error', () => {
    expect(() => prBody(base({ pushedHead: 'abc' }))).toThrow(/pushedHead/);
  });
});

describe('the task marker and finding our PR', () => {
  it('parses only a well-formed marker', () => {
    expect(parseTaskMarker('text\n<!-- drover:task=fix-login.2 -->')).toBe('fix-login.2');
    expect(parseTaskMarker('<!--drover:task=a-->')).toBe('a');
    expect(parseTaskMarker('<!-- drover:task=../x -->')).toBeUndefined();
    expect(parseTaskMarker(null)).toBeUndefined();
    expect(parseTaskMarker('drover:task=t1')).toBeUndefined();
  });

  it('finds the open PR on the branch with our marker; others on the branch are foreign', () => {
    const prs = [
      { number: 9, headRefName: 'drover/t1', state: 'OPEN', body: 'mine\n<!-- drover:task=t1 -->' },
      { number: 3, headRefName: 'drover/t1', state: 'CLOSED', body: '<!-- drover:task=t1 -->' },
      { number: 5, headRefName: 'drover/t1', state: 'OPEN', body: 'a human opened this' },
      { number: 6, headRefName: 'drover/t2', state: 'OPEN', body: '<!-- drover:task=t1 -->' },
    ];
    expect(findTaskPr(prs, 'drover/t1', 't1')).toEqual({ found: 9, foreign: [5] });
    expect(findTaskPr(prs, 'drover/t3', 't3')).toEqual({ foreign: [] });
  });
});

describe('should this task open a PR', () => {
  it('manifests open PRs on GitHub by default; prs: false and --no-new-pr turn it off', () => {
    expect(decidePr({ kind: 'manifest', onGitHub: true })).toMatchObject({ open: true });
    expect(decidePr({ kind: 'manifest', onGitHub: true, manifestPrs: false })).toMatchObject({
      open: false,
      why: 'the manifest says prs: false',
    });
    expect(decidePr({ kind: 'manifest', onGitHub: true, noNewPr: true })).toMatchObject({ open: false });
    expect(decidePr({ kind: 'manifest', onGitHub: true, manifestPrs: false, openPr: true })).toMatchObject({
      open: true,
      why: '--open-pr',
    });
  });

  it('ad-hoc tasks open one only when asked or configured', () => {
    expect(decidePr({ kind: 'adhoc', onGitHub: true })).toMatchObject({ open: false });
    expect(decidePr({ kind: 'adhoc', onGitHub: true, openPr: true })).toMatchObject({ open: true });
    expect(decidePr({ kind: 'adhoc', onGitHub: true, configOpenPr: true })).toMatchObject({ open: true });
    expect(decidePr({ kind: 'adhoc', onGitHub: true, configOpenPr: true, noNewPr: true })).toMatchObject({
      open: false,
    });
  });

  it('never on a repository that is not on GitHub; asking for one there is an error', () => {
    expect(decidePr({ kind: 'manifest', onGitHub: false })).toMatchObject({ open: false });
    expect(decidePr({ kind: 'adhoc', onGitHub: false, openPr: true })).toEqual({
      error: expect.stringContaining('--github OWNER/REPO'),
    });
    expect(decidePr({ kind: 'adhoc', onGitHub: true, openPr: true, noNewPr: true })).toEqual({
      error: expect.stringContaining('contradict'),
    });
  });
});
