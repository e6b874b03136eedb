import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { planFromIssues } from '../domain/plan.js';
import { CliError } from './context.js';
import { githubOptionsFromEnv, listOpenIssues, REPO_PATTERN } from '../github/issues.js';

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

interface PlanOptions {
  label?: string;
  out?: string;
  force?: boolean;
}

/** `drover plan OWNER/REPO`: drafts a manifest from open issues into a file for review. Starts nothing. */
export function registerPlanCommand(program: Command): void {
  program
    .command('plan <owner/repo>')
    .description(
      'draft a manifest from open issues (files named in bodies, "depends on #N") into a file for review; starts nothing',
    )
    .option('--label <label>', 'only issues with this label (comma-separated: all of them)')
    .option('--out <file>', 'where to write the manifest (default manifest-<repo>.json)')
    .option('--force', 'overwrite --out if it exists')
    .action(async (repo: string, opts: PlanOptions) => {
      if (!REPO_PATTERN.test(repo)) throw new CliError(`"${repo}" is not OWNER/REPO (e.g. octocat/hello-world)`);
      const env = githubOptionsFromEnv();
      if (!env.ok) throw new CliError(env.error);
      const listed = await listOpenIssues(repo, {
        ...env.options,
        ...(opts.label !== undefined ? { label: opts.label } : {}),
      });
      if (!listed.ok) throw new CliError(listed.error);
      const name = repo.slice(repo.indexOf('/') + 1);
      const plan = planFromIssues(listed.issues, { project: name, repo });
      const tasks = plan.manifest.phases.flatMap((p) => p.tasks);
      const scope = `${repo}${opts.label !== undefined ? ` with label "${opts.label}"` : ''}`;
      if (tasks.length === 0) {
        throw new CliError(
          `no open issues in ${scope}${plan.skippedPullRequests > 0 ? ` (only ${count(plan.skippedPullRequests, 'pull request')})` : ''}; nothing to plan, no file written`,
        );
      }

      const out = opts.out ?? `manifest-${name}.json`;
      try {
        await writeFile(out, `${JSON.stringify(plan.manifest, null, 2)}\n`, { flag: opts.force ? 'w' : 'wx' });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST')
          throw new CliError(`${out} already exists; pass --force to overwrite it, or --out another file`);
        throw new CliError(`cannot write ${out}: ${(error as Error).message}`);
      }

      for (const w of plan.warnings) console.error(`warning: ${w}`);
      const edges = tasks.reduce((n, t) => n + t.dependsOn.length, 0);
      const files = new Set(tasks.flatMap((t) => t.files)).size;
      const skipped =
        plan.skippedPullRequests > 0 ? `, ${count(plan.skippedPullRequests, 'pull request')} skipped` : '';
      console.log(
        `wrote ${out}: ${count(tasks.length, 'task')} from the open issues of ${scope}${skipped}; ${count(edges, 'dependency', 'dependencies')}, ${count(files, 'distinct file')}, ${count(plan.warnings.length, 'warning')}`,
      );
      if (plan.errors.length > 0) {
        const list = plan.errors.map((e) => `  - ${e}`).join('\n');
        throw new CliError(
          `${out} is written for review but cannot run yet:\n${list}\nedit the issues (or the file), then: drover manifest check ${out}`,
        );
      }
      console.log(`review it, then: drover run ${out} --repo PATH`);
    });
}
