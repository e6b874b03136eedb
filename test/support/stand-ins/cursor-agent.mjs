#!/usr/bin/env node
/**
 * A STAND-IN for Cursor's `cursor-agent` (not on npm, not installable here): a small terminal
 * program that draws the markers Drover's cursor-agent profile reads (`→` input line between
 * rules, `⬢ Generating… ctrl+c to stop` while working) and, on the first prompt, runs the steps
 * in `$HOME/.cursor-standin.json` ({"steps": [{"run": [argv…]} | {"say": "text"}]}). It records
 * its argv in `$HOME/.cursor-standin-argv.jsonl` and keeps a chat file under `$HOME/.cursor/chats`.
 * Not a model of Cursor's real screens: a harness for the profile's launch and state rules.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const home = process.env.HOME ?? '/tmp';
appendFileSync(path.join(home, '.cursor-standin-argv.jsonl'), `${JSON.stringify(process.argv.slice(2))}\n`);
const chats = path.join(home, '.cursor', 'chats');
const resumed = process.argv.includes('--continue');
const script = existsSync(path.join(home, '.cursor-standin.json'))
  ? JSON.parse(readFileSync(path.join(home, '.cursor-standin.json'), 'utf8'))
  : { steps: [] };

const transcript = [resumed ? '(chat resumed)' : 'Cursor Agent (stand-in)'];
let input = '';
let working = false;
let ranScript = false;
let pasting = false;

function draw() {
  const rows = process.stdout.rows || 50;
  const cols = Math.min(process.stdout.columns || 120, 120);
  const rule = '─'.repeat(cols - 2);
  const box = [
    rule,
    `→ ${input === '' ? 'Plan, search, build anything' : input.split('\n')[0]}`,
    rule,
    ' auto · cursor-agent stand-in',
  ];
  const status = working ? ['⬢ Generating… ctrl+c to stop', ''] : [''];
  const room = rows - box.length - status.length - 1;
  const body = transcript.slice(-room);
  process.stdout.write(`\x1b[2J\x1b[H${[...body, ...status, ...box].join('\r\n')}`);
}

async function respond(prompt) {
  transcript.push(
    `→ ${prompt.split('\n')[0]}${prompt.includes('\n') ? ` (+${prompt.split('\n').length - 1} lines)` : ''}`,
  );
  mkdirSync(chats, { recursive: true });
  writeFileSync(path.join(chats, 'latest.jsonl'), `${JSON.stringify({ prompt: prompt.slice(0, 200) })}\n`, {
    flag: 'a',
  });
  working = true;
  draw();
  await new Promise((r) => setTimeout(r, 800));
  if (!ranScript) {
    ranScript = true;
    for (const step of script.steps ?? []) {
      if (step.run) {
        try {
          const out = execFileSync(step.run[0], step.run.slice(1), {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          transcript.push(`$ ${step.run.join(' ')}`, ...out.trim().split('\n').filter(Boolean).slice(-3));
        } catch (error) {
          transcript.push(`$ ${step.run.join(' ')}`, `failed: ${String(error.message).split('\n')[0]}`);
        }
      } else if (step.say) transcript.push(...String(step.say).split('\n'));
      draw();
    }
  } else {
    transcript.push('Nothing left to do.');
  }
  working = false;
  draw();
}

process.stdout.write('\x1b[?2004h');
process.stdin.setRawMode?.(true);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  let data = chunk;
  while (data.length > 0) {
    if (data.startsWith('\x1b[200~')) {
      pasting = true;
      data = data.slice(6);
      continue;
    }
    if (data.startsWith('\x1b[201~')) {
      pasting = false;
      data = data.slice(6);
      continue;
    }
    const ch = data[0];
    data = data.slice(1);
    if (ch === '\x03') {
      process.stdout.write('\x1b[?2004l');
      process.exit(130);
    }
    if (ch === '\r' && !pasting) {
      const prompt = input.trim();
      input = '';
      if (prompt !== '' && !working) void respond(prompt);
      continue;
    }
    if (ch === '\x7f') input = input.slice(0, -1);
    else if (ch === '\r' || ch === '\n') input += '\n';
    else if (ch >= ' ') input += ch;
  }
  draw();
});
process.stdout.on('resize', draw);
draw();
