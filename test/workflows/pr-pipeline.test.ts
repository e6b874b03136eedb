/**
 * The PR pipeline's task side on the GitHub emulator with the real claude CLI (scripted model):
 * a task opens its PR once its own verification passed, a red CI on it re-briefs the same agent
 * and the PR is updated, never duplicated; a manifest stacks a dependent's branch and PR on its
 * dependency's. Octokit talks to the emulator over HTTP; the bare repository is really pushed to.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestRunInput, ManifestRunState } from '../../src/domain/manifest-run.js';
import type { TaskInput, TaskResult } from '../../src/domain/task.js';
import { taskWorkflowId } from '../../src/domain/identifiers.js';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';
import { resultWithin, startRig, type Rig } from '../support/harness.js';
import { git, makeRepo } from '../support/repo.js';
import { commitAll, reportCheckpoint, reportDone, say, write } from '../support/scenarios.js';

const TOKEN = 'ghp_droverPipelineToken1234567890abcdef';
const OWNER = 'acme';
const REPO = 'widgets';
const BROKEN = 'export const sum = (a, b) => a - b;\n';
const WRONG = 'export const sum = (a, b) => a * b;\n';
const FIXED = 'export const sum = (a, b) => a + b;\n';
const POLICY = { idleSeconds: 3, nudgeCooldownSeconds: 2, ciWaitSeconds: 30, ciPollSeconds: 1 };

let rig: Rig;
let emu: GithubEmulator;
let bare: string;

beforeAll(async () => {
  rig = await startRig('prpipe');
  emu = await startGithubEmulator({ token: TOKEN, root: path.join(rig.tmp, 'github') });
  const src = await makeRepo(path.join(rig.tmp, 'widgets'), {
    'sum.js': BROKEN,
    'package.json': '{ "type": "module" }\n',
    'notes.txt': 'notes\n',
  });
  ({ bareRepoPath: bare } = await emu.addRepo(OWNER, REPO, { from: src }));
  // CI: sum.js must add; other files do not matter
  emu.setCi(({ readFile }) => {
    const ok = !(readFile('sum.js') ?? '').includes('a * b');
    return [
      {
        name: 'unit',
        status: 'completed',
        conclusion: ok ? 'success' : 'failure',
        summary: ok ? 'ok' : 'sum(2, 3) is 6',
      },
    ];
  });
  await rig.startWorkers({ github: { apiUrl: emu.url, token: TOKEN, threadPageSize: 50 } });
}, 120_000);

afterAll(async () => {
  await rig?.close();
  await emu?.close();
});

const worktreeOf = (taskId: string): string =>
  path.join(rig.config.workspace, 'repos', repoKey(bare), 'worktrees', taskId);

describe('the task opens its pull request', () => {
  it('opens the PR once verified, re-briefs the same agent on red CI, updates that PR (one PR, one issue link)', async () => {
    const issue = emu.addIssue(OWNER, REPO, { title: 'sum subtracts', body: 'sum(2, 3) should be 5' });
    const taskId = 'open-pr-1';
    const wt = worktreeOf(taskId);
    const input: TaskInput = {
      taskId,
      repo: bare,
      branch: `drover/${taskId}`,
      objective: 'Fix sum in sum.js so that it adds.',
      steps: ['fix'],
      policy: POLICY,
      openPr: { owner: OWNER, repo: REPO, title: 'Fix sum', issue },
      scenario: {
        turns: [
          ...write(`${wt}/sum.js`, WRONG),
          commitAll('Make sum multiply'),
          reportCheckpoint('fix'),
          reportDone(),
          say('Done.'),
          // after the re-brief with the red check
          ...write(`${wt}/sum.js`, FIXED),
          commitAll('Make sum add'),
          reportDone(),
          say('Fixed for real.'),
        ],
      },
    };
    const handle = await rig.client.workflow.start('agentTaskWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: taskWorkflowId(taskId),
      args: [input],
    });
    const result = await resultWithin<TaskResult>(handle, 200_000);
    expect(result.state, result.reason).toBe('done');
    expect(result.revisions).toBe(1);
    const pr = result.pullRequest!;
    expect(pr).toMatchObject({ owner: OWNER, repo: REPO, base: 'main', baseAtOpen: 'main', state: 'open' });
    expect(result.reason).toContain(`${OWNER}/${REPO}#${pr.number}`);
    const onGithub = await emu.pull(OWNER, REPO, pr.number);
    expect(onGithub.headSha).toBe(result.commit);
    expect(onGithub.title).toBe('Fix sum');
    expect(onGithub.draft).toBe(false);
    const counters = emu.counters(OWNER, REPO);
    expect(counters.pullsCreatedByHead[`drover/${taskId}`]).toBe(1);
    const body = (await (
      await fetch(`${emu.url}/repos/${OWNER}/${REPO}/pulls/${pr.number}`, {
        headers: { authorization: `token ${TOKEN}` },
      })
    ).json()) as { body: string };
    expect(body.body).toContain(`Closes #${issue}`);
    expect(body.body).toContain(`<!-- drover:task=${taskId} -->`);
    expect(body.body).toContain('Make sum add');
  }, 240_000);
});

describe('a manifest run stacks dependents', () => {
  it("starts B from A's branch and opens B's PR on it; both rows pr_open with their PRs", async () => {
    const name = 'stack1';
    const wtA = worktreeOf(`${name}-a`);
    const wtB = worktreeOf(`${name}-b`);
    const input: ManifestRunInput = {
      name,
      repo: bare,
      manifest: {
        phases: [
          {
            name: 'one',
            tasks: [
              { id: 'a', title: 'Add notes heading', files: ['notes.txt'], steps: ['fix'] },
              { id: 'b', title: 'Extend the notes', files: ['notes.txt'], dependsOn: ['a'], steps: ['fix'] },
            ],
          },
        ],
      },
      scenarios: {
        a: {
          turns: [
            ...write(`${wtA}/notes.txt`, '# Notes\nnotes\n'),
            commitAll('Heading'),
            reportCheckpoint('fix'),
            reportDone(),
            say('Done.'),
          ],
        },
        b: {
          turns: [
            ...write(`${wtB}/notes.txt`, '# Notes\nnotes\nmore notes\n'),
            commitAll('More notes'),
            reportCheckpoint('fix'),
            reportDone(),
            say('Done.'),
          ],
        },
      },
      policy: POLICY,
      github: { owner: OWNER, repo: REPO },
      openPrs: true,
    };
    const handle = await rig.client.workflow.start('manifestWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: `manifest-${name}`,
      args: [input],
    });
    const state = await resultWithin<ManifestRunState>(handle, 300_000);
    const [a, b] = ['a', 'b'].map((id) => state.tasks.find((t) => t.id === id)!);
    expect(a!.status, a!.reason).toBe('pr_open');
    expect(b!.status, b!.reason).toBe('pr_open');
    expect(b!.pullRequest!.baseAtOpen).toBe(a!.branch);
    const prB = await emu.pull(OWNER, REPO, b!.pullRequest!.number);
    expect(prB.base).toBe(a!.branch);
    // B's branch holds A's commit: it started from A's work
    const aHead = a!.pullRequest!.head;
    const contains = await git(bare, ['merge-base', '--is-ancestor', aHead, b!.pullRequest!.head]).then(
      () => true,
      () => false,
    );
    expect(contains).toBe(true);
    expect(emu.counters(OWNER, REPO).pullsCreatedByHead[b!.branch]).toBe(1);
  }, 300_000);
});
