import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TmuxClient } from '../../src/host/tmux/tmux-client.js';
import { projectRoot } from '../../src/config/config.js';
import { waitFor } from '../support/repo.js';
import { processAlive } from '../support/processes.js';

// A real tmux server on its own socket, and a real `node` process that holds Drover's control-mode client, as a worker does.
const socket = `drover-test-orphan-${process.pid}`;
const tmux = new TmuxClient({
  socket,
  session: 'drover',
  width: 80,
  height: 20,
  serverEnv: { PATH: process.env.PATH ?? '' },
});
const HOLDER = `
const { ControlClient } = await import(${JSON.stringify(path.join(projectRoot(), 'src', 'host', 'tmux', 'control-client.ts'))});
new ControlClient({ socket: process.argv[1], session: 'drover', width: 80, height: 20, serverEnv: { PATH: process.env.PATH } }, () => {}).start();
setInterval(() => {}, 1000);
`;

const clientPids = async () =>
  (await execa('tmux', ['-L', socket, 'list-clients', '-F', '#{client_pid}'], { reject: false })).stdout
    .split('\n')
    .filter(Boolean)
    .map(Number);

beforeAll(async () => {
  await tmux.ensureSession();
});

afterAll(async () => {
  await tmux.killServer().catch(() => undefined);
});

describe('the control-mode client dies with its worker', () => {
  it('a SIGKILLed worker leaves no client behind, and tmux kill-server right after still ends the server', async () => {
    const holder = execa('node', ['--import', 'tsx', '--input-type=module', '-e', HOLDER, socket], {
      reject: false,
      cwd: projectRoot(),
    });
    const [client] = await waitFor(
      'the control-mode client attached',
      async () => ((await clientPids()).length === 1 ? clientPids() : undefined),
      15_000,
    );
    // a stopped client cannot notice its stdin closing: only the kernel's parent-death signal ends it
    process.kill(client!, 'SIGSTOP');
    holder.kill('SIGKILL');
    await holder;
    await waitFor('the orphaned client gone', async () => (processAlive(client!) ? undefined : true), 5000);
    expect(processAlive(client!)).toBe(false);

    // what chaos did: kill-server right after the worker died; a new server must then start on the socket
    await execa('tmux', ['-L', socket, 'kill-server'], { reject: false });
    await tmux.ensureSession();
    expect(await tmux.hasSession()).toBe(true);
  }, 40_000);
});
