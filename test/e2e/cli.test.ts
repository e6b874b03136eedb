import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/config.js';
import { tmuxWindowName } from '../../src/domain/identifiers.js';
import { rigEnv, rigTmux, startRig, type Rig } from '../support/harness.js';
import { processRunning } from '../support/processes.js';
import { git, makeRepo } from '../support/repo.js';

let rig: Rig;
let env: Record<string, string>;

/** The `drover` CLI exactly as a user runs it. */
function drover(args: string[], timeout = 180_000) {
  return execa('node', [path.join(projectRoot(), 'bin', 'drover.mjs'), ...args], { env, reject: false, timeout });
}

async function workflowCount(): Promise<number> {
  let n = 0;
  for await (const _ of rig.client.workflow.list()) n += 1;
  return n;
}

beforeAll(async () => {
  rig = await startRig('e2e');
  env = rigEnv(rig);
});

afterAll(async () => {
  await rig?.close();
});

describe('drover CLI: bad input is refused before anything starts', () => {
  const badIds = ['..', '../escape', 'a/b', 'has space', '-rf', 'x..y'];
  const badBranches = ['bad..name', '-x', 'a b', 'topic.lock', 'foo~1', 'a:b', 'ends/', '@'];

  it.each(badIds)('task id %j', async (id) => {
    const repo = await makeRepo(path.join(rig.tmp, `repo-id-${badIds.indexOf(id)}`));
    const res = await drover(['task', '--repo', repo, '--objective', 'x', '--id', id]);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/task id .* refused: /);
    expect(await workflowCount()).toBe(0);
    expect(existsSync(path.join(rig.config.workspace, 'repos'))).toBe(false);
  });

  it.each(badBranches)('branch %j', async (branch) => {
    const repo = await makeRepo(path.join(rig.tmp, `repo-br-${badBranches.indexOf(branch)}`));
    const res = await drover(['task', '--repo', repo, '--objective', 'x', '--id', 'ok-id', '--branch', branch]);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/branch .* refused: /);
    expect(await workflowCount()).toBe(0);
  });

  it('a path that is not a git repository', async () => {
    const res = await drover(['task', '--repo', rig.tmp, '--objective', 'x']);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain('not a git repository');
  });

  it('a scenario file that is not valid', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-scn'));
    const res = await drover(['task', '--repo', repo, '--objective', 'x', '--scenario', path.join(repo, 'a.txt')]);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain('--scenario');
    expect(await workflowCount()).toBe(0);
  });
});

describe('drover demo --json', () => {
  it('fixes the sample defect with the real claude CLI and prints the outcome', async () => {
    const res = await drover(['demo', '--json']);
    expect(res.stderr).toContain('Sample repository');
    expect(res.exitCode, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as {
      state: string;
      branch: string;
      commit: string;
      repo: string;
      checkpoints: string[];
      dialogs: { kind: string; decision: string }[];
      webUi: string;
      taskId: string;
    };
    expect(out.state).toBe('done');
    expect(out.checkpoints).toEqual(['fix']);
    expect(out.dialogs).toContainEqual({ kind: 'permission', decision: 'approve' });
    expect(out.webUi).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\//);
    expect(await git(out.repo, ['rev-parse', `refs/heads/${out.branch}`])).toBe(out.commit);
    expect(await git(out.repo, ['show', `${out.commit}:calc.js`])).toContain('a + b');
    const status = await drover(['status', out.taskId, '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ phase: 'done', checkpoints: ['fix'] });
    // issue 21: no claude left running after DONE, and the demo says it ended it
    expect(await rigTmux(rig).findWindow(tmuxWindowName(out.taskId)), res.stderr).toBeUndefined();
    const agent = (out as { agent?: { pid?: number; ended: boolean; said: string } }).agent;
    expect(agent?.ended, res.stdout).toBe(true);
    expect(processRunning(agent!.pid!)).toBe(false);
    expect(agent!.said).toMatch(/^agent: ended the demo's claude process \(pid \d+/);
  });
});

describe('drover manifest check / run: invalid manifests start nothing', () => {
  const fixtures = new URL('../fixtures/manifests/', import.meta.url);
  const cases: [string, RegExp][] = [
    ['invalid-unknown-dependency.json', /unknown/i],
    ['invalid-cycle.json', /cycle.*→/i],
    ['invalid-duplicate-id.json', /duplicate/i],
    ['invalid-unsafe-id.json', /id/i],
    ['invalid-empty-phase.json', /empty|no tasks/i],
    ['invalid-file-outside-repo.json', /outside/i],
  ];
  it.each(cases)('%s', async (file, message) => {
    const repo = await makeRepo(path.join(rig.tmp, `repo-mf-${file}`));
    const manifestPath = new URL(file, fixtures).pathname;
    const check = await drover(['manifest', 'check', manifestPath]);
    expect(check.exitCode).toBe(1);
    expect(check.stderr).toMatch(message);
    const run = await drover(['run', manifestPath, '--repo', repo, '--detach']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(message);
    let manifests = 0;
    for await (const _ of rig.client.workflow.list({ query: `WorkflowType='manifestWorkflow'` })) manifests += 1;
    expect(manifests).toBe(0);
  });

  it('a valid manifest checks clean and the schema is JSON Schema', async () => {
    const check = await drover(['manifest', 'check', new URL('example.json', fixtures).pathname]);
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/valid — 2 phases, 8 tasks/);
    const schema = await drover(['manifest', 'schema']);
    expect(JSON.parse(schema.stdout)).toHaveProperty('$schema');
  });
});
