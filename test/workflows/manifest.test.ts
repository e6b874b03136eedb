import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestRunInput, ManifestRunState } from '../../src/domain/manifest-run.js';
import { ManifestSchema } from '../../src/domain/manifest-schema.js';
import { criticalPathBound } from '../../src/domain/scheduler.js';
import { EXAMPLE_FILES, EXAMPLE_REPO_FILES, exampleManifest, exampleScenario } from '../support/example-manifest.js';
import { rigEnv, startRig, type Rig } from '../support/harness.js';
import { git, makeRepo } from '../support/repo.js';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig('mf');
  await rig.startWorkers();
});

afterAll(async () => {
  await rig?.close();
});

const PHASE2 = ['t4', 't5', 't6', 't7', 't8'];

/** Checks a finished run against every rule: dependencies, one task per file, gates, once each. */
function checkRun(state: ManifestRunState, gates: 'strict' | 'deps') {
  const manifest = ManifestSchema.parse(exampleManifest());
  const span = (id: string) => {
    const start = state.log.filter((l) => l.task === id && l.event === 'start');
    const end = state.log.filter((l) => l.task === id && l.event === 'end');
    expect(start, `${id} started once`).toHaveLength(1);
    expect(end, `${id} ended once`).toHaveLength(1);
    return { start: Date.parse(start[0]!.at), end: Date.parse(end[0]!.at) };
  };
  const spans = Object.fromEntries(Object.keys(EXAMPLE_FILES).map((id) => [id, span(id)]));
  for (const phase of manifest.phases)
    for (const t of phase.tasks)
      for (const d of t.dependsOn) expect(spans[d]!.end, `${d} before ${t.id}`).toBeLessThanOrEqual(spans[t.id]!.start);
  const ids = Object.keys(EXAMPLE_FILES);
  for (const a of ids)
    for (const b of ids) {
      if (a >= b || EXAMPLE_FILES[a] !== EXAMPLE_FILES[b]) continue;
      const overlap = spans[a]!.start < spans[b]!.end && spans[b]!.start < spans[a]!.end;
      expect(overlap, `${a} and ${b} share ${EXAMPLE_FILES[a]}`).toBe(false);
    }
  if (gates === 'strict') {
    const phase1End = Math.max(...['t1', 't2', 't3'].map((id) => spans[id]!.end));
    for (const id of PHASE2) expect(spans[id]!.start).toBeGreaterThanOrEqual(phase1End);
  }
  const makespan = Math.max(...ids.map((id) => spans[id]!.end)) - Math.min(...ids.map((id) => spans[id]!.start));
  const mean = ids.reduce((n, id) => n + spans[id]!.end - spans[id]!.start, 0) / ids.length;
  const bound = criticalPathBound(manifest, undefined, gates);
  console.log(
    `[manifest ${gates}] makespan ${(makespan / 1000).toFixed(1)} s; critical path ${bound} tasks × mean task ${(mean / 1000).toFixed(1)} s = ${((bound * mean) / 1000).toFixed(1)} s`,
  );
  return { makespan, bound, mean };
}

/** `drover cleanup RUN` removes finished tasks' worktrees and branches, except one with an unpushed commit. */
async function cleanupKeepsUnpushedWork(name: string) {
  const { existsSync } = await import('node:fs');
  const { writeFile } = await import('node:fs/promises');
  const { execa } = await import('execa');
  const { projectRoot } = await import('../../src/config/config.js');
  const list = await listTaskWorktrees(name);
  const t1 = list.find((w) => w.endsWith(`${name}-t1`))!;
  await writeFile(path.join(t1, 'extra.txt'), 'not pushed\n');
  await git(t1, ['add', 'extra.txt']);
  await git(t1, ['commit', '-q', '-m', 'local only']);
  const res = await execa('node', [path.join(projectRoot(), 'bin', 'drover.mjs'), 'cleanup', name, '--json'], {
    env: rigEnv(rig),
  });
  const outcomes = JSON.parse(res.stdout) as { task: string; action: string; why: string }[];
  expect(outcomes).toHaveLength(8);
  expect(outcomes.find((o) => o.task === `${name}-t1`)).toMatchObject({
    action: 'kept',
    why: expect.stringContaining('not on the remote'),
  });
  expect(outcomes.filter((o) => o.action === 'removed')).toHaveLength(7);
  expect(existsSync(t1)).toBe(true);
  for (const w of list.filter((p) => p !== t1)) expect(existsSync(w)).toBe(false);
}

async function listTaskWorktrees(name: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const out: string[] = [];
  const repos = path.join(rig.config.workspace, 'repos');
  for (const key of await readdir(repos)) {
    const dir = path.join(repos, key, 'worktrees');
    for (const w of await readdir(dir).catch(() => [] as string[]))
      if (w.startsWith(`${name}-`)) out.push(path.join(dir, w));
  }
  return out;
}

describe('ManifestWorkflow with scripted claude agents', () => {
  for (const gates of ['strict', 'deps'] as const) {
    it(`runs the convention's example with ${gates} gates: dependencies kept, one task per file, each task once`, async () => {
      const repo = await makeRepo(path.join(rig.tmp, `repo-${gates}`), EXAMPLE_REPO_FILES);
      const name = `ex-${gates}`;
      const input: ManifestRunInput = {
        name,
        manifest: exampleManifest(name),
        repo,
        gates,
        slots: 3,
        scenarios: Object.fromEntries(Object.keys(EXAMPLE_FILES).map((id) => [id, exampleScenario(id)])),
        policy: { idleSeconds: 5 },
      };
      const handle = await rig.client.workflow.start('manifestWorkflow', {
        taskQueue: rig.config.taskQueue,
        workflowId: `manifest/${name}`,
        args: [input],
      });
      const state = (await handle.result()) as ManifestRunState;
      expect(state.tasks.map((t) => t.status)).toEqual(Array(8).fill('complete'));
      checkRun(state, gates);
      for (const t of state.tasks)
        expect(await git(repo, ['show', `${t.branch}:${EXAMPLE_FILES[t.id]}`])).toBe(`// edited by ${t.id}`);
      if (gates === 'strict') await cleanupKeepsUnpushedWork(name);
    }, 300_000);
  }
});
