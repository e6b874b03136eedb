/**
 * `drover doctor` as a user runs it: a real Temporal dev server, the GitHub emulator as the API
 * (token valid, then a bad token, then missing scopes), and every agent CLI's two phases (the
 * real claude, codex and gemini binaries; the round trip through the scripted model server).
 */
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/config.js';
import type { CheckResult } from '../../src/doctor/check.js';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';
import { rigEnv, startRig, type Rig } from '../support/harness.js';

const TOKEN = 'ghp_doctorTestToken1234567890abcdef';
let rig: Rig;
let emu: GithubEmulator;
let narrow: GithubEmulator;

beforeAll(async () => {
  rig = await startRig('doctor');
  emu = await startGithubEmulator({ token: TOKEN });
  narrow = await startGithubEmulator({ token: TOKEN, tokenScopes: 'read:org' });
}, 120_000);

afterAll(async () => {
  await emu?.close();
  await narrow?.close();
  await rig?.close();
});

async function doctor(env: Record<string, string>, args: string[] = []) {
  const res = await execa('node', [path.join(projectRoot(), 'bin', 'drover.mjs'), 'doctor', '--json', ...args], {
    env: { ...rigEnv(rig), ...env },
    reject: false,
    timeout: 240_000,
  });
  return { exitCode: res.exitCode, results: JSON.parse(res.stdout) as CheckResult[] };
}

const row = (results: CheckResult[], group: string, name: string) =>
  results.find((r) => r.group === group && r.name === name)!;

describe('drover doctor', () => {
  it('all green on this host: Temporal reachable, token valid with repo scope, three agent CLIs answer a prompt', async () => {
    const { exitCode, results } = await doctor({ GITHUB_API_URL: emu.url, GITHUB_TOKEN: TOKEN });
    expect(exitCode).toBe(0);
    expect(row(results, 'temporal', 'server')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining(rig.config.temporal.address),
    });
    expect(row(results, 'github', 'token')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/octocat at .*scopes repo, workflow/),
    });
    for (const agent of ['claude', 'codex', 'gemini']) {
      expect(row(results, `agent ${agent}`, 'binary').status).toBe('ok');
      expect(row(results, `agent ${agent}`, 'round trip')).toMatchObject({
        status: 'ok',
        detail: expect.stringMatching(/prompt → scripted model → answer in/),
      });
    }
    expect(JSON.stringify(results)).not.toContain(TOKEN);
  }, 300_000);

  it('names the fix: bad token fails, a token without repo scope warns, a missing CLI fails', async () => {
    const bad = await doctor({ GITHUB_API_URL: emu.url, GITHUB_TOKEN: 'ghp_wrongwrongwrongwrongwrong' }, [
      '--agent',
      'claude',
      '--no-round-trip',
    ]);
    expect(bad.exitCode).toBe(1);
    expect(row(bad.results, 'github', 'token')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/bad credentials/),
      fix: expect.stringMatching(/set GITHUB_TOKEN/),
    });
    expect(row(bad.results, 'agent claude', 'round trip').status).toBe('skip');
    const scopes = await doctor({ GITHUB_API_URL: narrow.url, GITHUB_TOKEN: TOKEN }, [
      '--agent',
      'claude',
      '--no-round-trip',
    ]);
    expect(row(scopes.results, 'github', 'token')).toMatchObject({
      status: 'warn',
      fix: expect.stringMatching(/needs the repo scope/),
    });
    const missing = await doctor({ DROVER_CODEX_BIN: '/nonexistent/codex' }, ['--agent', 'codex']);
    expect(missing.exitCode).toBe(1);
    expect(row(missing.results, 'agent codex', 'binary')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/npm ci installs the pinned codex/),
    });
    expect(row(missing.results, 'agent codex', 'round trip').status).toBe('skip');
  }, 300_000);
});
