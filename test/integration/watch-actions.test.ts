import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../src/activities/deps.js';
import { PaneWatcher } from '../../src/host/tmux/pane-watcher.js';
import { TmuxClient } from '../../src/host/tmux/tmux-client.js';
import { watchAgent } from '../../src/activities/watch.js';
import { projectRoot } from '../../src/config/config.js';
import type { WatchEvent, WatchInput } from '../../src/domain/watch.js';
import { parseSimScript, type SimEvent, type SimScriptInput } from '../../src/domain/sim-script.js';
import { waitFor } from '../support/repo.js';

// The watch's own reactions (src/activities/watch-actions.ts) against a real tmux server and sim agents.
const tmux = new TmuxClient({
  socket: `drover-test-acts-${process.pid}`,
  session: 'drover',
  width: 220,
  height: 50,
  serverEnv: { PATH: process.env.PATH ?? '' },
});
const watcher = new PaneWatcher(tmux);
const deps = { hostId: 'acts-test', tmux, watcher } as unknown as ActivityDeps;
let home: string;

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'drover-acts-'));
  await tmux.ensureSession();
});

afterAll(async () => {
  watcher.stop();
  for (const p of await tmux.listPanes().catch(() => []))
    if (!p.paneDead && p.panePid > 0) process.kill(p.panePid, 'SIGTERM');
  await tmux.killServer();
  await rm(home, { recursive: true, force: true });
});

async function startSim(
  name: string,
  phases: SimScriptInput['phases'],
): Promise<{ paneId: string; events: () => Promise<SimEvent[]> }> {
  const log = path.join(home, `${name}.jsonl`);
  const script = parseSimScript({ startupMs: 100, phases, log });
  const pane = await tmux.newWindow(
    name,
    home,
    { PATH: process.env.PATH ?? '', HOME: home, DROVER_SIM_SCRIPT: JSON.stringify(script) },
    [path.join(projectRoot(), 'bin', 'drover-sim.mjs')],
  );
  const events = async () =>
    (await readFile(log, 'utf8').catch(() => ''))
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as SimEvent);
  await waitFor(
    `${name} ready`,
    async () => ((await events()).some((e) => e.ev === 'ready') ? true : undefined),
    20_000,
    50,
  );
  // the sim runs its phases after its first input
  await tmux.paste(pane.paneId, 'Start.', `acts-${name}`);
  await new Promise((r) => setTimeout(r, 200));
  await tmux.sendKeys(pane.paneId, ['Enter']);
  return { paneId: pane.paneId, events };
}

const watchInput = (paneId: string, windowName: string, act?: WatchInput['act']): WatchInput => ({
  paneId,
  agent: 'sim',
  windowName,
  knownCheckpoints: [],
  doneBaseline: 0,
  idleSeconds: 1,
  stallSeconds: 600,
  maxWaitSeconds: 30,
  ...(act ? { act } : {}),
});
const watch = (input: WatchInput): Promise<WatchEvent> => new MockActivityEnvironment().run(watchAgent, deps, input);
const nudge = {
  idleText: 'Drover: you stopped. Continue.',
  stalledText: 'Drover: no progress. Continue.',
  notBefore: 0,
};

describe('the watch acts on what the workflow permitted', () => {
  it('answers a safe dialog and sends a permitted nudge itself, and reports each action until the workflow has recorded it', async () => {
    const sim = await startSim('safe', [
      { kind: 'dialog', command: 'git status', description: 'Look' },
      { kind: 'say', lines: ['Looked.'] },
      { kind: 'idle' },
      { kind: 'say', lines: ['Nudged.'] },
      { kind: 'idle' },
    ]);
    const act = { seq: 0, dialogs: { worktree: home }, nudge: { ...nudge, notBefore: Date.now() + 60_000 } };
    const dialog = await watch(watchInput(sim.paneId, 'safe', act));
    expect(dialog.kind).toBe('dialog');
    if (dialog.kind !== 'dialog') return;
    expect(dialog.answered).toMatchObject({ seq: 1, keys: ['Enter'], confirmed: true });
    await waitFor(
      'the sim to get the answer',
      async () => ((await sim.events()).some((e) => e.ev === 'dialog-answered') ? true : undefined),
      10_000,
      50,
    );

    // the workflow did not record it (its result was dropped): the next watch reports it again, at once
    const again = await watch(watchInput(sim.paneId, 'safe', act));
    expect(again).toEqual(dialog);

    // recorded (seq 1): the idle agent is reported, not nudged, before the cooldown ends
    const idle = await watch(watchInput(sim.paneId, 'safe', { ...act, seq: 1 }));
    expect(idle.kind).toBe('idle');
    expect(idle.kind === 'idle' && idle.nudged).toBeUndefined();
    expect((await sim.events()).filter((e) => e.ev === 'input')).toHaveLength(1);

    // after the cooldown the watch sends the nudge; the sim received exactly that text
    const nudged = await watch(watchInput(sim.paneId, 'safe', { ...act, seq: 1, nudge }));
    expect(nudged.kind).toBe('idle');
    if (nudged.kind !== 'idle') return;
    expect(nudged.nudged).toMatchObject({ seq: 2, text: nudge.idleText, submitted: true });
    const inputs = (await sim.events()).filter((e) => e.ev === 'input');
    expect(inputs.map((e) => e.detail)).toEqual(['Start.', nudge.idleText]);
  });

  it('a dialog still drawn with the answer highlighted is the same dialog, never answered twice (issue 21: the API-key dialog)', async () => {
    // like claude's API-key dialog: it opens on "No", so the answer is Up Up Enter, and a slow TUI
    // shows "Yes" highlighted for a while before the dialog goes
    const sim = await startSim('slow', [
      { kind: 'dialog', command: 'git status', description: 'Look', selected: 3, answerDelayMs: 1500 },
      { kind: 'say', lines: ['Looked.'] },
      { kind: 'idle' },
    ]);
    const act = { seq: 0, dialogs: { worktree: home } };
    const first = await watch(watchInput(sim.paneId, 'slow', act));
    expect(first.kind === 'dialog' && first.answered).toMatchObject({ seq: 1, keys: ['Up', 'Up', 'Enter'] });
    // the workflow recorded it; the next watch must not take the redrawn dialog for a new one
    const next = await watch(watchInput(sim.paneId, 'slow', { ...act, seq: 1 }));
    expect(next.kind, JSON.stringify(next)).toBe('idle');
    expect((await sim.events()).filter((e) => e.ev === 'dialog-answered')).toHaveLength(1);
  });

  it('leaves a dangerous dialog, and any dialog it was not permitted to answer, to the workflow', async () => {
    const sim = await startSim('danger', [
      { kind: 'dialog', command: 'rm -rf /', description: 'Clean up' },
      { kind: 'idle' },
    ]);
    const policed = await watch(watchInput(sim.paneId, 'danger', { seq: 0, dialogs: { worktree: home }, nudge }));
    expect(policed.kind).toBe('dialog');
    expect(policed.kind === 'dialog' && policed.answered).toBeUndefined();
    const unpermitted = await watch(watchInput(sim.paneId, 'danger'));
    expect(unpermitted.kind).toBe('dialog');
    expect(unpermitted.kind === 'dialog' && unpermitted.answered).toBeUndefined();
    await new Promise((r) => setTimeout(r, 500));
    expect((await sim.events()).some((e) => e.ev === 'dialog-answered')).toBe(false);
  });

  it('a watch that a newer watch (or the workflow) took the pane from never acts, even before it hears of its cancellation', async () => {
    const sim = await startSim('superseded', [
      { kind: 'work', ms: 1500, everyMs: 100 },
      { kind: 'dialog', command: 'git status', description: 'Look' },
      { kind: 'idle' },
    ]);
    const older = watch(watchInput(sim.paneId, 'superseded', { seq: 0, dialogs: { worktree: home }, nudge }));
    await new Promise((r) => setTimeout(r, 300));
    const newer = await watch(watchInput(sim.paneId, 'superseded')); // not permitted to act: it only reports
    expect(newer.kind).toBe('dialog');
    expect(await older).toMatchObject({
      kind: 'refresh',
      state: expect.stringContaining('a newer watch or the workflow acts on this pane now'),
    });
    await new Promise((r) => setTimeout(r, 500));
    expect((await sim.events()).some((e) => e.ev === 'dialog-answered')).toBe(false);
  });

  it("an older watch's nudge that lands while a newer watch starts is reported first, under its own sequence number (a CI run lost it)", async () => {
    // the older watch was cancelled by the workflow (a done report) but has not heard of it yet;
    // no newer watch holds the pane, so it nudges, and the agent answers with a dialog
    const sim = await startSim('late-nudge', [
      { kind: 'idle' },
      { kind: 'dialog', command: 'git status', description: 'Look' },
      { kind: 'say', lines: ['Looked.'] },
      { kind: 'idle' },
    ]);
    const older = watch(watchInput(sim.paneId, 'late-nudge', { seq: 0, nudge }));
    await waitFor(
      'the older watch to type its nudge',
      async () =>
        (await sim.events()).some((e) => e.ev === 'input' && e.detail === nudge.idleText) ? true : undefined,
      20_000,
      20,
    );
    // the workflow's next watch, from the same recorded sequence number (0): it answers the dialog
    const first = await watch(watchInput(sim.paneId, 'late-nudge', { seq: 0, dialogs: { worktree: home } }));
    expect(first.kind === 'idle' && first.nudged, JSON.stringify(first)).toMatchObject({ seq: 1, submitted: true });
    await older;
    // recorded (seq 1): the answer comes next, numbered after the nudge, never lost under a shared number
    const second = await watch(watchInput(sim.paneId, 'late-nudge', { seq: 1, dialogs: { worktree: home } }));
    expect(second.kind === 'dialog' && second.answered, JSON.stringify(second)).toMatchObject({ seq: 2 });
    expect((await sim.events()).filter((e) => e.ev === 'dialog-answered')).toHaveLength(1);
  });
});
