import type { Command } from 'commander';
import { manifestJsonSchema } from '../domain/manifest-schema.js';
import { criticalPathBound } from '../domain/scheduler.js';
import { CliError } from './context.js';
import { loadManifestFile } from './manifest-file.js';

/** `drover manifest schema` (JSON Schema for editors) and `drover manifest check FILE`. */
export function registerManifestCommands(program: Command): void {
  const manifest = program.command('manifest').description('task manifests: schema and validation');
  manifest
    .command('schema')
    .description('print the manifest JSON Schema (for editors)')
    .action(() => console.log(JSON.stringify(manifestJsonSchema(), null, 2)));
  manifest
    .command('check <file>')
    .description('validate a manifest without running it')
    .action(async (file: string) => {
      try {
        const { manifest: m, warnings } = await loadManifestFile(file);
        for (const w of warnings) console.log(`warning: ${w}`);
        const tasks = m.phases.reduce((n, p) => n + p.tasks.length, 0);
        console.log(
          `${file}: valid — ${m.phases.length} phases, ${tasks} tasks, critical path ${criticalPathBound(m, undefined, 'deps')} tasks (${criticalPathBound(m, undefined, 'strict')} with strict phase gates)`,
        );
      } catch (error) {
        throw new CliError((error as Error).message);
      }
    });
}
