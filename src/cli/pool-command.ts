import type { Command } from 'commander';
import { poolStatus, type PoolEntry, type PoolStatus } from '../host/worktree/pool-status.js';
import { repoKey } from '../host/worktree/base-clone.js';
import { addSpares } from '../host/worktree/worktree-pool.js';
import { loadConfig } from '../config/config.js';
import { CliError } from './context.js';
import { table } from './status-view.js';

function entryRow(repo: string, e: PoolEntry): string[] {
  const detail =
    e.why ??
    [e.dirtyFiles ? `${e.dirtyFiles} uncommitted` : '', e.unpushedCommits ? `${e.unpushedCommits} unpushed` : '']
      .filter(Boolean)
      .join(', ');
  return [repo, e.kind, e.path, e.branch ?? '(detached)', e.state, detail];
}

function render(status: PoolStatus): string {
  const lines: string[] = [];
  if (status.protectedFileError)
    lines.push(`warning: ${status.protectedFileError} (every worktree is treated as protected)`);
  if (status.repos.length === 0) return [...lines, `no repositories in ${status.workspace}`].join('\n');
  const rows = [['REPO', 'KIND', 'PATH', 'BRANCH', 'STATE', 'DETAIL']];
  for (const r of status.repos) {
    for (const e of [...r.spares, ...r.tasks]) rows.push(entryRow(r.key, e));
    for (const e of r.protected.filter((p) => p.kind === 'other')) rows.push(entryRow(r.key, e));
    if (r.vacantSlots.length > 0)
      rows.push([r.key, 'vacant', r.vacantSlots.map((n) => `spare/${n}`).join(' '), '', 'claimed or removed', '']);
  }
  return [...lines, table(rows)].join('\n');
}

/** `drover pool status|add`: this host's spare worktrees; no Temporal needed. */
export function registerPoolCommands(program: Command): void {
  const pool = program
    .command('pool')
    .description(
      "this host's worktree pool: spare worktrees that tasks claim and that finished worktrees are recycled into",
    );
  pool
    .command('status')
    .description(
      'spares (free/dirty), task worktrees (clean/dirty/unpushed) and protected worktrees of each repository in the workspace',
    )
    .option('--repo <path>', 'only this repository')
    .option('--json', 'machine-readable output')
    .action(async (opts: { repo?: string; json?: boolean }) => {
      const config = loadConfig();
      const status = await poolStatus(
        config.workspace,
        config.droverHome,
        opts.repo === undefined ? undefined : repoKey(opts.repo),
      );
      console.log(opts.json ? JSON.stringify(status, null, 2) : render(status));
    });
  pool
    .command('add')
    .description('ensure spare worktrees spare-1..N (branches spare/1..N) exist for a repository; idempotent')
    .requiredOption('--repo <path>', 'the repository')
    .requiredOption('--spares <n>', 'how many spare slots')
    .option('--json', 'machine-readable output')
    .action(async (opts: { repo: string; spares: string; json?: boolean }) => {
      if (!/^\d{1,3}$/.test(opts.spares))
        throw new CliError(`--spares must be a whole number from 0 to 100, got "${opts.spares}"`);
      const config = loadConfig();
      const result = await addSpares(config.workspace, opts.repo, Number(opts.spares)).catch((error: Error) => {
        throw new CliError(error.message);
      });
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else {
        for (const dir of result.created) console.log(`created ${dir}`);
        for (const dir of result.present) console.log(`present ${dir}`);
        for (const slot of result.vacant)
          console.log(`spare/${slot} is claimed by a task (or its directory was removed)`);
      }
    });
}
