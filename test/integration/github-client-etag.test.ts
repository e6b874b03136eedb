/**
 * Drover's GitHub client (conditional GETs from an ETag cache) with octokit's paginate over the
 * emulator: a 304 must answer with the list as it was, however often it is polled. paginate
 * rewrites a list response's data in place, so a cached response shared between polls came back
 * wrong: with two check runs only the first, with none a TypeError.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubClient } from '../../src/github/client.js';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';
import { seedRepo } from '../support/github-emulator.js';

const TOKEN = 'ghp_etagTestToken00000000000000000000';
let tmp: string;
let emu: GithubEmulator;
let shas: Record<string, string>;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'drover-etag-'));
  emu = await startGithubEmulator({ token: TOKEN, root: path.join(tmp, 'github') });
  const seeded = await seedRepo(path.join(tmp, 'src'));
  shas = seeded.shas;
  await emu.addRepo('acme', 'widgets', { from: seeded.dir });
});
afterAll(async () => {
  await emu?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('conditional requests and paginate', () => {
  it('polling check runs answers the same list each time, from 304s', async () => {
    const gh = createGithubClient({ apiUrl: emu.url, token: TOKEN });
    const list = (ref: string) =>
      gh.paginate(gh.rest.checks.listForRef, { owner: 'acme', repo: 'widgets', ref, per_page: 100 });
    emu.postCheckRun('acme', 'widgets', {
      headSha: shas.fix!,
      name: 'unit',
      status: 'completed',
      conclusion: 'success',
    });
    emu.postCheckRun('acme', 'widgets', {
      headSha: shas.fix!,
      name: 'lint',
      status: 'completed',
      conclusion: 'failure',
    });
    emu.resetLog();
    for (let poll = 0; poll < 3; poll += 1) {
      expect((await list(shas.fix!)).map((r) => `${r.name}:${r.conclusion}`).sort()).toEqual([
        'lint:failure',
        'unit:success',
      ]);
      expect(await list(shas.other!)).toEqual([]);
    }
    expect(emu.requests().map((r) => r.status)).toEqual([200, 200, 304, 304, 304, 304]);
  });
});
