import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dialogNeedsHumanMessage } from '../../src/domain/notification.js';
import type { TaskState } from '../../src/domain/task.js';
import { shownTask } from '../../src/domain/task-end.js';
import { describeDialog, unescapeVisible, visible } from '../../src/domain/visible-text.js';
import { formatWebhookPayload } from '../../src/notify/webhook.js';
import { describeTask, STATUS_HEADER, statusRow, table } from '../../src/cli/status-view.js';

/** What a reader cannot see or what moves the cursor: nothing of it may reach a human unescaped. */
const UNSEEN =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}\p{Default_Ignorable_Code_Point}\u2800]|(?! )\p{Zs}/u;

const TWO_LINES = 'git status\ntouch /tmp/outside';
const REASON = 'not on the safe allowlist: `touch /tmp/outside`: writes outside the worktree';

function waitingState(command: string, reason = REASON): TaskState {
  return {
    taskId: 't1',
    phase: 'waiting-human',
    agentState: 'dialog',
    agent: 'claude',
    agentChain: ['claude'],
    handoffs: [],
    repo: '/r',
    branch: 'drover/t1',
    steps: ['fix'],
    checkpoints: [],
    doneReported: false,
    revisions: 0,
    nudges: 0,
    crashes: 0,
    dialogs: [],
    pendingDialog: { kind: 'permission', command, reason, text: `Bash command\n${command}\nDo you want to proceed?` },
    paused: false,
    lastDecision: `dialog needs a human: permission \`${command}\`: ${reason}`,
    lastVerification: [],
    threadReports: [],
    answeredThreads: [],
    summaries: [],
    screenTail: [],
    startedAt: new Date().toISOString(),
    events: [{ at: '2026-01-01T00:00:00.000Z', what: `dialog needs a human: permission \`${command}\`: ${reason}` }],
  } as TaskState;
}

/** Every place a waiting dialog reaches a human, given the raw command (issue 21 item 1). */
function everythingShown(command: string, reason = REASON): Record<string, string> {
  const s = waitingState(command, reason);
  const message = dialogNeedsHumanMessage('t1', { kind: 'permission', command, reason });
  const note = { taskId: 't1', level: 'action-needed' as const, message };
  const slack = (formatWebhookPayload('slack', note) as { text: string }).text;
  return {
    'status row': table([STATUS_HEADER, statusRow('task/adhoc/t1', s, 'RUNNING')]).split('\n')[1]!,
    'status detail (WAITING line)': describeTask('task/adhoc/t1', s, 'http://ui')
      .split('\n')
      .find((l) => l.startsWith('WAITING'))!,
    'logs line': visible(s.events[0]!.what),
    notification: message,
    'webhook (generic)': (formatWebhookPayload('generic', note) as { message: string }).message,
    'webhook (slack)': slack.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
  };
}

describe('visible: what a human is shown, every character visible, one line', () => {
  it('escapes newlines, controls and invisible characters, keeps the rest, and is reversible', () => {
    expect(visible(TWO_LINES)).toBe('git status\\ntouch /tmp/outside');
    expect(visible('rm\u200b -rf\u202e /\x1b[2K\r\t\x00')).toBe('rm\\u200b -rf\\u202e /\\u001b[2K\\r\\t\\u0000');
    expect(visible('a\\nb')).toBe('a\\\\nb'); // a literal backslash-n never looks like a newline
    expect(visible('\u00a0\u2028\u3164\ufe0f\u{e0041}\u00ad')).toBe('\\u00a0\\u2028\\u3164\\ufe0f\\u{e0041}\\u00ad');
    expect(visible('café 中文 😀 ~$`"\'')).toBe('café 中文 😀 ~$`"\'');
    expect(unescapeVisible(visible('x\ny\u200bz\\u0041'))).toBe('x\ny\u200bz\\u0041');
  });

  it('a two-line command is shown whole with the reason in the status row, the detail, logs, notification and webhook', () => {
    const shown = everythingShown(TWO_LINES);
    for (const [where, text] of Object.entries(shown)) {
      expect(text, where).toContain('git status\\ntouch /tmp/outside');
      expect(text, where).toContain('writes outside the worktree');
      expect(text, where).not.toMatch(/\n/);
    }
    expect(describeDialog({ kind: 'permission', command: TWO_LINES, reason: 'r' })).toBe(
      'permission `git status\\ntouch /tmp/outside`: r',
    );
  });

  it('a task that ended shows no WAITING line and its agent as ended', () => {
    const s = { ...waitingState(TWO_LINES), phase: 'aborted', finishedAt: new Date().toISOString() } as TaskState;
    const row = statusRow('task/adhoc/t1', s, 'COMPLETED');
    expect(row[1]).toBe('aborted');
    expect(row[2]).toBe('ended');
    expect(describeTask('task/adhoc/t1', s, 'u', shownTask('COMPLETED', s))).not.toContain('WAITING');
  });
});

/** Lines of printable text, control characters and invisible characters, in any mix. */
const hostileChar = fc.oneof(
  fc.constantFrom(...'abc /-_.$`"\'\\|;&(){}<>*?~'.split('')),
  fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x7f, max: 0x9f }).map((c) => String.fromCharCode(c)),
  fc.constantFrom(
    '\u200b',
    '\u200c',
    '\u200d',
    '\u200e',
    '\u200f',
    '\u202a',
    '\u202b',
    '\u202c',
    '\u202d',
    '\u202e',
    '\u2060',
    '\u2061',
    '\u2066',
    '\u2067',
    '\u2068',
    '\u2069',
    '\ufeff',
    '\u00ad',
    '\u00a0',
    '\u2000',
    '\u2007',
    '\u200a',
    '\u3000',
    '\u2028',
    '\u2029',
    '\u3164',
    '\u115f',
    '\ufe0f',
    '\u180e',
    '\u2800',
    '\u{e0001}',
    '\u{e0041}',
    '\u{e007f}',
    '\ue000',
    '\u{f0000}',
    '\ud800',
    '\udfff',
    '\u0378',
  ),
  fc.string({ unit: 'binary', maxLength: 2 }),
);
const hostileLine = fc.array(hostileChar, { maxLength: 24 }).map((cs) => cs.join(''));
const hostileCommand = fc
  .tuple(fc.array(hostileLine, { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\r'))
  .map(([lines, eol]) => lines.join(eol));

describe('fuzz: a hostile command is shown whole, every line and every character visible', () => {
  it('everywhere a human reads it: one line, nothing unseen, every line and every character in it, exactly', () => {
    fc.assert(
      fc.property(hostileCommand, hostileLine, (command, reasonTail) => {
        const reason = `not on the safe allowlist: ${reasonTail}`;
        const whole = visible(command);
        expect(unescapeVisible(whole)).toBe(command); // one to one: two commands never look the same
        for (const [where, text] of Object.entries(everythingShown(command, reason))) {
          expect(text, where).not.toMatch(/[\n\r]/);
          expect(UNSEEN.test(text), `${where}: ${JSON.stringify(text)}`).toBe(false);
          expect(text, where).toContain(`\`${whole}\``);
          expect(text, where).toContain(visible(reason));
          for (const line of command.split(/\r\n|\r|\n/)) expect(text, where).toContain(visible(line));
          for (const ch of command) expect(text, where).toContain(visible(ch));
        }
      }),
      { numRuns: 400 },
    );
  });
});
