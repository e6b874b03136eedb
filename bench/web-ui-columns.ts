/**
 * The Temporal Web UI with Drover's columns, for docs/web-ui.md: five sim agents (one waiting at a
 * dangerous dialog, one done), the Web UI of the same dev server in Debian's headless Chromium,
 * the columns of WEB_UI_COLUMNS added through its "Configure Columns" drawer, and the saved
 * view "Waiting for a human" (WAITING_FOR_A_HUMAN) made with its "Save as New". Screenshots go to
 * docs/images/ (or OUT=DIR). It drives the Web UI by its test ids (UI 2.54 of Temporal CLI 1.9):
 * a later UI may rename them, so this is a script, not a test.
 *   node --import tsx bench/web-ui-columns.ts
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { projectRoot } from '../src/config/config.js';
import { taskWorkflowId } from '../src/domain/identifiers.js';
import { ALL_TASKS, WAITING_FOR_A_HUMAN, WEB_UI_COLUMNS, webUiQueryLink } from '../src/domain/saved-queries.js';
import type { SimScriptInput } from '../src/domain/sim-script.js';
import type { TaskInput, TaskState } from '../src/domain/task.js';
import { abortSignal, stateQuery } from '../src/workflows/task-messages.js';
import { startRig } from '../test/support/harness.js';
import { makeRepo, waitFor } from '../test/support/repo.js';

const out = process.env.OUT ?? path.join(projectRoot(), 'docs', 'images');
const chromiumPath = process.env.DROVER_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: apt-get install -y chromium`);
await mkdir(out, { recursive: true });

const rig = await startRig('webui');
const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
try {
  await rig.startWorkers();
  const repo = await makeRepo(path.join(rig.tmp, 'repo'));
  const scripts: Record<string, SimScriptInput> = {
    'fix-parser': { phases: [{ kind: 'work', ms: 600_000, everyMs: 1000 }] },
    'add-tests': { phases: [{ kind: 'work', ms: 600_000, everyMs: 1000 }] },
    'clean-tmp': {
      phases: [
        { kind: 'work', ms: 500 },
        { kind: 'dialog', command: 'rm -rf /tmp/build-cache' },
      ],
    },
    'bump-deps': {
      phases: [
        { kind: 'work', ms: 500 },
        { kind: 'commit', file: 'deps.txt' },
        { kind: 'checkpoint', step: 'fix' },
        { kind: 'done' },
      ],
    },
    'docs-typos': { phases: [{ kind: 'work', ms: 600_000, everyMs: 1000 }] },
  };
  const handles = await Promise.all(
    Object.entries(scripts).map(([taskId, scenario]) => {
      const input: TaskInput = {
        taskId,
        repo,
        branch: `drover/${taskId}`,
        objective: `Web UI demo: ${taskId}`,
        steps: ['fix'],
        agent: 'sim',
        scenario,
        policy: { idleSeconds: 60 },
      };
      return rig.client.workflow.start('agentTaskWorkflow', {
        taskQueue: rig.config.taskQueue,
        workflowId: taskWorkflowId(taskId),
        args: [input],
        staticSummary: `${taskId} (sim agent)`,
      });
    }),
  );
  await waitFor(
    'one task waiting for a human and one done',
    async () => {
      const phases = await Promise.all(handles.map((h) => h.query(stateQuery).then((s: TaskState) => s.phase)));
      return phases.includes('waiting-human') && phases.includes('done') ? true : undefined;
    },
    120_000,
  );
  const workflows = `${rig.server.webUiUrl.replace(/\/$/, '')}/namespaces/default/workflows`;
  const page = await browser.newPage({ viewport: { width: 1700, height: 640 } });
  await page.goto(webUiQueryLink(workflows, ALL_TASKS));
  await page.getByTestId('workflows-summary-table-configuration-button').click();
  console.log(
    (
      await page
        .locator('[data-testid*=remove-button]')
        .evaluateAll((bs) => bs.map((b) => b.getAttribute('data-testid')))
    ).join(' '),
  );
  for (const column of ['Run ID', 'Type', 'End'])
    await page
      .getByTestId(`orderable-list-item-${column}-remove-button`)
      .click({ timeout: 3000 })
      .catch(() => console.log(`cannot remove ${column}`));
  for (const column of WEB_UI_COLUMNS) await page.getByTestId(`orderable-list-item-${column}-add-button`).click();
  await page.getByTestId('drawer-close-button').click();
  await page.locator('th', { hasText: 'DroverPhase' }).waitFor();
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(out, 'web-ui-columns.png') });
  console.log(
    `columns kept by the browser (localStorage namespace-workflow-table-columns): ${await page.evaluate(() => localStorage.getItem('namespace-workflow-table-columns'))}`,
  );

  await page.goto(webUiQueryLink(workflows, WAITING_FOR_A_HUMAN));
  await page.getByTestId('create-view-button').click();
  await page.getByTestId('workflow-save-view-modal-input').fill('Waiting for a human');
  await page.getByTestId('confirm-modal-button').filter({ hasText: 'Save' }).filter({ visible: true }).click();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(out, 'web-ui-waiting.png') });

  await page.setViewportSize({ width: 1500, height: 1000 });
  await page.goto(`${workflows}/${encodeURIComponent(taskWorkflowId('clean-tmp'))}`);
  await page.getByText('User Metadata').click();
  await page.waitForTimeout(2000);
  await page.screenshot({ path: path.join(out, 'web-ui-task.png') });
  console.log(`screenshots in ${out}`);
  for (const h of handles) await h.signal(abortSignal, 'demo over').catch(() => undefined);
} finally {
  await browser.close();
  await rig.close();
}
