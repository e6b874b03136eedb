/**
 * The merge queue on the GitHub emulator (Octokit over HTTP, real bare repositories, a real
 * Temporal server): one PR for each guard is refused with its reason and never merged; a clean PR
 * queued behind them is brought up to date with the moved base, waits for CI on that new head,
 * merges with the chosen method, and its head branch is deleted. No agent is involved.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeQueueWorkflowId, type MergeQueueState } from '../../src/domain/merge-queue.js';
import type { MergeRequest } from '../../src/domain/pr-pipeline.js';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';
import { sendMergeRequest } from '../../src/activities/merge-queue.js';
import { mergeQueueStateQuery } from '../../src/workflows/merge-queue-messages.js';
import { execa } from 'execa';
import { projectRoot } from '../../src/config/config.js';
import { rigEnv, startRig, type Rig } from '../support/harness.js';
import { git, makeRepo, waitFor } from '../support/repo.js';

const TOKEN = 'ghp_droverMergeQueueToken1234567890abcd';
const OWNER = 'acme';
const REPO = 'guards';

let rig: Rig;
let emu: GithubEmulator;
let work: string;

/** A branch from main's tip with one file changed, pushed to the emulator's bare repository. */
async function branch(name: string, file: string, content: string, from = 'main'): Promise<string> {
  await git(work, ['fetch', '--quiet', 'origin']);
  await git(work, ['checkout', '--quiet', '-B', name, `origin/${from}`]);
  await writeFile(path.join(work, file), content);
  await git(work, ['add', '-A']);
  await git(work, ['commit', '--quiet', '-m', `${name}: ${file}`]);
  await git(work, ['push', '--quiet', 'origin', `${name}:${name}`]);
  return (await git(work, ['rev-parse', 'HEAD'])).trim();
}

async function openPr(head: string, title: string, extra: { base?: string; draft?: boolean } = {}) {
  const number = await emu.createPullRequest(OWNER, REPO, {
    head,
    base: extra.base ?? 'main',
    title,
    body: `${title}\n`,
    ...(extra.draft ? { draft: true } : {}),
  });
  return number;
}

beforeAll(async () => {
  rig = await startRig('mergeq');
  emu = await startGithubEmulator({ token: TOKEN, root: path.join(rig.tmp, 'github') });
  const src = await makeRepo(path.join(rig.tmp, 'guards'), {
    'shared.txt': 'one\n',
    'status.txt': 'green\n',
  });
  const { bareRepoPath } = await emu.addRepo(OWNER, REPO, { from: src });
  work = path.join(rig.tmp, 'work');
  await git(rig.tmp, ['clone', '--quiet', bareRepoPath, work]);
  await git(work, ['config', 'user.email', 'dev@example.com']);
  await git(work, ['config', 'user.name', 'Dev']);
  // CI: red when status.txt says so on the head
  emu.setCi(({ readFile }) => {
    const red = (readFile('status.txt') ?? '').includes('red');
    return [
      {
        name: 'ci',
        status: 'completed',
        conclusion: red ? 'failure' : 'success',
        summary: red ? 'status is red' : 'ok',
      },
    ];
  });
  await rig.startWorkers({ github: { apiUrl: emu.url, token: TOKEN, threadPageSize: 50 } });
}, 120_000);

afterAll(async () => {
  await rig?.close();
  await emu?.close();
});

describe('the guarded merge queue', () => {
  it('refuses a PR for each guard with its reason and merges nothing of them; merges a clean one after the base moved', async () => {
    const prs: Record<string, number> = {};
    const heads: Record<string, string> = {};
    const add = async (key: string, file: string, content: string, title: string, extra = {}) => {
      heads[key] = await branch(`t/${key}`, file, content);
      prs[key] = await openPr(`t/${key}`, title, extra);
    };
    await add('red', 'status.txt', 'red\n', 'Turn the status red');
    await add('changes', 'changes.txt', 'x\n', 'Reviewed with changes requested');
    await add('thread', 'thread.txt', 'x\n', 'An open review thread');
    await add('draft', 'draft.txt', 'x\n', 'Still a draft', { draft: true });
    await add('wip', 'wip.txt', 'x\n', 'WIP: half done');
    await add('approval', 'approval.txt', 'x\n', 'Needs an approval');
    await add('conflict', 'shared.txt', 'mine\n', 'Edits shared.txt');
    await add('clean', 'clean.txt', 'clean\n', 'A clean change');
    heads.release = await branch('release', 'release.txt', 'r\n');
    heads.hotfix = await branch('t/hotfix', 'hotfix.txt', 'x\n', 'release');
    prs.base = await openPr('t/hotfix', 'Hotfix on release', { base: 'release' });
    await emu.submitReview(OWNER, REPO, prs.changes!, { state: 'CHANGES_REQUESTED', author: 'rita', body: 'no' });
    await emu.addReviewThread(OWNER, REPO, prs.thread!, { path: 'thread.txt', line: 1, body: 'why?', author: 'rita' });
    // the base moves after every PR opened: each is behind and gets a new head from update-branch
    await branch('main', 'shared.txt', 'theirs\n');

    const request = (key: string, settings: MergeRequest['settings'] = {}): MergeRequest => ({
      number: prs[key]!,
      headSha: heads[key === 'base' ? 'hotfix' : key]!,
      taskId: `t-${key}`,
      settings,
    });
    const send = (base: string, req: MergeRequest) =>
      sendMergeRequest(rig.client, rig.config.taskQueue, { owner: OWNER, repo: REPO, base }, req);
    const fast = { ciWaitSeconds: 60, pollSeconds: 1 };
    // the queue starts with fast timings (the first request starts it), later requests join it
    await rig.client.workflow.start('mergeQueueWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: mergeQueueWorkflowId(OWNER, REPO, 'main'),
      args: [{ owner: OWNER, repo: REPO, base: 'main', ...fast }],
    });
    await rig.client.workflow.start('mergeQueueWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: mergeQueueWorkflowId(OWNER, REPO, 'release'),
      args: [{ owner: OWNER, repo: REPO, base: 'release', ...fast }],
    });
    for (const key of ['red', 'changes', 'thread', 'draft', 'wip', 'conflict'] as const)
      await send('main', request(key));
    await send('main', request('approval', { requireApproval: true }));
    await send('release', request('base'));
    await send('main', request('clean', { method: 'squash' }));

    const stateOf = (base: string) =>
      rig.client.workflow.getHandle(mergeQueueWorkflowId(OWNER, REPO, base)).query(mergeQueueStateQuery);
    const main = await waitFor<MergeQueueState>(
      'eight outcomes on main',
      async () => {
        const s = await stateOf('main');
        return s.recent.length >= 8 ? s : undefined;
      },
      240_000,
      500,
    );
    const release = await stateOf('release');
    const outcomeOf = (key: string, s: MergeQueueState = main) => s.recent.find((o) => o.number === prs[key]);
    const expected: Record<string, RegExp> = {
      red: /ci.*(failure|failed)|status is red/i,
      changes: /rita requested changes/,
      thread: /review thread .* on thread\.txt:1 by rita is unresolved/,
      draft: /is a draft/,
      wip: /title says "WIP"/,
      approval: /1 approving review is required, 0 given/,
      conflict: /conflicts with main/,
    };
    for (const [key, reason] of Object.entries(expected)) {
      const o = outcomeOf(key);
      expect(o?.outcome, key).toBe('refused');
      expect(o!.reasons.join('; '), key).toMatch(reason);
    }
    const base = outcomeOf('base', release);
    expect(base?.outcome).toBe('refused');
    expect(base!.reasons.join('; ')).toMatch(/base release is not one Drover may merge into \(allowed: main\)/);

    // the red PR was refused on the head the queue made, not the one it was queued at
    const red = await emu.pull(OWNER, REPO, prs.red!);
    expect(red.headSha).not.toBe(heads.red);
    // nothing refused was merged, and the queue never even tried
    const counters = emu.counters(OWNER, REPO);
    for (const key of [...Object.keys(expected), 'base']) {
      expect((await emu.pull(OWNER, REPO, prs[key]!)).merged, key).toBe(false);
      expect(counters.merges[prs[key]!]?.attempts ?? 0, key).toBe(0);
    }
    // the clean one: brought up to date (main moved), green on that head, squash-merged once, head deleted
    const clean = outcomeOf('clean');
    expect(clean?.outcome).toBe('merged');
    const pr = await emu.pull(OWNER, REPO, prs.clean!);
    expect(pr.merged).toBe(true);
    expect(counters.merges[prs.clean!]).toEqual({ attempts: 1, merged: true });
    expect(pr.mergeCommitSha).toBe(clean!.mergeCommit);
    await expect(git(work, ['ls-remote', '--exit-code', 'origin', 'refs/heads/t/clean'])).rejects.toThrow();
    await git(work, ['fetch', '--quiet', 'origin']);
    const mainLog = await git(work, ['log', '--format=%s', '-1', clean!.mergeCommit!]);
    expect(mainLog.trim()).toBe(`A clean change (#${prs.clean})`);
    expect(main.mergedCount).toBe(1);

    // what a user sees: `drover status` names every refusal with its reason
    const drover = (args: string[]) =>
      execa('node', [path.join(projectRoot(), 'bin', 'drover.mjs'), ...args], {
        env: { ...rigEnv(rig), GITHUB_API_URL: emu.url, GITHUB_TOKEN: TOKEN },
        reject: false,
        stdin: 'ignore',
      });
    const status = await drover(['status']);
    expect(status.exitCode, status.stderr).toBe(0);
    const lines = status.stdout.split('\n');
    /** The refusal's line and the reason lines under it. */
    const refusalOf = (n: number): string => {
      const at = lines.findIndex((l) => l.includes(`#${n} refused`));
      if (at < 0) return '';
      const reasons = lines.slice(at + 1);
      const end = reasons.findIndex((l) => !/^\s+- /.test(l));
      return [lines[at], ...reasons.slice(0, end < 0 ? undefined : end)].join('\n');
    };
    for (const [key, reason] of Object.entries(expected))
      expect(refusalOf(prs[key]!), `${key}: ${status.stdout}`).toMatch(reason);
    const listed = await drover(['merge', 'status', `${OWNER}/${REPO}/release`]);
    expect(listed.stdout).toMatch(/base release is not one Drover may merge into/);
  }, 300_000);
});
