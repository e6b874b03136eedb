/**
 * `drover run` on a GitHub (emulator) repository, as a user runs it, with the real claude CLI and
 * a scripted model: `--no-new-pr` opens no pull request and the task ends `complete`; `--write-back`
 * finds the repository on GitHub by itself (the emulator confirms its clone URL), opens the task's
 * PR and writes its number, `pr_open` and the times into the user's YAML manifest, leaving every
 * other line (comments, extra fields, flow style) as it was.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/config.js';
import type { ManifestRunState } from '../../src/domain/manifest-run.js';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';
import { rigEnv, startRig, type Rig } from '../support/harness.js';
import { makeRepo } from '../support/repo.js';
import { commitAll, reportCheckpoint, reportDone, say, write } from '../support/scenarios.js';

const TOKEN = 'ghp_droverPrCliToken1234567890abcdefgh';
const OWNER = 'acme';
const REPO = 'widgets';

let rig: Rig;
let emu: GithubEmulator;
let bare: string;
let env: Record<string, string>;
let prNumber = 0;

function drover(args: string[], timeout = 200_000) {
  return execa('node', [path.join(projectRoot(), 'bin', 'drover.mjs'), ...args], {
    env,
    reject: false,
    timeout,
    stdin: 'ignore',
  });
}

const worktreeOf = (childTaskId: string): string =>
  path.join(rig.config.workspace, 'repos', repoKey(bare), 'worktrees', childTaskId);

/** `<dir>/<taskId>.json`: the scenario of one manifest task that edits notes.txt, commits and reports. */
async function scenarioDir(name: string, taskId: string, notes: string): Promise<string> {
  const dir = path.join(rig.tmp, `scenarios-${name}`);
  await mkdir(dir, { recursive: true });
  const wt = worktreeOf(`${name}-${taskId}`);
  const turns = [
    ...write(`${wt}/notes.txt`, notes),
    commitAll('Edit the notes'),
    reportCheckpoint('fix'),
    reportDone(),
    say('Done.'),
  ];
  await writeFile(path.join(dir, `${taskId}.json`), JSON.stringify({ turns }));
  return dir;
}

async function finalState(name: string): Promise<ManifestRunState> {
  return (await rig.client.workflow.getHandle(`manifest/${name}`).result()) as ManifestRunState;
}

beforeAll(async () => {
  rig = await startRig('prcli');
  emu = await startGithubEmulator({ token: TOKEN, root: path.join(rig.tmp, 'github') });
  const src = await makeRepo(path.join(rig.tmp, 'widgets-src'), { 'notes.txt': 'notes\n' });
  ({ bareRepoPath: bare } = await emu.addRepo(OWNER, REPO, { from: src }));
  emu.setCi(() => [{ name: 'unit', status: 'completed', conclusion: 'success', summary: 'ok' }]);
  await rig.startWorkers({ github: { apiUrl: emu.url, token: TOKEN, threadPageSize: 50 } });
  env = { ...rigEnv(rig), GITHUB_API_URL: emu.url, GITHUB_TOKEN: TOKEN };
}, 180_000);

afterAll(async () => {
  await rig?.close();
  await emu?.close();
});

describe('drover run on a GitHub repository', () => {
  it('--no-new-pr: the task ends complete and no pull request is opened', async () => {
    const name = 'nopr';
    const manifest = path.join(rig.tmp, 'nopr.json');
    await writeFile(
      manifest,
      JSON.stringify({
        project: name,
        phases: [{ name: 'one', tasks: [{ id: 'a', title: 'Shout the notes', files: ['notes.txt'], steps: ['fix'] }] }],
      }),
    );
    const res = await drover([
      'run',
      manifest,
      '--repo',
      bare,
      '--github',
      `${OWNER}/${REPO}`,
      '--no-new-pr',
      '--scenarios',
      await scenarioDir(name, 'a', 'NOTES\n'),
    ]);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('pull requests: none (--no-new-pr');
    const state = await finalState(name);
    expect(state.tasks.map((t) => [t.id, t.status, t.pullRequest])).toEqual([['a', 'complete', undefined]]);
    expect(emu.counters(OWNER, REPO).pullsCreatedByHead).toEqual({});
  }, 240_000);

  it('--write-back: real prNumber, pr_open and timestamps in the YAML file; every other line unchanged', async () => {
    const name = 'plan';
    const manifest = path.join(rig.tmp, 'plan.yaml');
    const original = [
      '# Widgets work plan — this comment stays',
      `project: ${name}`,
      'owner: alice # a field Drover does not know',
      'phases:',
      '  - name: one',
      '    notes: "hand-written"',
      '    tasks:',
      '      # the only task',
      '      - id: head',
      '        title: Add a notes heading',
      '        files: [notes.txt]   # flow style stays',
      '        steps: [fix]',
      "        lastProgress: 'drafted by hand'",
      '        status: pending',
      '',
    ].join('\n');
    await writeFile(manifest, original);
    const res = await drover([
      'run',
      manifest,
      '--repo',
      bare,
      '--write-back',
      '--scenarios',
      await scenarioDir(name, 'head', '# Notes\nnotes\n'),
    ]);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain(`pull requests: one per task on ${OWNER}/${REPO}`);
    const state = await finalState(name);
    const row = state.tasks[0]!;
    expect(row.status, row.reason).toBe('pr_open');
    const pr = row.pullRequest!;
    expect(emu.counters(OWNER, REPO).pullsCreatedByHead[row.branch]).toBe(1);
    // progress lines and the summary name the PR
    expect(res.stdout).toContain(`PR #${pr.number} ${pr.url}`);

    const text = await readFile(manifest, 'utf8');
    const task = (parse(text) as { phases: Array<{ tasks: Array<Record<string, unknown>> }> }).phases[0]!.tasks[0]!;
    expect(task).toMatchObject({
      id: 'head',
      status: 'pr_open',
      prNumber: pr.number,
      startedAt: row.startedAt,
      completedAt: row.finishedAt,
      worktree: row.worktree,
      lastProgress: 'drafted by hand',
    });
    // where its agent ran: `tmux attach -t` takes it
    expect(row.tmuxSession).toMatch(/^[^:]+:.+/);
    expect(task.tmuxSession).toBe(row.tmuxSession);
    expect(Date.parse(String(task.startedAt))).toBeLessThanOrEqual(Date.parse(String(task.completedAt)));
    const WRITTEN = /^\s*(status|prNumber|startedAt|completedAt|worktree|tmuxSession):/;
    const others = (t: string) => t.split('\n').filter((l) => !WRITTEN.test(l));
    expect(others(text)).toEqual(others(original));
    prNumber = pr.number;
  }, 240_000);

  it('drover status shows the PR; drover merge queues it on its merge queue, drover merge status shows the queue', async () => {
    expect(prNumber).toBeGreaterThan(0);
    const status = await drover(['status']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`task/plan/head .*#${prNumber} open`));
    const head = (await emu.pull(OWNER, REPO, prNumber)).headSha ?? '';
    const merge = await drover(['merge', `${OWNER}/${REPO}#${prNumber}`, '--method', 'merge']);
    expect(merge.exitCode, merge.stderr).toBe(0);
    const queueId = `merge-queue/${OWNER}/${REPO}/main`;
    expect(merge.stdout).toContain(`queued ${OWNER}/${REPO}#${prNumber} at ${head.slice(0, 10)} on ${queueId} (merge)`);
    const handle = rig.client.workflow.getHandle(queueId);
    expect((await handle.describe()).type).toBe('mergeQueueWorkflow');
    const listed = await drover(['merge', 'status', `${OWNER}/${REPO}`]);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(`merge queue ${OWNER}/${REPO} → main`);
    expect(listed.stdout).toContain(`#${prNumber}`);
    await handle.terminate('test over').catch(() => undefined);
  }, 120_000);
});
