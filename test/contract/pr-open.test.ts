/**
 * Drover's own PR opening (src/github/pr-open.ts) through its GitHub client against the emulator:
 * opened once and then updated, never adopted from a human, and a stacked PR whose dependency's
 * branch is already gone (merged and deleted) opens on the final base instead of failing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrContentInput } from '../../src/domain/pr-content.js';
import { createGithubClient, type GithubClient } from '../../src/github/client.js';
import { openOrUpdateTaskPr } from '../../src/github/pr-open.js';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';
import { commitAll, seedRepo, writeFiles } from '../support/github-emulator.js';
import { git } from '../support/repo.js';

const TOKEN = 'pr-open-token';
const owner = 'acme';
const repo = 'widgets';
let emu: GithubEmulator;
let gh: GithubClient;
let tmp: string;
let work: string;

async function push(branch: string, from: string, file: string): Promise<string> {
  await git(work, ['fetch', '--quiet', 'origin']);
  await git(work, ['checkout', '--quiet', '-B', branch, `origin/${from}`]);
  await writeFiles(work, { [file]: `${branch}\n` });
  const sha = await commitAll(work, branch);
  await git(work, ['push', '--quiet', 'origin', `${branch}:${branch}`]);
  return sha;
}

const content = (taskId: string, branch: string, base: string, head: string): PrContentInput => ({
  taskId,
  objective: `Do ${taskId}`,
  pushedHead: head,
  branch,
  base,
});
const open = (c: PrContentInput, fallbackBase?: string) =>
  openOrUpdateTaskPr(gh, { owner, repo, content: c, mask: (t) => t, ...(fallbackBase ? { fallbackBase } : {}) });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'drover-pr-open-'));
  await seedRepo(path.join(tmp, 'src'));
  emu = await startGithubEmulator({ token: TOKEN, root: path.join(tmp, 'remote') });
  const { cloneUrl } = await emu.addRepo(owner, repo, { from: path.join(tmp, 'src') });
  work = path.join(tmp, 'work');
  await git(tmp, ['clone', '--quiet', cloneUrl, work]);
  gh = createGithubClient({ apiUrl: emu.url, token: TOKEN, warn: () => undefined });
});

afterAll(async () => {
  await emu?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('opening a task PR', () => {
  it('opens once, then updates the same PR; a human PR on the branch is never adopted', async () => {
    const head = await push('drover/t1', 'main', 't1.txt');
    const first = await open(content('t1', 'drover/t1', 'main', head));
    expect(first).toMatchObject({ created: true, base: 'main', head });
    const again = await open({ ...content('t1', 'drover/t1', 'main', head), objective: 'Do t1, better' });
    expect(again).toMatchObject({ number: first.number, created: false, updated: true });
    expect(emu.counters(owner, repo).pullsCreatedByHead['drover/t1']).toBe(1);

    const human = await push('drover/t2', 'main', 't2.txt');
    await emu.createPullRequest(owner, repo, { head: 'drover/t2', base: 'main', title: 'Mine', body: 'by hand' });
    await expect(open(content('t2', 'drover/t2', 'main', human))).rejects.toThrow(/not opened by this task/);
  });

  it("a stacked PR whose dependency's branch is gone opens on the fallback base", async () => {
    await push('drover/dep', 'main', 'dep.txt');
    const head = await push('drover/child', 'drover/dep', 'child.txt');
    await git(work, ['push', '--quiet', 'origin', '--delete', 'drover/dep']);
    await expect(open(content('child', 'drover/child', 'drover/dep', head))).rejects.toThrow();
    const opened = await open(content('child', 'drover/child', 'drover/dep', head), 'main');
    expect(opened).toMatchObject({ created: true, base: 'main' });
    // a dependency branch that still exists is kept as the base
    const head2 = await push('drover/child2', 'drover/t1', 'child2.txt');
    expect((await open(content('child2', 'drover/child2', 'drover/t1', head2), 'main')).base).toBe('drover/t1');
  });
});
