/**
 * Stacked PRs under `--merge` with the real claude CLI (scripted model) on the GitHub emulator:
 * A's PR waits in the merge queue (slow CI on the head the queue made), B opens stacked on A, a
 * reviewer requests changes on A; the queue refuses A with that reason, A's agent is re-briefed and
 * fixes it, B is restacked onto A's new head (update-branch) and re-verified, the reviewer
 * approves, the queue merges A, then B (retargeted to main when A's branch went).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeQueueWorkflowId } from '../../src/domain/merge-queue.js';
import type { ManifestRunInput, ManifestRunState } from '../../src/domain/manifest-run.js';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';
import { resultWithin, startRig, type Rig } from '../support/harness.js';
import { git, makeRepo, waitFor } from '../support/repo.js';
import { commitAll, reportCheckpoint, reportDone, say, write } from '../support/scenarios.js';

const TOKEN = 'ghp_droverRestackToken1234567890abcdefgh';
const OWNER = 'acme';
const REPO = 'stack';
const POLICY = { idleSeconds: 3, nudgeCooldownSeconds: 2, ciWaitSeconds: 120, ciPollSeconds: 1 };

let rig: Rig;
let emu: GithubEmulator;
let bare: string;
let work: string;
/** CI on A's heads that hold main's later commit (the queue's update, then the fix) runs until the test completes it. */
const held: { heads: string[] } = { heads: [] };

beforeAll(async () => {
  rig = await startRig('restack');
  emu = await startGithubEmulator({ token: TOKEN, root: path.join(rig.tmp, 'github') });
  const src = await makeRepo(path.join(rig.tmp, 'stack'), { 'notes.txt': 'notes\n', 'other.txt': 'other\n' });
  ({ bareRepoPath: bare } = await emu.addRepo(OWNER, REPO, { from: src }));
  work = path.join(rig.tmp, 'work');
  await git(rig.tmp, ['clone', '--quiet', bare, work]);
  await git(work, ['config', 'user.email', 'dev@example.com']);
  await git(work, ['config', 'user.name', 'Dev']);
  emu.setCi(({ sha, readFile }) => {
    if (readFile('landed.txt') !== null && readFile('NEXT.md') === null) {
      held.heads.push(sha);
      return [{ name: 'ci', status: 'in_progress', summary: 'running' }];
    }
    return [{ name: 'ci', status: 'completed', conclusion: 'success', summary: 'ok' }];
  });
  await rig.startWorkers({ github: { apiUrl: emu.url, token: TOKEN, threadPageSize: 50 } });
}, 120_000);

afterAll(async () => {
  await rig?.close();
  await emu?.close();
});

const worktreeOf = (taskId: string): string =>
  path.join(rig.config.workspace, 'repos', repoKey(bare), 'worktrees', taskId);

/** Completes the held CI on a head of PR A. */
const releaseCi = (sha: string) =>
  emu.postCheckRun(OWNER, REPO, {
    headSha: sha,
    name: 'ci',
    status: 'completed',
    conclusion: 'success',
    summary: 'ok',
  });

describe('a dependency gets a review fix after its dependent opened', () => {
  it('restacks the dependent onto the fix, re-verifies it, and merges A then B', async () => {
    const name = 'rs';
    const [wtA, wtB] = [worktreeOf(`${name}-a`), worktreeOf(`${name}-b`)];
    const input: ManifestRunInput = {
      name,
      repo: bare,
      manifest: {
        phases: [
          {
            name: 'one',
            tasks: [
              { id: 'a', title: 'Add a notes heading', files: ['notes.txt'], steps: ['fix'] },
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
            // re-briefed with the reviewer's change request
            ...write(`${wtA}/notes.txt`, '# Notes\n\nnotes\n'),
            commitAll('Blank line after the heading, as asked'),
            reportDone(),
            say('Addressed the review.'),
          ],
        },
        b: {
          turns: [
            ...write(`${wtB}/NEXT.md`, 'more notes\n'),
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
      merge: {},
    };
    await rig.client.workflow.start('mergeQueueWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: mergeQueueWorkflowId(OWNER, REPO, 'main'),
      args: [{ owner: OWNER, repo: REPO, base: 'main', ciWaitSeconds: 240, pollSeconds: 1 }],
    });
    const handle = await rig.client.workflow.start('manifestWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: `manifest-${name}`,
      args: [input],
    });
    const branchA = `drover/${name}-a`;
    // main moves while A works, so the queue's update-branch makes A a new head (whose CI is held)
    await waitFor(
      'A worktree',
      async () => ((await git(wtA, ['rev-parse', 'HEAD']).catch(() => '')) ? true : undefined),
      60_000,
    );
    await git(work, ['fetch', '--quiet', 'origin']);
    await git(work, ['checkout', '--quiet', '-B', 'main', 'origin/main']);
    await writeFile(path.join(work, 'landed.txt'), 'landed\n');
    await git(work, ['add', 'landed.txt']);
    await git(work, ['commit', '--quiet', '-m', 'Someone else landed something']);
    await git(work, ['push', '--quiet', 'origin', 'main']);

    const prA = await waitFor(
      "A's PR",
      async () => (emu.counters(OWNER, REPO).pullsCreatedByHead[branchA] ? findPr(branchA) : undefined),
      180_000,
    );
    // B opens stacked on A while A waits in the queue
    const prB = await waitFor("B's PR", async () => findPr(`drover/${name}-b`), 240_000);
    expect(prB.base).toBe(branchA);
    const bHeadAtOpen = prB.headSha;
    await emu.submitReview(OWNER, REPO, prA.number, {
      state: 'CHANGES_REQUESTED',
      author: 'rita',
      body: 'add a blank line',
    });
    const queued = await waitFor('the head the queue made for A', async () => held.heads[0], 120_000);
    releaseCi(queued);
    // A's agent fixes it; its gate waits for CI on the fix: the reviewer approves, then CI completes
    const fixHead = await waitFor('A fixed', async () => held.heads[1], 240_000).catch(async (error: Error) => {
      throw new Error(`${error.message}; A's state: ${await stateOf(`task/${name}/a`)}`);
    });
    await emu.submitReview(OWNER, REPO, prA.number, { state: 'APPROVED', author: 'rita' });
    releaseCi(fixHead);

    const state = await resultWithin<ManifestRunState>(handle, 400_000);
    const [a, b] = ['a', 'b'].map((id) => state.tasks.find((t) => t.id === id)!);
    expect(a!.status, a!.reason).toBe('merged');
    expect(b!.status, b!.reason).toBe('merged');
    expect(a!.revisions).toBeGreaterThanOrEqual(1);
    // B was restacked: its verified head contains A's review fix and is not the head it opened with
    expect(b!.pullRequest!.head).not.toBe(bHeadAtOpen);
    await git(bare, ['merge-base', '--is-ancestor', fixHead, b!.pullRequest!.head]);
    expect(b!.pullRequest!.baseAtOpen).toBe(branchA);
    // A merged before B; B's PR ended on main (retargeted when A's branch was deleted)
    const [ga, gb] = [await emu.pull(OWNER, REPO, prA.number), await emu.pull(OWNER, REPO, prB.number)];
    expect(ga.merged && gb.merged).toBe(true);
    expect(gb.base).toBe('main');
    const log = (await git(bare, ['log', '--format=%s', 'main'])).split('\n');
    expect(log.findIndex((s) => s.includes(`(#${prB.number})`))).toBeLessThan(
      log.findIndex((s) => s.includes(`(#${prA.number})`)),
    );
    const counters = emu.counters(OWNER, REPO);
    expect(counters.pullsCreatedByHead).toEqual({ [branchA]: 1, [`drover/${name}-b`]: 1 });
    expect(counters.merges[prA.number]).toEqual({ attempts: 1, merged: true });
    expect(counters.merges[prB.number]).toEqual({ attempts: 1, merged: true });
    const events = (await rig.client.workflow.getHandle(b!.workflowId).query<{ events: { what: string }[] }>('state'))
      .events;
    expect(events.map((e) => e.what).join('\n')).toMatch(/restacked #\d+ on drover\/rs-a/);
  }, 600_000);
});

/** A task's phase and events, for a failure message. */
async function stateOf(workflowId: string): Promise<string> {
  try {
    const st = await rig.client.workflow
      .getHandle(workflowId)
      .query<{ phase: string; events: { at: string; what: string }[] }>('state');
    return JSON.stringify({ phase: st.phase, events: st.events.map((e) => `${e.at} ${e.what}`) }, null, 1);
  } catch (error) {
    return `not readable: ${String(error)}`;
  }
}

async function findPr(head: string): Promise<{ number: number; headSha: string; base: string } | undefined> {
  const res = await fetch(
    `${emu.url}/repos/${OWNER}/${REPO}/pulls?state=all&head=${OWNER}:${encodeURIComponent(head)}`,
    {
      headers: { authorization: `token ${TOKEN}` },
    },
  );
  const list = (await res.json()) as { number: number; head: { sha: string }; base: { ref: string } }[];
  const pr = list[0];
  return pr ? { number: pr.number, headSha: pr.head.sha, base: pr.base.ref } : undefined;
}
