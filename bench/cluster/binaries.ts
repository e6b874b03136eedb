import { access, cp, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

/** The Temporal server and its SQL schema tool, built from source once per version and kept under the user's cache. */
export interface TemporalBinaries {
  server: string;
  sqlTool: string;
  /** postgresql/v12 schema directories (temporal/versioned, visibility/versioned). */
  schemaDir: string;
}

/** GOTOOLCHAIN for building: server 1.32 needs a newer Go than Debian's (the module proxy serves it). */
const GO_TOOLCHAIN = process.env.DROVER_CLUSTER_GOTOOLCHAIN ?? 'go1.26.10';

export function binariesDir(version: string): string {
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(cache, 'drover', 'temporal-server', `v${version}`);
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** Builds what is missing (about 11 minutes on 2 cores the first time), else returns the cached paths. */
export async function ensureTemporalBinaries(version: string, log: (line: string) => void): Promise<TemporalBinaries> {
  const dir = binariesDir(version);
  const found: TemporalBinaries = {
    server: path.join(dir, 'server'),
    sqlTool: path.join(dir, 'sql'),
    schemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
  };
  if ((await exists(found.server)) && (await exists(found.sqlTool)) && (await exists(found.schemaDir))) return found;
  await mkdir(dir, { recursive: true });
  const env = { ...process.env, GOBIN: dir, GOTOOLCHAIN: GO_TOOLCHAIN };
  if (!((await exists(found.server)) && (await exists(found.sqlTool)))) {
    log(`building the Temporal server v${version} and its SQL tool with ${GO_TOOLCHAIN} (first time only, ~11 min) …`);
    await execa(
      'go',
      ['install', `go.temporal.io/server/cmd/server@v${version}`, `go.temporal.io/server/cmd/tools/sql@v${version}`],
      { env, stdio: ['ignore', 'inherit', 'inherit'] },
    );
  }
  // the schema ships in the module's source, which `go install` left in the module cache
  const { stdout: modCache } = await execa('go', ['env', 'GOMODCACHE'], { env });
  await cp(
    path.join(modCache.trim(), `go.temporal.io/server@v${version}`, 'schema', 'postgresql'),
    path.dirname(found.schemaDir),
    {
      recursive: true,
    },
  );
  return found;
}
