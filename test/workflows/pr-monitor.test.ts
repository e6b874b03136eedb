/**
 * PrMonitorWorkflow against the GitHub emulator (must-show 4): three pull requests needing work
 * and two healthy ones → exactly three fix workflows; a second cycle (from the CLI) and a cycle
 * fired by the Temporal Schedule start none. The fixes are sent to a queue nobody polls, so
 * they stay running (as real fixes would) without starting agents.
 */
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitorScheduleId, upsertMonitorSchedule } from '../../src/cli/monitor-command.js';
import { projectRoot } from '../../src/config/config.js';
import { prWorkflowId } from '../../src/domain/identifiers.js';
import type { MonitorInput } from '../../src/domain/pr-monitor.js';
import { startGithubEmulator, type GithubEmulator } from '../../src/rehearsal/github-emulator/server.js';
import type { MonitorCycle } from '../../src/workflows/pr-monitor.js';
import { rigEnv, startRig, type Rig } from '../support/harness.js';
import { git, makeRepo, waitFor } from '../support/repo.js';

const TOKEN = 'ghp_monitorTestToken0987654321';
let rig: Rig;
let emu: GithubEmulator;
let widgetsRepo: string;
let widgetsBare: string;

async function commitOn(dir: string, branch: string, from: string, file: string, content: string): Promise<void> {
  await git(dir, ['checkout', '--quiet', '-B', branch, from]);
  await execa('sh', ['-c', `printf '%s' "$1" > "$2"`, 'sh', content, file], { cwd: dir });
  await git(dir, [
    '-c',
    'user.email=dev@example.com',
    '-c',
    'user.name=Dev',
    'commit',
    '--quiet',
    '-am',
    `${branch}: ${file}`,
  ]);
  await git(dir, ['checkout', '--quiet', 'main']);
}

beforeAll(async () => {
  rig = await startRig('monitor');
  emu = await startGithubEmulator({ token: TOKEN, root: path.join(rig.tmp, 'github') });
  const widgets = await makeRepo(path.join(rig.tmp, 'widgets'), { 'a.txt': 'a\n', 'b.txt': 'b\n' });
  for (const b of ['red', 'talked', 'fine']) await commitOn(widgets, b, 'main', 'b.txt', `${b}\n`);
  const gadgets = await makeRepo(path.join(rig.tmp, 'gadgets'), { 'a.txt': 'a\n', 'c.txt': 'c\n' });
  await commitOn(gadgets, 'clash', 'main', 'a.txt', 'clash\n');
  await commitOn(gadgets, 'calm', 'main', 'c.txt', 'calm\n');
  await commitOn(gadgets, 'main', 'main', 'a.txt', 'moved on\n'); // main moves: "clash" now conflicts
  ({ bareRepoPath: widgetsBare } = await emu.addRepo('acme', 'widgets', { from: widgets }));
  widgetsRepo = widgets;
  await emu.addRepo('acme', 'gadgets', { from: gadgets });
  emu.setCi(({ readFile }) => [
    { name: 'ci', status: 'completed', conclusion: readFile('b.txt')?.startsWith('red') ? 'failure' : 'success' },
  ]);
  await rig.startWorkers({ github: { apiUrl: emu.url, token: TOKEN, threadPageSize: 50 } });
}, 120_000);

afterAll(async () => {
  await rig?.close();
  await emu?.close();
});

async function exists(workflowId: string): Promise<boolean> {
  try {
    await rig.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

describe('PR monitor', () => {
  it('starts exactly one fix per PR needing work, none for healthy ones, and none again on later cycles', async () => {
    const red = await emu.createPullRequest('acme', 'widgets', { head: 'red', base: 'main', title: 'red CI' });
    const talked = await emu.createPullRequest('acme', 'widgets', {
      head: 'talked',
      base: 'main',
      title: 'open thread',
    });
    const fine = await emu.createPullRequest('acme', 'widgets', { head: 'fine', base: 'main', title: 'healthy' });
    const clash = await emu.createPullRequest('acme', 'gadgets', { head: 'clash', base: 'main', title: 'conflicts' });
    const calm = await emu.createPullRequest('acme', 'gadgets', { head: 'calm', base: 'main', title: 'healthy too' });
    await emu.addReviewThread('acme', 'widgets', talked, { path: 'b.txt', line: 1, body: 'why?', author: 'lead' });
    await emu.tick();

    const input: MonitorInput = {
      repos: ['acme/widgets', 'acme/gadgets'],
      max: 10,
      fixTaskQueue: 'drover-test-nobody-polls',
    };
    emu.resetLog();
    const first = await rig.client.workflow.execute<(i: MonitorInput) => Promise<MonitorCycle>>('prMonitorWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: 'pr-monitor/test/1',
      args: [input],
    });
    const firstCalls = emu.requests().length;
    const needing = [
      prWorkflowId('acme', 'widgets', red),
      prWorkflowId('acme', 'widgets', talked),
      prWorkflowId('acme', 'gadgets', clash),
    ];
    expect(first.scanned).toBe(5);
    expect(first.started.sort()).toEqual([...needing].sort());
    expect(first.attached).toEqual([]);
    for (const id of needing) expect(await exists(id)).toBe(true);
    for (const n of [fine]) expect(await exists(prWorkflowId('acme', 'widgets', n))).toBe(false);
    expect(await exists(prWorkflowId('acme', 'gadgets', calm))).toBe(false);
    expect(first.apiRequests).toBe(1);
    expect(firstCalls).toBe(1);

    // a second cycle from the CLI: the same three are attached, nothing new starts
    emu.resetLog();
    const cli = await execa(
      'node',
      [path.join(projectRoot(), 'bin', 'drover.mjs'), 'monitor', 'acme/widgets', 'acme/gadgets', '--once', '--json'],
      { env: rigEnv(rig), reject: false },
    );
    expect(cli.stderr).toBe('');
    const second = JSON.parse(cli.stdout) as MonitorCycle;
    expect(second.started).toEqual([]);
    expect(second.attached.sort()).toEqual([...needing].sort());
    expect(emu.requests().length).toBe(1);

    // the scheduled form: a cycle fired by the Temporal Schedule also starts none
    await upsertMonitorSchedule(rig.client, rig.config.taskQueue, 'test', input, 3600);
    const schedule = rig.client.schedule.getHandle(monitorScheduleId('test'));
    try {
      await schedule.trigger();
      const fired = await waitFor(
        'the scheduled cycle',
        async () => (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId,
        30_000,
      );
      const third = (await rig.client.workflow.getHandle(fired).result()) as MonitorCycle;
      expect(third.started).toEqual([]);
      expect(third.attached).toHaveLength(3);
      expect(await upsertMonitorSchedule(rig.client, rig.config.taskQueue, 'test', { ...input, max: 2 }, 600)).toBe(
        'updated',
      );
    } finally {
      await schedule.delete();
    }
    console.log(
      `monitor: ${first.scanned} open PRs over 2 repositories; GitHub requests per cycle: ${firstCalls} (first), 1 (second)`,
    );

    // the attempt ledger: the three fixes end escalated (a test double of the fix workflow ends
    // them); the next cycle restarts none on the same heads; a human's push to one restarts that one
    const connection = await NativeConnection.connect({ address: rig.config.temporal.address });
    const doubles = await Worker.create({
      connection,
      namespace: rig.config.temporal.namespace,
      taskQueue: 'drover-test-nobody-polls',
      workflowsPath: path.join(projectRoot(), 'test', 'support', 'doubles', 'escalating-fix-workflow.mjs'),
    });
    await doubles.runUntil(async () => {
      for (const id of needing)
        await waitFor(
          `${id} ended`,
          async () =>
            (await rig.client.workflow.getHandle(id).describe()).status.name === 'COMPLETED' ? true : undefined,
          60_000,
        );
      const held = await rig.client.workflow.execute<(i: MonitorInput) => Promise<MonitorCycle>>('prMonitorWorkflow', {
        taskQueue: rig.config.taskQueue,
        workflowId: 'pr-monitor/test/held',
        args: [input],
      });
      expect(held.started).toEqual([]);
      expect(held.held.map((h) => h.workflowId).sort()).toEqual([...needing].sort());
      expect(held.held[0]!.why).toMatch(/escalated on .*starts again after a new push by a human/);
      await commitOn(widgetsRepo, 'red', 'red', 'b.txt', 'red again\n');
      await git(widgetsRepo, ['push', '--quiet', widgetsBare, 'red:red']);
      await emu.tick();
      const after = await rig.client.workflow.execute<(i: MonitorInput) => Promise<MonitorCycle>>('prMonitorWorkflow', {
        taskQueue: rig.config.taskQueue,
        workflowId: 'pr-monitor/test/after-push',
        args: [input],
      });
      expect(after.started).toEqual([prWorkflowId('acme', 'widgets', red)]);
      expect(after.held).toHaveLength(2);
    });
    await connection.close();
  }, 240_000);
});
