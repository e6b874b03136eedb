import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestRunInput, ManifestRunState } from '../../src/domain/manifest-run.js';
import type { TaskState } from '../../src/domain/task.js';
import { manifestStateQuery } from '../../src/workflows/manifest.js';
import { EXAMPLE_FILES, EXAMPLE_REPO_FILES, exampleManifest, exampleScenario } from '../support/example-manifest.js';
import { rigTmux, startRig, type Rig } from '../support/harness.js';
import { makeRepo, waitFor } from '../support/repo.js';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig('mfcrash');
});

afterAll(async () => {
  await rig?.close();
});

describe('the worker SIGKILLed during a manifest run', () => {
  it('the run completes and no task runs twice', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo'), EXAMPLE_REPO_FILES);
    const name = 'crashrun';
    const input: ManifestRunInput = {
      name,
      manifest: exampleManifest(name),
      repo,
      gates: 'deps',
      slots: 3,
      scenarios: Object.fromEntries(Object.keys(EXAMPLE_FILES).map((id) => [id, exampleScenario(id)])),
      policy: { idleSeconds: 5 },
    };
    let worker = rig.spawnWorker();
    const handle = await rig.client.workflow.start('manifestWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: `manifest/${name}`,
      args: [input],
    });
    for (const waitStarts of [2, 5]) {
      await waitFor(
        `${waitStarts} tasks started`,
        async () => {
          const s = await handle.query(manifestStateQuery);
          return s.log.filter((l) => l.event === 'start').length >= waitStarts ? true : undefined;
        },
        180_000,
      );
      worker.kill('SIGKILL');
      await worker;
      worker = rig.spawnWorker();
    }
    const state = (await handle.result()) as ManifestRunState;
    expect(state.tasks.map((t) => t.status)).toEqual(Array(8).fill('complete'));
    for (const t of state.tasks) {
      expect(t.attempts, `${t.id} attempts`).toBe(1);
      expect(state.log.filter((l) => l.task === t.id && l.event === 'start')).toHaveLength(1);
      const child = await rig.client.workflow.getHandle(t.workflowId).describe();
      const childState = child.memo?.droverState as TaskState;
      // A worker killed mid-spawn leaves a window whose retried spawn finds it live: "reused", never a second agent.
      const launched = childState.events.filter((e) => /^agent launched/.test(e.what)).length;
      const reused = childState.events.filter((e) => /^agent reused/.test(e.what)).length;
      expect(launched, `${t.id} agent launches`).toBeLessThanOrEqual(1);
      expect(launched + reused, `${t.id} spawn outcomes`).toBeGreaterThanOrEqual(1);
      expect(childState.crashes, `${t.id} crashes`).toBe(0);
    }
    const tmux = rigTmux(rig);
    const windows = (await tmux.listPanes()).map((p) => p.windowName).filter((n) => n.startsWith(name));
    expect(windows.sort()).toEqual(
      Object.keys(EXAMPLE_FILES)
        .map((id) => `${name}-${id}`)
        .sort(),
    );
  }, 420_000);
});
