import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaneWatcher } from '../../src/host/tmux/pane-watcher.js';
import { TmuxClient } from '../../src/host/tmux/tmux-client.js';
import { waitFor } from '../support/repo.js';

// A real tmux server on its own socket; `cat` echoes what it receives, so the screen shows exactly what was pasted and keyed.
const tmux = new TmuxClient({
  socket: `drover-test-chan-${process.pid}`,
  session: 'drover',
  width: 220,
  height: 50,
  serverEnv: { PATH: process.env.PATH ?? '' },
});
const watcher = new PaneWatcher(tmux);
let home: string;
let paneId: string;
let unsubscribe: () => void;

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'drover-chan-it-'));
  await tmux.ensureSession();
  paneId = (await tmux.newWindow('echo', home, { PATH: process.env.PATH ?? '' }, ['cat'])).paneId;
  tmux.useChannel(watcher);
  unsubscribe = watcher.subscribe(paneId, () => undefined);
  // the control-mode client is up once a command goes through it
  await waitFor(
    'the control-mode client',
    async () => ((await watcher.command(['display-message', '-p', 'up']).catch(() => '')) === 'up' ? true : undefined),
    5000,
  );
});

afterAll(async () => {
  unsubscribe();
  watcher.stop();
  for (const p of await tmux.listPanes().catch(() => []))
    if (!p.paneDead && p.panePid > 0) process.kill(p.panePid, 'SIGTERM');
  await tmux.killServer();
  await rm(home, { recursive: true, force: true });
});

describe('tmux commands through the control-mode client', () => {
  it('pastes and keys text verbatim without a tmux process per call', async () => {
    const before = { ...tmux.counts };
    const hostile = `-n $HOME ~ ; \\; # {x} #{pane_id} "q" %end 1 2 1 \\ done`;
    await tmux.paste(paneId, hostile, 'drover-chan-1');
    await tmux.sendKeys(paneId, ['Enter']);
    await waitFor(
      'the echo',
      async () =>
        (await tmux.capture(paneId, 0)).split('\n').filter((l) => l === hostile).length === 2 ? true : undefined,
      5000,
    );
    const screen = await tmux.capture(paneId, 0);
    // cat echoes the line twice (the terminal's echo and cat's output): both are the exact text
    expect(screen.split('\n').filter((l) => l === hostile)).toHaveLength(2);
    expect(tmux.counts.exec).toBe(before.exec);
    expect(tmux.counts.channel).toBeGreaterThanOrEqual(before.channel + 4);
  });

  it('falls back to a tmux process for text the channel cannot carry, still verbatim', async () => {
    const before = { ...tmux.counts };
    const quoted = "it's a 'quoted' line";
    await tmux.paste(paneId, quoted, 'drover-chan-2');
    await tmux.sendKeys(paneId, ['Enter']);
    await waitFor(
      'the echo',
      async () =>
        (await tmux.capture(paneId, 0)).split('\n').filter((l) => l === quoted).length === 2 ? true : undefined,
      5000,
    );
    expect(tmux.counts.exec).toBe(before.exec + 1); // load-buffer from stdin
  });

  it('reports tmux errors from the channel as errors', async () => {
    await expect(tmux.sendKeys('%9999', ['Enter'])).rejects.toThrow(/can't find pane/);
    expect(await tmux.paneInfo('%9999')).toBeUndefined();
  });

  it('a window being created when the watcher stops is answered once, never created twice', async () => {
    const channelBefore = tmux.counts.channel;
    const creating = tmux.newWindow('once', home, { PATH: process.env.PATH ?? '' }, ['cat']);
    // the last watch ends while new-window is in flight: the stop waits for tmux's answer
    watcher.stop();
    const made = await creating;
    expect(tmux.counts.channel).toBeGreaterThan(channelBefore);
    const named = (await tmux.listPanes()).filter((p) => p.windowName === 'once');
    expect(named.map((p) => p.paneId)).toEqual([made.paneId]);
    unsubscribe();
    unsubscribe = watcher.subscribe(paneId, () => undefined);
  });

  it('uses a tmux process again once the control-mode client is gone', async () => {
    watcher.stop();
    const before = { ...tmux.counts };
    const panes = await tmux.listPanes();
    expect(panes.map((p) => p.paneId)).toContain(paneId);
    expect(tmux.counts.exec).toBeGreaterThan(before.exec);
  });
});
