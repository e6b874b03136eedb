/**
 * `npm run chaos`: the full chaos run (test/support/chaos/run.ts) on this machine — the 10-task
 * manifest, an agent that crashes on every start and a PR fix under GitHub fault storms, while the
 * worker is SIGKILLed four times, Temporal is killed and restarted, the tmux server is killed and a
 * running task's worktree is deleted. Prints what happened and the invariants; writes
 * bench/results/chaos.json; exits non-zero when an invariant does not hold.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../src/config/config.js';
import { runChaos, type ChaosReport } from '../test/support/chaos/run.js';
import { loadWanted, startLoad } from '../test/support/load-mode.js';

const line = (s: string) => process.stdout.write(`${s}\n`);

line('chaos: 10 tasks (slots 3) + a crash-on-every-start agent + a PR fix under GitHub fault storms');
// CHAOS_LOAD=1: the run beside CPU hogs (test/support/load-mode.ts)
const load = loadWanted(process.env, 'CHAOS_LOAD') ? await startLoad() : undefined;
const report = await runChaos({
  name: 'chaos',
  slots: 3,
  workerKillsAtStarts: [2, 5, 7, 9],
  tmuxKillAtStarts: 3,
  temporalRestartAtCompleted: 3,
  temporalDownMs: 8000,
  deleteWorktreeOf: 't10',
  crashy: { crashCap: 2, humanWaitSeconds: 15 },
  prStorm: true,
  timeoutMs: 15 * 60_000,
  print: line,
});

function table(r: ChaosReport) {
  line('');
  line('task  status     starts launches(+relaunch) crashes extra  windows(max/ids) restored  commit      pushed lost');
  for (const t of r.tasks) {
    line(
      `${t.id.padEnd(5)} ${t.status.padEnd(10)} ${String(t.starts).padStart(6)} ${`${t.launched}+${t.relaunched}`.padStart(19)} ${String(t.crashes).padStart(7)} ${String(t.extraLaunches).padStart(5)}  ${`${t.maxWindows}/${t.windowIds}`.padStart(16)} ${(t.worktreeRestored ? 'yes' : '-').padStart(8)}  ${(t.commit ?? '-').slice(0, 10).padEnd(10)}  ${(t.commitPushed ? 'yes' : 'NO').padStart(6)} ${t.lostCommits.length}`,
    );
  }
  if (r.crashy)
    line(
      `crash-on-every-start agent: ${r.crashy.escalated ? 'escalated' : 'NOT escalated'} after ${r.crashy.crashes} crashes (cap ${r.crashy.crashCap}), ${r.crashy.launches} launches, then ${r.crashy.state}: ${r.crashy.reason}`,
    );
  if (r.pr) {
    line(
      `PR fix under fault storms: ${r.pr.state}; ${r.pr.requests} GitHub requests (${r.pr.faults.status5xx} answered 5xx, ${r.pr.faults.secondary403} 403 secondary limit, ${r.pr.faults.status429} 429); summaries ${r.pr.summaries}, replies ${r.pr.replies}, thread resolved ${r.pr.threadResolved}, PRs created ${r.pr.pullsCreated}, commits on the branch ${r.pr.commitsOnBranch} (1 + the fix), crashes ${r.pr.crashes}`,
    );
  }
  const d = r.duplicates;
  line(
    `faults: ${r.faults.length} fired${r.faultsNotFired.length ? `, not fired: ${r.faultsNotFired.join('; ')}` : ''}; worker exits not caused by the suite: ${r.workerUnexpectedExits}`,
  );
  line(
    `duplicates: windows ${d.windows}, agent launches beyond relaunches ${d.launches}, task starts ${d.starts}, PRs ${d.prs}, summary comments ${d.comments}, thread replies ${d.replies}, pushes ${d.pushes}`,
  );
  line(`wall time ${r.wallSeconds} s`);
  for (const t of r.tasks.filter((x) => x.diagnosis)) {
    line(`\n${t.id} did not complete; its events:`);
    for (const e of t.diagnosis!.events) line(`  ${e}`);
    line(`  last screen lines Drover recorded:\n${t.diagnosis!.screenTail.map((l) => `    | ${l}`).join('\n')}`);
  }
  line('');
  line(r.summary);
}

const loadSeen = await load?.stop();
if (loadSeen) line(`load mode: ${loadSeen.hogs}, load average ${JSON.stringify(loadSeen.loadAverage)}`);
table(report);
const out = path.join(projectRoot(), 'bench', 'results', 'chaos.json');
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify({ ...report, ...(loadSeen ? { load: loadSeen } : {}) }, null, 2)}\n`);
line(`wrote ${path.relative(projectRoot(), out)}`);
const ok =
  report.completed === report.total &&
  report.duplicates.total === 0 &&
  report.lostCommits === 0 &&
  (report.crashy?.escalated ?? true) &&
  (report.pr?.state ?? 'done') === 'done' &&
  report.faultsNotFired.length === 0 &&
  report.workerUnexpectedExits === 0;
process.exit(ok ? 0 : 1);
