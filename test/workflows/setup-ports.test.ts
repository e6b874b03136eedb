import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTaskInput } from '../../src/cli/task-start.js';
import { taskWorkflowId } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { stateQuery } from '../../src/workflows/task-messages.js';
import { resultWithin, startRig, type Rig } from '../support/harness.js';
import { makeRepo } from '../support/repo.js';
import { bash, fixAndFinish } from '../support/scenarios.js';

/**
 * Worktree setup and port blocks, with the real claude CLI: `npm ci` runs in each new worktree
 * before its agent (its postinstall writes the PORT it saw), `.env` is copied from the user's
 * checkout, two tasks get different port blocks (the agent's `npm test` prints its PORT), and a
 * failing setup command fails its task with the reason.
 */

let rig: Rig;

beforeAll(async () => {
  rig = await startRig('setup');
  await rig.startWorkers();
});

afterAll(async () => {
  await rig?.close();
});

const PACKAGE = {
  name: 'demo',
  version: '1.0.0',
  private: true,
  scripts: {
    postinstall: "node -e \"require('fs').writeFileSync('setup-ran.txt', 'setup saw PORT ' + process.env.PORT)\"",
    test: "node -e \"console.log('agent PORT=' + process.env.PORT + ' DROVER_PORT=' + process.env.DROVER_PORT)\"",
  },
};
const LOCK = {
  name: 'demo',
  version: '1.0.0',
  lockfileVersion: 3,
  requires: true,
  packages: { '': { name: 'demo', version: '1.0.0', hasInstallScript: true } },
};

async function npmRepo(name: string): Promise<string> {
  const repo = await makeRepo(path.join(rig.tmp, name), {
    'a.txt': 'broken\n',
    'package.json': `${JSON.stringify(PACKAGE, null, 2)}\n`,
    'package-lock.json': `${JSON.stringify(LOCK, null, 2)}\n`,
    '.gitignore': 'node_modules\nsetup-ran.txt\n.env\n',
  });
  await writeFile(path.join(repo, '.env'), 'SECRET_FOR_THE_APP=local-only\n'); // untracked: only in the user's checkout
  return repo;
}

const worktreeOf = (repo: string, taskId: string) =>
  path.join(rig.config.workspace, 'repos', repoKey(repo), 'worktrees', taskId);

/** As `drover task --setup "npm ci" --copy .env --scenario FILE` builds it. */
async function start(taskId: string, repo: string, setup: string, turns: unknown[]) {
  const scenario = path.join(rig.tmp, `${taskId}.json`);
  await writeFile(scenario, JSON.stringify({ turns }));
  const built = await buildTaskInput({
    repo,
    objective: 'Fix a.txt so it says fixed, then commit.',
    steps: 'fix',
    id: taskId,
    scenario,
    setup: [setup],
    copy: ['.env'],
  });
  const input: TaskInput = { ...built, policy: { idleSeconds: 3, nudgeCooldownSeconds: 2 } };
  return rig.client.workflow.start('agentTaskWorkflow', {
    taskQueue: rig.config.taskQueue,
    workflowId: taskWorkflowId(taskId),
    args: [input],
  });
}

const toolResults = (taskId: string) => JSON.stringify(rig.model.requests(taskId).map((r) => r.body));

describe('worktree setup and ports', () => {
  it('npm ci runs in the worktree before the agent, .env is copied, two tasks get different ports; a failing setup fails its task', async () => {
    const repo1 = await npmRepo('repo-p1');
    const repo2 = await npmRepo('repo-p2');
    const repo3 = await npmRepo('repo-p3');
    const turns = (repo: string, taskId: string) => [
      bash('cat setup-ran.txt', 'What did setup see'),
      bash('npm test', 'Run the tests'),
      ...fixAndFinish(worktreeOf(repo, taskId)),
    ];
    const handles = await Promise.all([
      start('p1', repo1, 'npm ci', turns(repo1, 'p1')),
      start('p2', repo2, 'npm ci', turns(repo2, 'p2')),
      start('p3', repo3, 'npm run nosuch', turns(repo3, 'p3')),
    ]);
    const results = await Promise.all(handles.map((h) => resultWithin<TaskResult>(h, 150_000)));
    const [r1, r2, r3] = results as [TaskResult, TaskResult, TaskResult];
    expect(r1.state).toBe('done');
    expect(r2.state).toBe('done');
    expect(r3.state).toBe('failed');
    expect(r3.reason).toMatch(/^setup failed: `npm run nosuch` exited 1 after [\d.]+s: .*Missing script: "nosuch"/);

    const ports: number[] = [];
    for (const [taskId, repo, handle] of [
      ['p1', repo1, handles[0]!],
      ['p2', repo2, handles[1]!],
    ] as const) {
      const s: TaskState = await handle.query(stateQuery);
      expect(s.setup?.steps).toEqual([
        { argv: ['npm', 'ci'], exitCode: 0, seconds: expect.any(Number), tail: expect.any(Array) },
      ]);
      expect(s.setup?.copied).toEqual(['.env']);
      const port = s.ports!.start;
      ports.push(port);
      // setup ran before the agent: it is recorded first, and the agent's first command read what it wrote
      const whats = s.events.map((e) => e.what);
      const setUp = whats.findIndex((w) => w.startsWith('worktree set up: copied .env, `npm ci`'));
      const launched = whats.findIndex((w) => w.startsWith('agent launched'));
      expect(setUp).toBeGreaterThanOrEqual(0);
      expect(setUp).toBeLessThan(launched);
      const seen = toolResults(taskId);
      expect(seen).toContain(`setup saw PORT ${port}`);
      expect(seen).toContain(`agent PORT=${port} DROVER_PORT=${port}`);
      expect(await readFile(path.join(worktreeOf(repo, taskId), '.env'), 'utf8')).toBe(
        'SECRET_FOR_THE_APP=local-only\n',
      );
      // npm ci's postinstall ran in the worktree (it wrote this there)
      expect(existsSync(path.join(worktreeOf(repo, taskId), 'setup-ran.txt'))).toBe(true);
    }
    expect(ports[0]).not.toBe(ports[1]);
    expect(Math.abs(ports[0]! - ports[1]!)).toBeGreaterThanOrEqual(10);
    console.log(`setup: p1 port block ${ports[0]}, p2 port block ${ports[1]}; p3: ${r3.reason}`);
    // the failed setup's agent never started
    expect(rig.model.requests('p3')).toEqual([]);
  });
});
