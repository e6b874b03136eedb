/**
 * The PR part of the chaos run: a small pull request (a failing check, one review thread) on the
 * GitHub emulator, fixed by a scripted claude while fault storms (5xx bursts, 403 secondary limit,
 * 429, a comment and a GraphQL mutation applied then failed) hit every GitHub call Drover makes.
 */
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { prTaskInput } from '../../../src/domain/pr-task.js';
import { startGithubEmulator, type GithubEmulator } from '../../../src/rehearsal/github-emulator/server.js';
import { commitAll, writeFiles } from '../github-emulator.js';
import { git, makeRepo } from '../repo.js';

const TOKEN = 'ghp_droverChaosToken1234567890abcdefXYZ';
const OWNER = 'acme';
const REPO = 'widgets';
const FIXED = 'export const sum = (a, b) => a + b;';

export interface PrStorm {
  emu: GithubEmulator;
  bare: string;
  number: number;
  threadId: string;
  branch: string;
  /** The environment a worker needs to reach the emulator. */
  workerEnv: Record<string, string>;
  close(): Promise<void>;
}

export async function setUpPrStorm(tmp: string): Promise<PrStorm> {
  const emu = await startGithubEmulator({ token: TOKEN, root: path.join(tmp, 'github') });
  const src = await makeRepo(path.join(tmp, 'widgets'), {
    'sum.js': 'export const sum = (a, b) => a - b;\n',
    'sum.test.js':
      "import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { sum } from './sum.js';\ntest('sum', () => assert.strictEqual(sum(2, 3), 5));\n",
    'package.json': '{ "type": "module" }\n',
    'notes.txt': 'notes\n',
  });
  const branch = 'feature-chaos';
  await git(src, ['checkout', '--quiet', '-b', branch, 'main']);
  await writeFiles(src, { 'notes.txt': 'notes for the chaos PR\n' });
  await commitAll(src, 'More notes');
  await git(src, ['checkout', '--quiet', 'main']);
  const { bareRepoPath: bare } = await emu.addRepo(OWNER, REPO, { from: src });
  emu.setCi(({ readFile }) => {
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
  const number = await emu.createPullRequest(OWNER, REPO, { head: branch, base: 'main', title: 'Notes (chaos)' });
  const head = (await emu.pull(OWNER, REPO, number)).headSha!;
  emu.postCheckRun(OWNER, REPO, {
    headSha: head,
    name: 'unit',
    status: 'completed',
    conclusion: 'failure',
    summary: '1 test failed',
  });
  const { threadId } = await emu.addReviewThread(OWNER, REPO, number, {
    path: 'sum.js',
    line: 1,
    body: 'sum must add',
    author: 'lead',
  });
  emu.resetLog();
  return {
    emu,
    bare,
    number,
    threadId,
    branch,
    workerEnv: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: emu.url, DROVER_GITHUB_THREAD_PAGE_SIZE: '2' },
    close: () => emu.close(),
  };
}

const bash = (command: string, description: string) => ({ tool: 'Bash', input: { command, description } });

/** The agent's fix; like the manifest agents, every step survives a kill (repeated idempotently, markers at the end). */
function prTurns(threadId: string) {
  const fix = `echo '${FIXED}' > sum.js && git add -A && git commit -q -m "Fix sum: add instead of subtract"`;
  const thread = bash(`drover report thread ${threadId} "sum now adds its operands"`, 'Report the thread addressed');
  return [
    bash(fix, 'Fix and commit'),
    bash(`${fix} || true`, 'Make sure the fix is committed'),
    thread,
    thread,
    bash('drover report checkpoint pr-address', 'Report checkpoint pr-address'),
    bash('node --test', 'Run the tests'),
    bash('drover report checkpoint pr-test', 'Report checkpoint pr-test'),
    bash('drover report done', 'Report done'),
    { text: 'Fixed the pull request.\nCHECKPOINT:pr-address\nCHECKPOINT:pr-test\nORCHESTRATOR:DONE' },
  ];
}

/** Arms the storms and starts the fix workflow. */
export async function startPrFix(
  client: Client,
  taskQueue: string,
  pr: PrStorm,
): Promise<{ handle: WorkflowHandle; taskId: string }> {
  const { emu, number } = pr;
  emu.storm('5xx', 4);
  emu.storm('secondary', 2);
  emu.storm('429', 2);
  emu.failNext(502, {
    afterApply: true,
    match: { method: 'POST', path: `/repos/${OWNER}/${REPO}/issues/${number}/comments` },
  });
  emu.failNext(502, { afterApply: true, times: 2, match: { method: 'POST', path: '/graphql' } });
  const { workflowId, input } = prTaskInput(
    { owner: OWNER, repo: REPO, number },
    {
      scenario: { turns: prTurns(pr.threadId) },
      policy: { idleSeconds: 3, nudgeCooldownSeconds: 2, ciWaitSeconds: 60, ciPollSeconds: 1, humanWaitSeconds: 30 },
    },
  );
  const handle = await client.workflow.start('agentTaskWorkflow', { taskQueue, workflowId, args: [input] });
  return { handle, taskId: input.taskId };
}

export interface PrVerdict {
  requests: number;
  faults: { status5xx: number; secondary403: number; status429: number };
  summaries: number;
  replies: number;
  threadResolved: boolean;
  pullsCreated: number;
  commitsOnBranch: number;
  headIsResult: boolean;
  duplicates: number;
}

/** Counts what GitHub ended up with: one summary, one reply, no PR created, the fix pushed once. */
export async function prVerdict(pr: PrStorm, resultCommit: string | undefined): Promise<PrVerdict> {
  const { emu, number } = pr;
  const log = emu.requests();
  const summaries = emu.comments(OWNER, REPO, number).filter((c) => c.body.includes('<!-- drover:summary')).length;
  const thread = emu.threads(OWNER, REPO, number).find((t) => t.id === pr.threadId);
  const replies = thread?.comments.filter((c) => c.body.includes('drover:reply')).length ?? 0;
  const pullsCreated = log.filter((r) => r.method === 'POST' && /\/pulls$/.test(r.path)).length;
  const commitsOnBranch = Number(
    await git(pr.bare, ['rev-list', '--count', `refs/heads/main..refs/heads/${pr.branch}`]),
  );
  const head = await git(pr.bare, ['rev-parse', `refs/heads/${pr.branch}`]);
  return {
    requests: log.length,
    faults: {
      status5xx: log.filter((r) => r.status >= 500).length,
      secondary403: log.filter((r) => r.status === 403).length,
      status429: log.filter((r) => r.status === 429).length,
    },
    summaries,
    replies,
    threadResolved: Boolean(thread?.resolvedBy),
    pullsCreated,
    commitsOnBranch,
    headIsResult: head === resultCommit,
    duplicates: Math.max(0, summaries - 1) + Math.max(0, replies - 1) + pullsCreated + Math.max(0, commitsOnBranch - 2),
  };
}
