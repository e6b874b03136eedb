/**
 * GitHub API requests per PR-hour while Drover supervises, counted by the GitHub emulator:
 * a repository with PRS open pull requests, the PR monitor on a Temporal Schedule every
 * MONITOR_EVERY seconds, and one fix in progress (a sim agent fixed it; Drover pushed and now
 * waits for CI, which never reports, polling every CI_POLL seconds). The log is reset when the fix
 * starts waiting on CI, then counted for WINDOW seconds. Prints a table and writes
 * bench/results/github-requests.json. Not a test: no assertions.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { monitorScheduleId, upsertMonitorSchedule } from '../src/cli/monitor-command.js';
import { projectRoot } from '../src/config/config.js';
import { prTaskInput } from '../src/domain/pr-task.js';
import type { TaskState } from '../src/domain/task.js';
import { startGithubEmulator } from '../src/rehearsal/github-emulator/server.js';
import { routeKey } from '../src/rehearsal/github-emulator/request-log.js';
import { stateQuery } from '../src/workflows/task-messages.js';
import { startRig } from '../test/support/harness.js';
import { git, makeRepo, waitFor } from '../test/support/repo.js';

const PRS = Number(process.env.BENCH_PRS ?? 4);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 180);
const MONITOR_EVERY = Number(process.env.BENCH_MONITOR_EVERY ?? 30);
const CI_POLL = Number(process.env.BENCH_CI_POLL ?? 15);
const TOKEN = 'ghp_benchRequestsToken0123456789abcd';

const rig = await startRig('bench-gh');
const emu = await startGithubEmulator({ token: TOKEN, root: path.join(rig.tmp, 'github') });
let result: Record<string, unknown>;
try {
  const src = await makeRepo(path.join(rig.tmp, 'widgets'), {
    'sum.js': 'export const sum = (a, b) => a - b;\n',
    'notes.txt': 'notes\n',
  });
  for (let i = 1; i <= PRS; i += 1) {
    await git(src, ['checkout', '--quiet', '-b', `feature-${i}`, 'main']);
    await execa('sh', ['-c', 'printf "notes %s\\n" "$1" > notes.txt', 'sh', String(i)], { cwd: src });
    await git(src, ['-c', 'user.email=d@d', '-c', 'user.name=d', 'commit', '--quiet', '-am', `feature ${i}`]);
    await git(src, ['checkout', '--quiet', 'main']);
  }
  await emu.addRepo('acme', 'widgets', { from: src });
  const numbers: number[] = [];
  for (let i = 1; i <= PRS; i += 1)
    numbers.push(
      await emu.createPullRequest('acme', 'widgets', { head: `feature-${i}`, base: 'main', title: `feature ${i}` }),
    );
  const fixing = numbers[0]!;
  // CI: green on every head except the one being fixed after Drover's push (it stays silent: the fix keeps waiting)
  const firstHead = (await emu.pull('acme', 'widgets', fixing)).headSha!;
  emu.setCi(({ number, sha }) =>
    number === fixing && sha !== firstHead
      ? []
      : [{ name: 'unit', status: 'completed', conclusion: number === fixing ? 'failure' : 'success' }],
  );
  await emu.tick();
  await rig.startWorkers({ github: { apiUrl: emu.url, token: TOKEN, threadPageSize: 50 } });

  const { workflowId, input } = prTaskInput(
    { owner: 'acme', repo: 'widgets', number: fixing },
    {
      agent: 'sim',
      scenario: {
        phases: [
          { kind: 'work', ms: 1000 },
          { kind: 'commit', file: 'sum.js', content: 'export const sum = (a, b) => a + b;\n', message: 'Fix sum' },
          { kind: 'checkpoint', step: 'pr-address' },
          { kind: 'checkpoint', step: 'pr-test' },
          { kind: 'done' },
        ],
      },
      policy: { idleSeconds: 5, ciWaitSeconds: 24 * 3600, ciPollSeconds: CI_POLL },
    },
  );
  const fix = await rig.client.workflow.start('agentTaskWorkflow', {
    taskQueue: rig.config.taskQueue,
    workflowId,
    args: [input],
  });
  await waitFor(
    'the fix to wait for CI',
    async () =>
      ((await fix.query(stateQuery)) as TaskState).events.some((e) => e.what.startsWith('waiting for CI')) || undefined,
    180_000,
    500,
  );

  emu.resetLog();
  const t0 = Date.now();
  await upsertMonitorSchedule(
    rig.client,
    rig.config.taskQueue,
    'bench',
    { repos: ['acme/widgets'], max: 10 },
    MONITOR_EVERY,
  );
  await new Promise((r) => setTimeout(r, WINDOW * 1000));
  const windowS = (Date.now() - t0) / 1000;
  const schedule = rig.client.schedule.getHandle(monitorScheduleId('bench'));
  const cycles = (await schedule.describe()).info.numActionsTaken;
  await schedule.delete();
  const log = emu.requests();
  const counts = emu.counts();
  const fixState = (await fix.query(stateQuery)) as TaskState;
  await fix.terminate('bench over');

  const monitorRequests = log.filter((r) => r.graphql && /Open|Scan|Monitor/i.test(r.operationName ?? '')).length;
  const perHour = (n: number) => Math.round((n * 3600) / windowS);
  const prHours = (PRS * windowS) / 3600;
  result = {
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
      at: new Date().toISOString(),
    },
    conditions: `${PRS} open PRs in 1 repository; monitor schedule every ${MONITOR_EVERY}s; 1 fix waiting for CI on its pushed head (CI never reports), polling every ${CI_POLL}s; window ${windowS.toFixed(0)}s from the moment the fix started waiting`,
    windowSeconds: Number(windowS.toFixed(1)),
    monitorCycles: cycles,
    total: counts.total,
    rest: counts.rest,
    graphql: counts.graphql,
    notModified: counts.notModified,
    byRoute: Object.fromEntries(Object.entries(counts.byRoute).sort((a, b) => b[1] - a[1])),
    monitorRequests,
    fixRequests: counts.total - monitorRequests,
    requestsPerHour: perHour(counts.total),
    requestsPerPrHour: Number((counts.total / prHours).toFixed(1)),
    rateLimitCostPerHour: perHour(counts.total - counts.notModified),
    monitorRequestsPerCycle: cycles > 0 ? Number((monitorRequests / cycles).toFixed(2)) : null,
    fixRequestsPerHour: perHour(counts.total - monitorRequests),
    fixPhaseAtEnd: fixState.phase,
    routesSeen: [...new Set(log.map(routeKey))],
  };
  console.log(
    `\n${result.conditions}\nmachine: ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  console.log('route                                                        requests  per hour');
  for (const [route, n] of Object.entries(result.byRoute as Record<string, number>))
    console.log(`${route.padEnd(60)} ${String(n).padStart(8)} ${String(perHour(n)).padStart(9)}`);
  console.log(`${'total'.padEnd(60)} ${String(counts.total).padStart(8)} ${String(perHour(counts.total)).padStart(9)}`);
  console.log(
    `\n${cycles} monitor cycles, ${monitorRequests} monitor requests (${result.monitorRequestsPerCycle} per cycle, for all ${PRS} PRs); fix waiting for CI: ${result.fixRequests as number} requests (${result.fixRequestsPerHour as number}/h), ${counts.notModified} of all answered 304 (no rate-limit cost)`,
  );
  console.log(
    `requests per PR-hour: ${result.requestsPerPrHour as number} (${counts.total} requests over ${PRS} PRs × ${windowS.toFixed(0)} s, extrapolated linearly at these cadences)`,
  );
  await writeFile(
    path.join(projectRoot(), 'bench', 'results', 'github-requests.json'),
    JSON.stringify(result, null, 2) + '\n',
  );
} finally {
  await rig.close();
  await emu.close();
}
process.exit(0);
