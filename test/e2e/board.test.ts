import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskWorkflowId } from '../../src/domain/identifiers.js';
import type { ManifestRunInput } from '../../src/domain/manifest-run.js';
import type { SimScriptInput } from '../../src/domain/sim-script.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { startBoardServer, type BoardServer } from '../../src/cli/board/board-server.js';
import { stateQuery } from '../../src/workflows/task-messages.js';
import { manifestRunQuery, WAITING_FOR_A_HUMAN } from '../../src/domain/saved-queries.js';
import { resultWithin, startRig, type Rig } from '../support/harness.js';
import { makeRepo, waitFor } from '../support/repo.js';

/**
 * The fleet board in a real browser: Chromium from the Debian package (`chromium`), driven by
 * playwright-core through `executablePath` (no browser download). The board reads the fleet as
 * `drover status` does and acts through the CLI's signals and updates.
 * DROVER_BOARD_SHOTS=DIR keeps the screenshots there (docs/images/ holds the committed ones).
 */
const CHROMIUM = process.env.DROVER_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
const N = 10;
const DANGER = 'rm -rf /tmp/drover-board-scratch';

let rig: Rig;
let board: BoardServer;
let boardClient: Client;
let browser: Browser;
let page: Page;
let shots: string;

beforeAll(async () => {
  if (!CHROMIUM) throw new Error('Chromium not found: apt-get install -y chromium (or set DROVER_CHROMIUM)');
  rig = await startRig('board');
  rig.config.slots = N + 4; // one host runs the ten agents and the manifest run's
  await rig.startWorkers();
  boardClient = new Client({ connection: rig.client.connection, namespace: 'default', identity: 'drover-board@test' });
  board = await startBoardServer({ client: boardClient, host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  shots = process.env.DROVER_BOARD_SHOTS ?? path.join(rig.tmp, 'shots');
  await mkdir(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await board?.close();
  await rig?.close();
});

/**
 * Nine agents work, commit, report their checkpoint and finish at different times (the first one
 * at once); the last asks to run a dangerous command first.
 */
function script(n: number): SimScriptInput {
  const work = { kind: 'work' as const, ms: 1500 + 900 * n, everyMs: 400, text: `task ${n}: building…` };
  const finish: SimScriptInput['phases'] = [
    { kind: 'commit', file: `board-${n}.txt`, content: `agent ${n}\n`, message: `board ${n}` },
    { kind: 'checkpoint', step: 'fix' },
    // a done right on the checkpoint's heels can race the checkpoint's push (seen once on a loaded
    // machine: "cannot lock ref … reference already exists", a re-brief); not what this test is about
    { kind: 'work', ms: 1500 },
    { kind: 'done' },
  ];
  if (n === N - 1)
    return {
      phases: [
        { kind: 'work', ms: 1500, everyMs: 400 },
        { kind: 'dialog', command: DANGER, description: 'Remove scratch files' },
        ...finish,
      ],
    };
  return {
    phases: [
      work,
      { kind: 'say', lines: [`task ${n} wrote the fix`] },
      { kind: 'work', ms: 20_000 + 2000 * n, everyMs: 500 },
      ...finish,
    ],
  };
}

/** The phase the board's row shows, as the browser has it. */
const rowPhase = (id: string) =>
  page
    .locator(`tr[data-id="${id}"] [data-col=phase]`)
    .first()
    .textContent({ timeout: 1000 })
    .catch(() => null);

/** Waits until the browser's row shows `phase`; returns when it did (epoch ms). */
async function shown(id: string, phase: string, timeoutMs: number): Promise<number> {
  const selector = JSON.stringify(`tr[data-id="${id}"] [data-col=phase]`);
  await page.waitForFunction(
    `document.querySelector(${selector})?.textContent === ${JSON.stringify(phase)}`,
    undefined,
    {
      timeout: timeoutMs,
      polling: 50,
    },
  );
  return Date.now();
}

describe('drover board in Chromium', () => {
  it('10 sim agents: 10 rows with live phases; Approve on the waiting one lets it finish, recorded as the board', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo'));
    const ids = Array.from({ length: N }, (_, n) => `board-${n}`);
    await page.goto(board.url);
    const handles = await Promise.all(
      ids.map((taskId, n) => {
        const input: TaskInput = {
          taskId,
          repo,
          branch: `drover/${taskId}`,
          objective: `Board task ${n}`,
          steps: ['fix'],
          agent: 'sim',
          scenario: script(n),
          policy: { idleSeconds: 30, nudgeCooldownSeconds: 30 },
        };
        return rig.client.workflow.start('agentTaskWorkflow', {
          taskQueue: rig.config.taskQueue,
          workflowId: taskWorkflowId(taskId),
          args: [input],
        });
      }),
    );
    const waiting = handles[N - 1]!;
    await page.waitForFunction(`document.querySelectorAll('#grid-body tr.row').length === ${N}`, undefined, {
      timeout: 30_000,
    });

    // the dangerous dialog: the workflow records when it started waiting; the board shows it within 2 s
    const asked = await waitFor(
      'the dangerous dialog to wait for a human',
      async () => {
        const s: TaskState = await waiting.query(stateQuery);
        return s.phase === 'waiting-human' ? s : undefined;
      },
      90_000,
      100,
    );
    const askedAt = Date.parse(asked.events.find((e) => e.what.startsWith('dialog needs a human'))!.at);
    const seenWaiting = await shown(waiting.workflowId, 'waiting-human', 30_000);
    const waitLag = seenWaiting - askedAt;
    // the saved query of docs/web-ui.md lists exactly the task that waits
    const listed: string[] = [];
    for await (const wf of rig.client.workflow.list({ query: WAITING_FOR_A_HUMAN })) listed.push(wf.workflowId);
    expect(listed).toEqual([waiting.workflowId]);
    const waitingRow = page.locator(`tr[data-id="${waiting.workflowId}"]`);
    await expect(waitingRow.locator('.ask').textContent()).resolves.toContain(DANGER);
    // every row shows the phase its workflow is in (read back from the workflows now)
    expect(await page.locator('#grid-body tr.row').count()).toBe(N);
    for (const h of handles) {
      // the row and the workflow agree (a phase may move on between the two reads: look again)
      await expect
        .poll(async () => (await rowPhase(h.workflowId)) === (await h.query(stateQuery)).phase, { timeout: 10_000 })
        .toBe(true);
    }
    // pause one from its detail view: the grid shows it paused
    const paused = handles[1]!;
    await resultWithin(handles[0]!, 60_000);
    await page.goto(`${board.url}#/task/${encodeURIComponent(paused.workflowId)}`);
    await page.locator('button[data-action=pause]').click();
    await page.locator('#toast', { hasText: 'paused ' }).waitFor({ timeout: 10_000 });
    await page.goto(`${board.url}#/`);
    await shown(paused.workflowId, 'paused', 10_000);
    await shown(handles[0]!.workflowId, 'done', 10_000);
    await page.screenshot({ path: path.join(shots, 'board-grid.png'), fullPage: true });

    // the detail view: the live screen, the dialog's text and the buttons
    await waitingRow.click();
    await page.locator('#pending').waitFor({ timeout: 10_000 });
    await expect(page.locator('#pending').textContent()).resolves.toContain(DANGER);
    await page.screenshot({ path: path.join(shots, 'board-task.png'), fullPage: true });
    await page.goto(`${board.url}#/`);
    await page.locator(`tr[data-id="${waiting.workflowId}"] button[data-action=approve]`).click();
    await page.locator('#toast', { hasText: 'approve recorded' }).waitFor({ timeout: 10_000 });
    await page.goto(`${board.url}#/task/${encodeURIComponent(paused.workflowId)}`);
    await page.locator('button[data-action=resume]').click();
    await page.locator('#toast', { hasText: 'resumed ' }).waitFor({ timeout: 10_000 });
    await page.goto(`${board.url}#/`);

    const result = await resultWithin<TaskResult>(waiting, 90_000);
    expect(result.state).toBe('done');
    expect(result.dialogs).toContainEqual({ kind: 'permission', decision: 'approve' });
    const finished: TaskState = await waiting.query(stateQuery);
    const seenDone = await shown(waiting.workflowId, 'done', 30_000);
    const doneLag = seenDone - Date.parse(finished.finishedAt!);
    // the decision says who answered, in the task's decisions and in Temporal's history
    expect(finished.events.map((e) => e.what)).toContain(`approved by a human (board): ${DANGER}`);
    expect(finished.dialogs.find((d) => d.decidedBy === 'human')).toMatchObject({
      decision: 'approve',
      reason: 'approved by a human (board)',
    });
    const history = await waiting.fetchHistory();
    const accepted = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(accepted).toHaveLength(1);
    const request = accepted[0]!.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!;
    expect(request.input?.name).toBe('approve');
    expect(request.meta?.identity).toBe('drover-board@test');
    expect(JSON.parse(Buffer.from(request.input!.args!.payloads![0]!.data!).toString('utf8')) as unknown).toEqual({
      source: 'board',
    });
    // and the board's decision log shows it
    await page.goto(`${board.url}#/task/${encodeURIComponent(waiting.workflowId)}`);
    await expect
      .poll(() => page.locator('#decisions').textContent(), { timeout: 10_000 })
      .toContain(`approved by a human (board): ${DANGER}`);
    // the branch's diff so far: the sim's commit
    await page.locator('h2:has-text("Branch diff") button').click();
    await expect.poll(() => page.locator('#diff').textContent(), { timeout: 10_000 }).toContain(`board-${N - 1}.txt`);
    // the 2 s goal is measured by bench/board.ts (no timing is asserted in a test); this run's lags, for the log:
    console.log(
      `board lag: waiting-human shown ${waitLag} ms after the workflow asked; done shown ${doneLag} ms after it finished`,
    );

    for (const h of handles.slice(0, N - 1)) expect((await resultWithin<TaskResult>(h, 120_000)).state).toBe('done');
    await page.goto(`${board.url}#/`);
    await page.waitForFunction(
      `[...document.querySelectorAll('#grid-body [data-col=phase]')].filter((e) => e.textContent === 'done').length === ${N}`,
      undefined,
      { timeout: 10_000 },
    );
  }, 300_000);

  it('a manifest run as a DAG with each task state', async () => {
    const repo = await makeRepo(path.join(rig.tmp, 'repo-run'));
    const quick = (n: number): SimScriptInput => ({
      phases: [
        { kind: 'work', ms: 1500 + 500 * n, everyMs: 400 },
        { kind: 'commit', file: `run-${n}.txt`, content: `${n}\n`, message: `run ${n}` },
        { kind: 'checkpoint', step: 'fix' },
        { kind: 'done' },
      ],
    });
    const tasks = [
      { id: 'parse', title: 'Parse the config', dependsOn: [] as string[] },
      { id: 'schema', title: 'Config schema', dependsOn: [] },
      { id: 'load', title: 'Load from file', dependsOn: ['parse', 'schema'] },
      { id: 'docs', title: 'Document the config', dependsOn: ['load'] },
    ];
    const input: ManifestRunInput = {
      name: 'board-run',
      manifest: {
        phases: [{ name: 'config', tasks: tasks.map((t) => ({ ...t, files: [`${t.id}.ts`], steps: ['fix'] })) }],
      },
      repo,
      gates: 'deps',
      slots: 2,
      agent: 'sim',
      scenarios: Object.fromEntries(tasks.map((t, i) => [t.id, quick(i)])),
      policy: { idleSeconds: 30 },
    };
    const handle = await rig.client.workflow.start('manifestWorkflow', {
      taskQueue: rig.config.taskQueue,
      workflowId: 'manifest/board-run',
      args: [input],
    });
    await page.goto(`${board.url}#/runs`);
    await page.locator('text=manifest/board-run').click();
    await page.locator('#dag [data-task=docs]').waitFor({ timeout: 30_000 });
    // three levels: parse and schema, then load, then docs
    expect(await page.locator('#dag .level').count()).toBe(3);
    await expect
      .poll(() => page.locator('#dag [data-task=load]').textContent(), { timeout: 90_000 })
      .toMatch(/running|complete/);
    await page.screenshot({ path: path.join(shots, 'board-run.png'), fullPage: true });
    await resultWithin(handle, 180_000);
    const inRun: string[] = [];
    for await (const wf of rig.client.workflow.list({ query: manifestRunQuery('board-run') }))
      inRun.push(wf.workflowId);
    expect(inRun.sort()).toEqual(tasks.map((t) => `task/board-run/${t.id}`).sort());
    await expect
      .poll(() => page.locator('#dag [data-task=docs] .badge').textContent(), { timeout: 10_000 })
      .toBe('complete');
  }, 300_000);
});
