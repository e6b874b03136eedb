import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeUsage, overBudget, totalTokens, ZERO_USAGE } from '../../src/domain/usage.js';
import { readClaudeUsage, replyUsage } from '../../src/host/agent-home/claude-usage.js';
import { treeOf, type ProcessEntry } from '../../src/host/process-tree.js';

const reply = (id: string, input: number, output: number, cacheRead = 0) =>
  JSON.stringify({
    type: 'assistant',
    message: {
      id,
      model: 'claude-opus-4-8',
      usage: {
        input_tokens: input,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: cacheRead,
        output_tokens: output,
      },
      content: [{ type: 'text', text: 'x' }],
    },
  });

const tmp = await mkdtemp(path.join(os.tmpdir(), 'drover-usage-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('token usage', () => {
  it('figures and the budget', () => {
    const u = { inputTokens: 45_902, outputTokens: 408, cacheReadTokens: 10, cacheCreationTokens: 0, replies: 2 };
    expect(totalTokens(u)).toBe(46_320);
    expect(describeUsage(u)).toBe('46,320 tokens (input 45,902, output 408, cache read 10, cache write 0; 2 replies)');
    expect(overBudget(u, undefined)).toBeUndefined();
    expect(overBudget(u, { tokens: 50_000 })).toBeUndefined();
    expect(overBudget(u, { tokens: 40_000 })).toBe(
      'token budget reached: 46,320 tokens (input 45,902, output 408, cache read 10, cache write 0; 2 replies) used, budget 40,000',
    );
    expect(overBudget(ZERO_USAGE, { tokens: 1 })).toBeUndefined();
  });

  it("reads claude's transcripts: one count per reply id, appended lines read incrementally, other lines ignored", async () => {
    const home = path.join(tmp, 'home');
    const dir = path.join(home, '.claude', 'projects', '-tmp-worktree');
    await mkdir(path.join(dir, 'subagents'), { recursive: true });
    expect(await readClaudeUsage(home)).toEqual(ZERO_USAGE);
    const file = path.join(dir, 'session.jsonl');
    await writeFile(
      file,
      [
        JSON.stringify({ type: 'user', message: { content: 'hi' } }),
        reply('msg_1', 100, 1),
        reply('msg_1', 100, 20),
        'not json',
        '',
      ].join('\n'),
    );
    expect(await readClaudeUsage(home)).toMatchObject({ inputTokens: 100, outputTokens: 20, replies: 1 });
    // half a line, then the rest: counted once complete
    const second = reply('msg_2', 200, 5, 50);
    await appendFile(file, second.slice(0, 30));
    expect((await readClaudeUsage(home)).replies).toBe(1);
    await appendFile(file, `${second.slice(30)}\n`);
    // a resumed session's copy repeats msg_1: still once
    await writeFile(
      path.join(dir, 'subagents', 'resumed.jsonl'),
      `${reply('msg_1', 100, 20)}\n${reply('msg_3', 1, 1)}\n`,
    );
    expect(await readClaudeUsage(home)).toEqual({
      inputTokens: 301,
      outputTokens: 26,
      cacheReadTokens: 50,
      cacheCreationTokens: 0,
      replies: 3,
    });
    expect(
      replyUsage('{"type":"assistant","message":{"id":"x","usage":{"input_tokens":-5,"output_tokens":"7"}}}'),
    ).toEqual({
      id: 'x',
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0, replies: 1 },
    });
  });
});

describe("an agent's process tree", () => {
  const p = (pid: number, ppid: number, pgrp: number, session: number, zombie = false): ProcessEntry => ({
    pid,
    ppid,
    pgrp,
    session,
    start: pid * 10,
    zombie,
  });
  it('descendants, and the members of its session and group even when orphaned; nothing else', () => {
    const all = [
      p(1, 0, 1, 1),
      p(100, 1, 100, 100), // tmux server
      p(200, 100, 200, 200), // the pane: claude
      p(201, 200, 201, 200), // claude's tool in a group of its own
      p(202, 201, 201, 200), // sleep 600 under it
      p(203, 1, 203, 200), // orphaned, still in the session
      p(204, 202, 204, 204), // setsid'd grandchild: found as a descendant
      p(300, 100, 300, 300), // another agent's pane
      p(301, 300, 300, 300),
    ];
    expect(
      treeOf(200, all)
        .map((e) => e.pid)
        .sort(),
    ).toEqual([200, 201, 202, 203, 204]);
    expect(treeOf(999, all)).toEqual([]);
  });
});

describe('setup failures', () => {
  it('name the command, its exit and its first error line', async () => {
    const { stepFailure } = await import('../../src/domain/setup.js');
    const tail = [
      'npm error Missing script: "nosuch"',
      'npm error',
      'npm error A complete log of this run can be found in: /x.log',
    ];
    expect(stepFailure({ argv: ['npm', 'run', 'nosuch'], exitCode: 1, seconds: 0.6, tail }, 600)).toBe(
      '`npm run nosuch` exited 1 after 0.6s: npm error Missing script: "nosuch"',
    );
    expect(stepFailure({ argv: ['sleep', '9'], exitCode: -1, timedOut: true, seconds: 2, tail: [] }, 2)).toBe(
      '`sleep 9` did not finish within 2s',
    );
    expect(stepFailure({ argv: ['true'], exitCode: 0, seconds: 0, tail: ['ok'] }, 2)).toBeUndefined();
  });
});

describe('wall-time budget', () => {
  it('time left from the start, and the figures once spent', async () => {
    const { wallSecondsLeft, wallTimeOver } = await import('../../src/domain/usage.js');
    expect(wallSecondsLeft(0, 5_000, undefined)).toBeUndefined();
    expect(wallSecondsLeft(0, 5_000, { wallSeconds: 60 })).toBe(55);
    expect(wallTimeOver(0, 59_000, { wallSeconds: 60 })).toBeUndefined();
    expect(wallTimeOver(0, 61_000, { wallSeconds: 60 })).toBe(
      'wall-time budget reached: 61s since the task started, budget 60s',
    );
  });
});
