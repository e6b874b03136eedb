import { chown, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { ClusterLayout } from './layout.js';
import type { TemporalBinaries } from './binaries.js';
import { startDetached, type Started } from './processes.js';

/**
 * The cluster's PostgreSQL: a private instance (its own data dir and port, Debian's server
 * binaries), run as the `postgres` user when this runs as root (PostgreSQL refuses root).
 */
const runsAsRoot = () => process.getuid?.() === 0;

async function pgBin(name: string): Promise<string> {
  const root = process.env.DROVER_PG_BIN ?? '/usr/lib/postgresql';
  if (process.env.DROVER_PG_BIN) return path.join(root, name);
  const versions = (await readdir(root).catch(() => [] as string[])).filter((v) => /^\d+$/.test(v));
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest)
    throw new Error(
      `no PostgreSQL server under ${root}: apt-get install postgresql (or set DROVER_PG_BIN to its bin dir)`,
    );
  return path.join(root, newest, 'bin', name);
}

/** argv run as the postgres user when root, else as is. */
function asPostgresUser(file: string, args: string[]): [string, string[]] {
  return runsAsRoot() ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
}

async function ownedByPostgres(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (!runsAsRoot()) return;
  const { stdout } = await execa('id', ['-u', 'postgres']);
  const { stdout: gid } = await execa('id', ['-g', 'postgres']);
  await chown(dir, Number(stdout), Number(gid));
}

/** initdb once (trust on loopback; the superuser is the layout's user), then the server in the background. */
export async function startPostgres(layout: ClusterLayout, log: string): Promise<Started> {
  const pg = layout.postgres;
  const initialised = await stat(path.join(pg.dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  await ownedByPostgres(pg.socketDir);
  if (!initialised) {
    await ownedByPostgres(pg.dataDir);
    const [file, args] = asPostgresUser(await pgBin('initdb'), [
      '-D',
      pg.dataDir,
      '-U',
      pg.user,
      '--auth=trust',
      '-E',
      'UTF8',
    ]);
    await execa(file, args);
  }
  const [file, args] = asPostgresUser(await pgBin('postgres'), [
    '-D',
    pg.dataDir,
    '-p',
    String(pg.port),
    '-k',
    pg.socketDir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'max_connections=200',
  ]);
  return startDetached('postgres', file, args, { log });
}

export async function postgresReady(layout: ClusterLayout): Promise<boolean> {
  const result = await execa(await pgBin('pg_isready'), ['-h', '127.0.0.1', '-p', String(layout.postgres.port)], {
    reject: false,
  });
  return result.exitCode === 0;
}

/** Temporal's two databases, created when missing, their schema brought to the binaries' release. */
export async function setupSchema(layout: ClusterLayout, bin: TemporalBinaries): Promise<void> {
  const pg = layout.postgres;
  const tool = (db: string, args: string[]) =>
    execa(
      bin.sqlTool,
      [
        '--plugin',
        'postgres12',
        '--ep',
        '127.0.0.1',
        '-p',
        String(pg.port),
        '-u',
        pg.user,
        '--pw',
        pg.password,
        '--db',
        db,
        ...args,
      ],
      { reject: false },
    );
  for (const [db, dir] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    await tool(db, ['create-database']); // fails when it exists; the next steps say whether the database is usable
    for (const args of [
      ['setup-schema', '-v', '0.0'],
      ['update-schema', '-d', path.join(bin.schemaDir, dir, 'versioned')],
    ]) {
      const result = await tool(db, args);
      if (result.exitCode !== 0)
        throw new Error(`temporal-sql-tool ${args[0]} on ${db} failed:\n${result.stderr || result.stdout}`);
    }
  }
}
