/**
 * PR fixing end to end: the real claude CLI (scripted model) fixes pull requests on the GitHub
 * emulator, which serves them from bare repositories Drover really pushes to; Octokit talks to
 * it over HTTP. Must-shows 1 (fix with a thread on page 2), 2 (gate negatives) and 5 (fault storm).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { monitorScheduleId, upsertMonitorSchedule } from '../../src/cli/monitor-command.js';
import { taskWorkflowId } from '../../src/domain/identifiers.js';
import { prTaskInput } from '../../src/domain/pr-task.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { projectRoot } from '../../src/config/config.js';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';
import { stateQuery } from '../../src/workflows/task-messages.js';
import { resultWithin, rigEnv, startRig, type Rig } from '../support/harness.js';
import { decodedText, findSecret, historyText, scanNamespaceForSecret } from '../support/history-scan.js';
import { git, makeRepo, waitFor } from '../support/repo.js';
import { bash, commitAll, reportCheckpoint, reportDone, say, write } from '../support/scenarios.js';

const TOKEN = 'ghp_droverTestToken1234567890abcdefXYZ';
const OWNER = 'acme';
const REPO = 'widgets';
const BROKEN = 'export const sum = (a, b) => a - b;\n';
const FIXED = 'export const sum = (a, b) => a + b;\n';

let rig: Rig;
let emu: GithubEmulator;
let bare: string;
/** PRs whose new heads CI leaves without any check (the "green only on an older SHA" case). */
const ciSilentFor = new Set<number>();

async function branchWith(dir: string, branch: string, file: string, content: string): Promise<string> {
  await git(dir, ['checkout', '--quiet', '-b', branch, 'main']);
  await execa('sh', ['-c', `printf '%s' "$1" > "$2"`, 'sh', content, file], { cwd: dir });
  await git(dir, [
    '-c',
    'user.email=dev@example.com',
    '-c',
    'user.name=Dev',
    'commit',
    '--quiet',
    '-am',
    `work on ${branch}`,
  ]);
  const sha = await git(dir, ['rev-parse', 'HEAD']);
  await git(dir, ['checkout', '--quiet', 'main']);
  return sha;
}

beforeAll(async () => {
  rig = await startRig('prfix');
  emu = await startGithubEmulator({ token: TOKEN, root: path.join(rig.tmp, 'github') });
  const src = await makeRepo(path.join(rig.tmp, 'widgets'), {
    'sum.js': BROKEN,
    'sum.test.js':
      "import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { sum } from './sum.js';\ntest('sum', () => assert.strictEqual(sum(2, 3), 5));\n",
    'package.json': '{ "type": "module" }\n',
    'notes.txt': 'notes\n',
  });
  for (const b of ['feature-1', 'feature-2', 'feature-3']) await branchWith(src, b, 'notes.txt', `notes for ${b}\n`);
  ({ bareRepoPath: bare } = await emu.addRepo(OWNER, REPO, { from: src }));
  emu.setCi(({ number, readFile }) => {
    if (ciSilentFor.has(number)) return [];
    const ok = (readFile('sum.js') ?? '').includes('a + b');
    return [
      {
        name: 'unit',
        status: 'completed',
        conclusion: ok ? 'success' : 'failure',
        summary: ok ? 'all tests pass' : '1 test failed',
        text: ok ? null : 'sum(2, 3): expected 5, got -1',
      },
    ];
  });
  await rig.startWorkers({ github: { apiUrl: emu.url, token: TOKEN, threadPageSize: 2 } });
}, 120_000);

afterAll(async () => {
  await rig?.close();
  await emu?.close();
});

const worktreeOf = (taskId: string): string =>
  path.join(rig.config.workspace, 'repos', repoKey(bare), 'worktrees', taskId);
const summaries = (n: number) => emu.comments(OWNER, REPO, n).filter((c) => c.body.includes('<!-- drover:summary'));

async function startFix(number: number, turns: unknown[], ciWaitSeconds = 30) {
  const { workflowId, input } = prTaskInput(
    { owner: OWNER, repo: REPO, number },
    { scenario: { turns }, policy: { idleSeconds: 3, nudgeCooldownSeconds: 2, ciWaitSeconds, ciPollSeconds: 1 } },
  );
  const handle = await rig.client.workflow.start('agentTaskWorkflow', {
    taskQueue: rig.config.taskQueue,
    workflowId,
    args: [input],
  });
  return { handle, taskId: input.taskId };
}

/** The agent's side of a plain fix: correct sum.js, commit, answer the threads, report the steps and done. */
function fixTurns(taskId: string, threadIds: string[]): unknown[] {
  const wt = worktreeOf(taskId);
  return [
    ...write(`${wt}/sum.js`, FIXED),
    commitAll('Fix sum: add instead of subtract'),
    ...threadIds.map((id) =>
      bash(`drover report thread ${id} "sum now adds its operands"`, 'Report the thread addressed'),
    ),
    reportCheckpoint('pr-address'),
    bash('node --test', 'Run the tests'),
    reportCheckpoint('pr-test'),
    reportDone(),
    say('Fixed the pull request.'),
  ];
}

describe('fix-pr on the GitHub emulator with the real claude CLI', () => {
  it('fixes a failing check and threads (one only on the second page), pushes, CI goes green, threads resolved with the commit, one summary', async () => {
    const n = await emu.createPullRequest(OWNER, REPO, { head: 'feature-1', base: 'main', title: 'Add notes' });
    const firstHead = (await emu.pull(OWNER, REPO, n)).headSha!;
    emu.postCheckRun(OWNER, REPO, {
      headSha: firstHead,
      name: 'unit',
      status: 'completed',
      conclusion: 'failure',
      summary: '1 test failed',
      text: 'sum(2, 3): expected 5, got -1',
    });
    const done = await emu.addReviewThread(OWNER, REPO, n, {
      path: 'notes.txt',
      line: 1,
      body: 'typo here',
      author: 'lead',
    });
    await emu.addThreadComment(done.threadId, { body: `Fixed in ${firstHead.slice(0, 10)}`, author: 'dev' });
    emu.resolveThread(done.threadId);
    const pageOne = await emu.addReviewThread(OWNER, REPO, n, {
      path: 'sum.js',
      line: 1,
      body: 'sum subtracts; it must add',
      author: 'lead',
    });
    const pageTwo = await emu.addReviewThread(OWNER, REPO, n, {
      path: 'sum.js',
      line: 1,
      body: 'please cover sum(2, 3)',
      author: 'qa',
    });

    emu.resetLog();
    const { handle, taskId } = await startFix(
      n,
      fixTurns(`pr-${OWNER}-${REPO}-${n}`, [pageOne.threadId, pageTwo.threadId]),
    );
    const result = await resultWithin<TaskResult>(handle, 200_000);
    expect(result.state).toBe('done');
    expect(taskId).toBe(`pr-${OWNER}-${REPO}-${n}`);

    // the brief named the failing check with its log and both open threads, including the page-2 one
    const sent = JSON.stringify(rig.model.requests(taskId).map((r) => r.body));
    expect(sent).toContain('sum(2, 3): expected 5, got -1');
    expect(sent).toContain(pageOne.threadId);
    expect(sent).toContain(pageTwo.threadId);
    expect(sent).not.toContain(`thread ${done.threadId} on`);

    // pushed: the PR head in the bare repository is the verified commit, and CI is green on it
    const head = await git(bare, ['rev-parse', 'refs/heads/feature-1']);
    expect(result.commit).toBe(head);
    expect(await git(bare, ['show', `${head}:sum.js`])).toBe(FIXED.trim());
    const pull = await emu.pull(OWNER, REPO, n);
    expect(pull.headSha).toBe(head);

    // threads: every one resolved; the two answered name the pushed commit
    const threads = emu.threads(OWNER, REPO, n);
    expect(threads.map((t) => t.resolvedBy !== null)).toEqual([true, true, true]);
    for (const id of [pageOne.threadId, pageTwo.threadId]) {
      const t = threads.find((x) => x.id === id)!;
      expect(t.comments.at(-1)!.body).toContain(`Addressed in ${head.slice(0, 12)}`);
      expect(t.comments.filter((c) => c.body.includes('drover:reply'))).toHaveLength(1);
    }

    // exactly one summary comment for the one revision, naming the commit
    const posted = summaries(n);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.body).toContain('revision=1');
    expect(posted[0]!.body).toContain(head);

    const state = (await handle.query(stateQuery)) as TaskState;
    expect(state.summaries).toEqual([{ revision: 1, sha: head, verdict: 'pass', posted: true }]);
    // the token was only in the worker's environment, never in the workflow's history (every workflow of the namespace is scanned by the last test)
    expect(await findSecret(await handle.fetchHistory(), TOKEN)).toEqual([]);
    const c = emu.counts();
    expect(c.byRoute['graphql DroverReviewThreads']).toBeGreaterThanOrEqual(2); // page 1 and page 2, at least once
    console.log(
      `fix-pr: ${c.total} GitHub requests for the whole fix (${c.rest} REST, ${c.graphql} GraphQL, ${c.notModified} answered 304): ${JSON.stringify(c.byRoute)}`,
    );
  }, 240_000);

  it('gate negatives re-brief with every reason visible in drover status, then pass', async () => {
    const n = await emu.createPullRequest(OWNER, REPO, { head: 'feature-2', base: 'main', title: 'More notes' });
    const firstHead = (await emu.pull(OWNER, REPO, n)).headSha!;
    ciSilentFor.add(n);
    emu.postCheckRun(OWNER, REPO, {
      headSha: firstHead,
      name: 'unit',
      status: 'completed',
      conclusion: 'success',
      summary: 'green on the old head',
    });
    const fake = await emu.addReviewThread(OWNER, REPO, n, {
      path: 'notes.txt',
      line: 1,
      body: 'rename the heading',
      author: 'lead',
    });
    await emu.addThreadComment(fake.threadId, { body: 'Acknowledged', author: 'dev' });
    emu.resolveThread(fake.threadId, 'dev');
    const later = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
    await emu.submitReview(OWNER, REPO, n, {
      state: 'CHANGES_REQUESTED',
      body: 'not like this',
      author: 'lead',
      submittedAt: later(10),
    });

    const taskId = `pr-${OWNER}-${REPO}-${n}`;
    const wt = worktreeOf(taskId);
    const turns = [
      // revision 1: a fix, but no pr-test checkpoint and the fake-resolved thread left alone
      ...write(`${wt}/sum.js`, FIXED),
      commitAll('Fix sum'),
      reportCheckpoint('pr-address'),
      reportDone(),
      say('Done.'),
      // revision 2, after the re-brief: the missing step, the thread, a new commit
      reportCheckpoint('pr-test'),
      bash(`drover report thread ${fake.threadId} "renamed the heading"`, 'Report the thread addressed'),
      ...write(`${wt}/notes.txt`, 'Notes\n'),
      commitAll('Rename the heading'),
      reportDone(),
      say('Done again.'),
    ];
    const { handle } = await startFix(n, turns, 20);

    const first = await waitFor(
      'revision 1 to fail',
      async () => {
        const s = (await handle.query(stateQuery)) as TaskState;
        return s.revisions >= 1 ? s : undefined;
      },
      120_000,
      200,
    );
    // the world moves on: CI runs on new heads again, and the reviewer approves after the fix
    ciSilentFor.delete(n);
    await emu.submitReview(OWNER, REPO, n, {
      state: 'APPROVED',
      body: 'better',
      author: 'lead',
      submittedAt: later(11),
    });

    const reasons = first.lastVerification.join('\n');
    expect(reasons).toMatch(/missing checkpoint: pr-test/);
    expect(reasons).toMatch(/lead requested changes at .*after the last commit/);
    expect(reasons).toMatch(
      new RegExp(
        `review thread ${fake.threadId} on notes\\.txt:1 was resolved without a commit reference \\(last comment "Acknowledged"\\)`,
      ),
    );
    expect(reasons).toMatch(
      new RegExp(`no check has reported on the pushed head [0-9a-f]{10}.*older commit ${firstHead.slice(0, 10)}`),
    );

    const status = await execa(
      'node',
      [path.join(projectRoot(), 'bin', 'drover.mjs'), 'status', `${OWNER}/${REPO}#${n}`],
      { env: rigEnv(rig), reject: false },
    );
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain('missing checkpoint: pr-test');
    expect(status.stdout).toContain('was resolved without a commit reference');
    expect(status.stdout).toContain('requested changes');
    expect(status.stdout).toContain('no check has reported on the pushed head');

    const result = await resultWithin<TaskResult>(handle, 200_000);
    expect(result.state).toBe('done');
    expect(result.revisions).toBe(1);
    const posted = summaries(n);
    expect(posted.map((c) => /revision=(\d+)/.exec(c.body)?.[1])).toEqual(['1', '2']);
    expect(posted[0]!.body).toContain('Not verified yet');
    expect(posted[1]!.body).toContain(result.commit!);
    const thread = emu.threads(OWNER, REPO, n).find((t) => t.id === fake.threadId)!;
    expect(thread.comments.at(-1)!.body).toContain(`Addressed in ${result.commit!.slice(0, 12)}`);
  }, 240_000);

  it('a fault storm (5xx bursts, secondary limit with retry-after, 429, a comment applied then failed) still completes with no duplicate', async () => {
    const n = await emu.createPullRequest(OWNER, REPO, { head: 'feature-3', base: 'main', title: 'Even more notes' });
    const firstHead = (await emu.pull(OWNER, REPO, n)).headSha!;
    emu.postCheckRun(OWNER, REPO, {
      headSha: firstHead,
      name: 'unit',
      status: 'completed',
      conclusion: 'failure',
      summary: '1 test failed',
    });
    const t = await emu.addReviewThread(OWNER, REPO, n, {
      path: 'sum.js',
      line: 1,
      body: 'sum must add',
      author: 'lead',
    });
    const pullsBefore = emu.requests().filter((r) => r.method === 'POST' && /\/pulls$/.test(r.path)).length;
    emu.resetLog();

    emu.storm('5xx', 4);
    emu.storm('secondary', 2);
    emu.storm('429', 2);
    emu.failNext(502, {
      afterApply: true,
      match: { method: 'POST', path: `/repos/${OWNER}/${REPO}/issues/${n}/comments` },
    });
    emu.failNext(502, { afterApply: true, times: 2, match: { method: 'POST', path: '/graphql' } });

    const taskId = `pr-${OWNER}-${REPO}-${n}`;
    const { handle } = await startFix(n, fixTurns(taskId, [t.threadId]));
    const result = await resultWithin<TaskResult>(handle, 200_000);
    expect(result.state).toBe('done');

    const log = emu.requests();
    const statuses = log.map((r) => r.status);
    console.log(
      `fault storm: ${log.length} requests, ${statuses.filter((x) => x >= 500).length} answered 5xx, ${statuses.filter((x) => x === 403).length} 403 secondary limit, ${statuses.filter((x) => x === 429).length} 429; summaries ${summaries(n).length}`,
    );
    expect(statuses.filter((s) => s >= 500).length).toBeGreaterThanOrEqual(4);
    expect(statuses.filter((s) => s === 403).length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    // no duplicate comment, reply, PR or push
    expect(summaries(n)).toHaveLength(1);
    const thread = emu.threads(OWNER, REPO, n).find((x) => x.id === t.threadId)!;
    expect(thread.comments.filter((c) => c.body.includes('drover:reply'))).toHaveLength(1);
    expect(thread.resolvedBy).not.toBeNull();
    expect(log.filter((r) => r.method === 'POST' && /\/pulls$/.test(r.path)).length + pullsBefore).toBe(0);
    const commits = await git(bare, ['rev-list', '--count', `refs/heads/main..refs/heads/feature-3`]);
    expect(Number(commits)).toBe(2);
    expect(await git(bare, ['rev-parse', 'refs/heads/feature-3'])).toBe(result.commit);
  }, 240_000);

  it('no history in the namespace holds the token: PR fixes, a plain task with its test slot, the monitor schedule and its run; a token the agent prints is masked', async () => {
    // a plain task whose repository has the token committed in a file: the agent prints it on its screen and the validation prints it too
    const repo = await makeRepo(path.join(rig.tmp, 'leaky'), {
      'a.txt': 'broken\n',
      'deploy-notes.txt': `deploy with ${TOKEN}\n`,
    });
    const input: TaskInput = {
      taskId: 'leaky',
      repo,
      branch: 'drover/leaky',
      objective: 'Fix a.txt so it says fixed, then commit.',
      scenario: {
        turns: [
          bash('echo fixed > a.txt', 'Fix a.txt'),
          commitAll('Fix a.txt'),
          bash('cat deploy-notes.txt', 'Read the notes'),
          reportDone(),
          say('Done.'),
        ],
      },
      policy: { idleSeconds: 3, nudgeCooldownSeconds: 2 },
      validate: { argv: ['cat', 'deploy-notes.txt'], timeoutSeconds: 60 },
    };
    const task = await rig.client.workflow.start('agentTaskWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: taskWorkflowId('leaky'),
      args: [input],
    });
    expect((await resultWithin<TaskResult>(task, 200_000)).state).toBe('done');
    const state = (await task.query(stateQuery)) as TaskState;
    expect((state.validations ?? []).map((v) => v.outcome)).toEqual(['passed']);
    expect(state.validations![0]!.outputTail!.join('\n')).toContain('deploy with [REDACTED]');
    const recorded = historyText(await task.fetchHistory());
    expect(await decodedText(await task.fetchHistory())).toContain('deploy with [REDACTED]'); // the validation output tail, masked, is in history

    // the monitor on a Schedule, one run fired (the fixes it would start go to a queue nobody polls)
    await upsertMonitorSchedule(
      rig.client,
      rig.config.taskQueue,
      'secrets',
      { repos: [`${OWNER}/${REPO}`], max: 5, fixTaskQueue: 'drover-test-nobody-polls' },
      3600,
    );
    const schedule = rig.client.schedule.getHandle(monitorScheduleId('secrets'));
    await schedule.trigger();
    const fired = await waitFor(
      'the scheduled cycle',
      async () => (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId,
      30_000,
    );
    await rig.client.workflow.getHandle(fired).result();

    // negative control: a workflow of an unregistered type with the token in its input and memo; the scanner must find it
    const probeId = 'leak-probe';
    const probe = await rig.client.workflow.start('droverLeakProbe', {
      taskQueue: 'drover-test-nobody-polls',
      workflowId: probeId,
      args: [{ note: `token ${TOKEN}` }],
      memo: { note: TOKEN },
    });
    const caught = await findSecret(await probe.fetchHistory(), TOKEN);
    expect(caught.map((h) => h.form)).toEqual(['base64', 'payload']);
    expect(historyText(await probe.fetchHistory())).not.toContain(TOKEN); // only the decoding finds it: a plain string search of the history would not
    await probe.terminate('leak probe checked');

    const report = await scanNamespaceForSecret(rig.client, TOKEN, { exclude: [probeId] });
    const ids = report.executions.map((e) => e.workflowId);
    console.log(
      `secret scan: ${report.executions.length} executions (${report.executions.reduce((n, e) => n + e.events, 0)} events), schedules ${report.schedules.join(', ')}; ${report.hits.length} hits`,
    );
    expect(ids.filter((id) => id.startsWith(`pr/${OWNER}/${REPO}/`)).length).toBeGreaterThanOrEqual(1);
    expect(ids).toContain(taskWorkflowId('leaky'));
    expect(ids).toContain('test-slot/default');
    expect(ids).toContain(fired);
    expect(report.schedules).toContain(monitorScheduleId('secrets'));
    expect(report.hits).toEqual([]);
    expect(recorded).not.toContain(TOKEN);
    // the worker's notification lines (task done, …) hold none either
    const notifications = await readFile(path.join(rig.config.droverHome, 'notifications.log'), 'utf8');
    expect(notifications).toContain('leaky');
    expect(notifications).not.toContain(TOKEN);
    await schedule.delete();
  }, 300_000);
});
