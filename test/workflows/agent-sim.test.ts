import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../../src/config/config.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskWorkflowId } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { stateQuery } from '../../src/workflows/task-messages.js';
import type { SimScriptInput } from '../../src/domain/sim-script.js';
import { abortSignal } from '../../src/workflows/task-messages.js';
import { resultWithin, rigEnv, startRig, type Rig } from '../support/harness.js';
import { git, makeRepo, waitFor } from '../support/repo.js';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig('sim');
  await rig.startWorkers();
});

afterAll(async () => {
  await rig?.close();
});

const script = (n: number): SimScriptInput => ({
  phases: [
    { kind: 'work', ms: 300 + 200 * n, everyMs: 100 },
    { kind: 'dialog', command: 'git add -A && git commit -m "sim"', description: 'Commit the work' },
    { kind: 'commit', file: `sim-${n}.txt`, content: `agent ${n}\n`, message: `sim ${n}` },
    { kind: 'checkpoint', step: 'fix' },
    { kind: 'done' },
  ],
});

describe('AgentTaskWorkflow with sim agents', () => {
  it('three sim agents in parallel: dialog approved by policy, checkpoint seen, done verified and pushed', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo'));
    const handles = await Promise.all(
      [0, 1, 2].map((n) => {
        const taskId = `sim-${n}`;
        const input: TaskInput = {
          taskId,
          repo,
          branch: `drover/${taskId}`,
          objective: `Sim task ${n}`,
          steps: ['fix'],
          agent: 'sim',
          scenario: script(n),
          policy: { idleSeconds: 3, nudgeCooldownSeconds: 2 },
        };
        return rig.client.workflow.start('agentTaskWorkflow', {
          taskQueue: rig.config.taskQueue,
          workflowId: taskWorkflowId(taskId),
          args: [input],
        });
      }),
    );
    const results = await Promise.all(handles.map((h) => resultWithin<TaskResult>(h, 90_000)));
    for (const [n, result] of results.entries()) {
      expect(result.state).toBe('done');
      expect(result.checkpoints).toEqual(['fix']);
      expect(result.dialogs).toEqual([{ kind: 'permission', decision: 'approve' }]);
      expect(await git(repo, ['rev-parse', `refs/heads/drover/sim-${n}`])).toBe(result.commit);
      expect(await git(repo, ['show', `${result.commit}:sim-${n}.txt`])).toBe(`agent ${n}`);
    }
    // the watch answered each dialog itself (the policy approves a commit), and each task recorded it
    for (const handle of handles) {
      const s: TaskState = await handle.query(stateQuery);
      expect(s.events.filter((e) => /^approved permission .* \(answered by the watch\)/.test(e.what))).toHaveLength(1);
      expect(s.watcherActions).toBe(1);
    }
  });

  it('drover report waits for a Temporal server that is down and delivers the report once it is back', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-report'));
    const taskId = 'sim-report';
    const input: TaskInput = {
      taskId,
      repo,
      branch: `drover/${taskId}`,
      objective: 'Report while the server is away',
      steps: ['fix'],
      agent: 'sim',
      scenario: { phases: [{ kind: 'work', ms: 120_000, everyMs: 500 }] },
    };
    const handle = await rig.client.workflow.start('agentTaskWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: taskWorkflowId(taskId),
      args: [input],
    });
    await waitFor(
      'the brief to be submitted',
      async () => ((await handle.query(stateQuery)).briefSubmittedAt ? true : undefined),
      60_000,
    );
    // a port where nothing listens yet; later a TCP relay to the real server opens on it (the server "comes back")
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(p));
      });
    });
    const [host, upstreamPort] = rig.config.temporal.address.split(':') as [string, string];
    const sockets = new Set<net.Socket>();
    const relay = net.createServer((client) => {
      const upstream = net.connect(Number(upstreamPort), host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    const reporting = execa('node', [path.join(projectRoot(), 'bin', 'drover.mjs'), 'report', 'checkpoint', 'fix'], {
      env: {
        ...rigEnv(rig),
        TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
        DROVER_WORKFLOW_ID: taskWorkflowId(taskId),
        DROVER_REPORT_WAIT_SECONDS: '60',
      },
      reject: false,
      timeout: 90_000,
    });
    // the client's own connect timeout (15 s) passes first: open the relay only once the CLI says it will try again
    let stderr = '';
    reporting.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(
      'the CLI to give up a first connection',
      async () => (stderr.includes('trying again') ? true : undefined),
      40_000,
      100,
    );
    expect((await handle.query(stateQuery)).checkpoints).toEqual([]);
    await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
    try {
      const res = await reporting;
      expect(res.exitCode).toBe(0);
      expect(stderr).toContain('Temporal is not reachable');
      const s: TaskState = await handle.query(stateQuery);
      expect(s.checkpoints).toEqual(['fix']);
    } finally {
      for (const s of sockets) s.destroy();
      relay.close();
      await handle.signal(abortSignal, 'test over');
      await resultWithin(handle, 60_000);
    }
  });
});
