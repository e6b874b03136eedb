import { denyKeys } from '../../src/domain/dialog-policy.js';
import { describe, expect, it } from 'vitest';
import { buildRebrief } from '../../src/domain/brief.js';
import type { Dialog } from '../../src/domain/screen-classifier.js';
import {
  CRASH_CONTINUE_TEXT,
  NUDGE_TEXT,
  decideOnEvent,
  decideOnFailedVerification,
  doneCounts,
  nudgePermission,
  type TaskView,
} from '../../src/domain/task-decisions.js';
import { SupervisionPolicySchema } from '../../src/domain/task.js';
import type { WatchEvent } from '../../src/domain/watch.js';

const WT = '/srv/acme1';
const policy = SupervisionPolicySchema.parse({ nudgeCooldownSeconds: 30, nudgeCap: 2, crashCap: 2, revisionCap: 1 });
const NOW = 1_000_000;
/** An agent that has its brief, nothing pending, nothing counted. */
const view = (over: Partial<TaskView> = {}): TaskView => ({
  worktree: WT,
  briefSubmitted: true,
  briefQueued: false,
  pendingTexts: 0,
  doneReported: false,
  nudges: 0,
  crashes: 0,
  revisions: 0,
  lastNudgeAt: 0,
  ...over,
});
const tail: string[] = [];
const idle: WatchEvent = { kind: 'idle', quietSeconds: 25, tail };
const stalled: WatchEvent = { kind: 'stalled', quietSeconds: 900, tail };
const crashed: WatchEvent = { kind: 'crashed', reason: 'pane dead', tail };
const OPTIONS = [
  { index: 1, label: 'Yes', selected: true },
  { index: 2, label: 'No', selected: false },
];
const bash = (command: string): Dialog => ({
  kind: 'permission',
  tool: 'bash',
  command,
  options: OPTIONS,
  text: `Bash command ${command}`,
});

describe('decideOnEvent: dialogs', () => {
  it('a safe command is approved with the keys for "Yes"', () => {
    const actions = decideOnEvent({ kind: 'dialog', dialog: bash('npm test'), tail }, view(), policy, NOW);
    expect(actions[0]).toEqual({ kind: 'agent-state', state: 'dialog' });
    expect(actions[1]).toMatchObject({ kind: 'approve-dialog', keys: ['Enter'] });
    expect(actions).toHaveLength(2);
  });

  it('a dangerous command goes to a human, with the reason', () => {
    const actions = decideOnEvent({ kind: 'dialog', dialog: bash('rm -rf /'), tail }, view(), policy, NOW);
    expect(actions.map((a) => a.kind)).toEqual(['agent-state', 'ask-human']);
    expect(actions[1]).toMatchObject({ reason: expect.stringMatching(/\S/) });
  });

  it('the rule that approved is carried; a deny rule of the task answers No with its rule', () => {
    const rules = [{ action: 'deny' as const, argv: ['npm', 'publish', '**'], from: 'task' }];
    const approved = decideOnEvent({ kind: 'dialog', dialog: bash('go test ./...'), tail }, view(), policy, NOW);
    expect(approved[1]).toMatchObject({ kind: 'approve-dialog', rule: 'go:test' });
    const denied = decideOnEvent(
      { kind: 'dialog', dialog: bash('npm publish'), tail },
      { ...view(), commandRules: rules },
      policy,
      NOW,
    );
    expect(denied[1]).toEqual({
      kind: 'deny-dialog',
      keys: denyKeys(bash('npm publish')),
      reason: 'matches your deny rule "npm publish **" (task)',
      rule: 'deny rule "npm publish **" (task)',
    });
  });

  it('usage at the budget ends the task escalated, with the figures', () => {
    const reason = 'token budget reached: 46,320 tokens (…) used, budget 40,000';
    expect(decideOnEvent({ kind: 'over-budget', reason, tail }, view(), policy, NOW)).toEqual([
      { kind: 'end-task', state: 'escalated', why: reason },
    ]);
  });

  it('a dialog the watch answered itself is only recorded', () => {
    const answered = { seq: 3, keys: ['Enter'], reason: 'safe', confirmed: true };
    expect(decideOnEvent({ kind: 'dialog', dialog: bash('rm -rf /'), tail, answered }, view(), policy, NOW)).toEqual([
      { kind: 'watch-answered' },
    ]);
  });
});

describe('decideOnEvent: screen news', () => {
  it('checkpoints, done, typed, refresh', () => {
    expect(decideOnEvent({ kind: 'checkpoints', steps: ['a', 'b'], tail }, view(), policy, NOW)).toEqual([
      { kind: 'add-checkpoints', steps: ['a', 'b'] },
    ]);
    expect(decideOnEvent({ kind: 'done', doneCount: 2, tail }, view(), policy, NOW)).toEqual([
      { kind: 'mark-done', doneCount: 2 },
    ]);
    // issue 21: a done already counted for the agent's last text is stale (a marker still on screen, a repeat)
    expect(decideOnEvent({ kind: 'done', doneCount: 3, tail }, view({ doneSpent: true }), policy, NOW)).toEqual([
      { kind: 'stale-done', doneCount: 3 },
    ]);
    expect(doneCounts(view({ doneSpent: false }))).toBe(true);
    expect(doneCounts(view({ doneSpent: true }))).toBe(false);
    expect(decideOnEvent({ kind: 'typed', tail }, view(), policy, NOW)).toEqual([
      { kind: 'agent-state', state: 'typed' },
      { kind: 'press-enter' },
    ]);
    expect(decideOnEvent({ kind: 'refresh', state: 'working', tail }, view(), policy, NOW)).toEqual([]);
  });
});

describe('decideOnEvent: crashes', () => {
  it('under the cap: relaunch, and a continue text only for an agent that had its brief', () => {
    expect(decideOnEvent(crashed, view({ crashes: 1 }), policy, NOW)).toEqual([
      { kind: 'agent-state', state: 'crashed' },
      { kind: 'count-crash' },
      { kind: 'relaunch', why: 'agent crashed (pane dead); relaunch 2/2', continueText: CRASH_CONTINUE_TEXT },
    ]);
    expect(decideOnEvent(crashed, view({ briefSubmitted: false }), policy, NOW).at(-1)).toEqual({
      kind: 'relaunch',
      why: 'agent crashed (pane dead); relaunch 1/2',
    });
  });

  it('past the cap with a next agent: hand off', () => {
    expect(decideOnEvent(crashed, view({ crashes: 2, nextAgent: 'claude' }), policy, NOW).slice(2)).toEqual([
      { kind: 'hand-off', why: 'it crashed 3 times (cap 2; last: pane dead)' },
    ]);
  });

  it('past the cap without one: escalate, then (if a human answered) relaunch with fresh caps', () => {
    const actions = decideOnEvent(crashed, view({ crashes: 2 }), policy, NOW).slice(2);
    expect(actions).toEqual([
      {
        kind: 'escalate',
        why: 'the agent crashed 3 times (cap 2)',
        unanswered: 'escalated: crash cap reached and no human answered',
      },
      { kind: 'relaunch', why: 'agent crashed (pane dead); relaunch 0/2', continueText: CRASH_CONTINUE_TEXT },
    ]);
  });
});

describe('decideOnEvent: idle and stalled', () => {
  const quiet = ['agent-state', 'ready-for-input'];
  it('the brief first, once', () => {
    expect(decideOnEvent(idle, view({ briefSubmitted: false }), policy, NOW).map((a) => a.kind)).toEqual([
      ...quiet,
      'queue-brief',
    ]);
    expect(
      decideOnEvent(idle, view({ briefSubmitted: false, briefQueued: true, pendingTexts: 1 }), policy, NOW).map(
        (a) => a.kind,
      ),
    ).toEqual(quiet);
  });

  it('nothing while a text waits or done was reported', () => {
    expect(decideOnEvent(idle, view({ pendingTexts: 1 }), policy, NOW).map((a) => a.kind)).toEqual(quiet);
    expect(decideOnEvent(stalled, view({ doneReported: true }), policy, NOW).map((a) => a.kind)).toEqual(quiet);
  });

  it('a nudge when the cooldown is over, with the nudge text of its kind', () => {
    expect(decideOnEvent(idle, view({ lastNudgeAt: NOW - 30_000 }), policy, NOW).at(-1)).toEqual({
      kind: 'nudge',
      text: NUDGE_TEXT.idle,
      at: NOW,
    });
    expect(decideOnEvent(stalled, view(), policy, NOW).at(-1)).toEqual({
      kind: 'nudge',
      text: NUDGE_TEXT.stalled,
      at: NOW,
    });
  });

  it('within the cooldown: wait for the rest of it', () => {
    expect(decideOnEvent(idle, view({ lastNudgeAt: NOW - 10_000, nudges: 1 }), policy, NOW).at(-1)).toEqual({
      kind: 'wait',
      ms: 20_000,
    });
  });

  it('at the nudge cap (cooldown over): escalate', () => {
    expect(decideOnEvent(stalled, view({ nudges: 2, lastNudgeAt: NOW - 60_000 }), policy, NOW).at(-1)).toEqual({
      kind: 'escalate',
      why: 'the agent is stalled after 2 nudges',
      unanswered: 'escalated: nudge cap reached and no human answered',
    });
  });

  it('a nudge the watch sent itself is only recorded', () => {
    const nudged = { seq: 1, text: NUDGE_TEXT.idle, submitted: true, doneCount: 0, attempts: 1, detail: 'ok' };
    expect(decideOnEvent({ ...idle, nudged } as WatchEvent, view({ nudges: 5 }), policy, NOW)).toEqual([
      { kind: 'watch-nudged' },
    ]);
  });
});

describe('decideOnFailedVerification', () => {
  const reasons = ['no commit on the branch'];
  it('under the revision cap: a re-brief with the reasons', () => {
    expect(decideOnFailedVerification(reasons, { revisions: 1 }, policy)).toEqual({
      kind: 'revise',
      text: buildRebrief(reasons),
    });
  });
  it('past it: the next agent of the chain, else a human', () => {
    expect(decideOnFailedVerification(reasons, { revisions: 2, nextAgent: 'codex' }, policy)).toEqual({
      kind: 'hand-off',
      why: 'its work failed verification 2 times (cap 1)',
    });
    expect(decideOnFailedVerification(reasons, { revisions: 2 }, policy)).toEqual({
      kind: 'escalate',
      why: 'verification failed 2 times (cap 1)',
      unanswered: 'verification failed: no commit on the branch',
      text: buildRebrief(reasons),
    });
  });
});

describe('nudgePermission (what the watch may send itself)', () => {
  it('the next nudge, not before the cooldown ends', () => {
    expect(nudgePermission(view({ lastNudgeAt: NOW }), policy)).toEqual({
      idleText: NUDGE_TEXT.idle,
      stalledText: NUDGE_TEXT.stalled,
      notBefore: NOW + 30_000,
    });
  });
  it('none before the brief, while a text waits, after done, or at the cap', () => {
    for (const over of [{ briefSubmitted: false }, { pendingTexts: 1 }, { doneReported: true }, { nudges: 2 }])
      expect(nudgePermission(view(over), policy)).toBeUndefined();
  });
});
