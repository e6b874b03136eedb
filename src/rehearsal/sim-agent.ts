import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SimEvent, SimPhase, SimScript } from '../domain/sim-script.js';

/**
 * The `sim` agent: a tiny scripted terminal program that looks like claude to Drover's screen
 * classifier (prompt in a `─` box, `esc to interrupt` while working, claude's Bash permission
 * dialog, `● CHECKPOINT:<step>` / `● ORCHESTRATOR:DONE`). It waits for pasted text + Enter, then
 * runs its script's phases (sim-script.ts). Timers only, no busy loop; it imports only node
 * built-ins (bin/drover-sim.mjs strips its types once and caches the result), so one process
 * costs a bare node's memory. The script was validated by Drover (zod) before launch.
 */

type Mode = 'starting' | 'prompt' | 'working' | 'dialog';

const RULE_CHAR = '─';
const SPINNER = ['·', '✢', '✳', '✶', '✻', '✽'];
const DIALOG_OPTIONS = ['Yes', 'Yes, and don’t ask again for this command', 'No'];

export function runSim(script: SimScript, env: NodeJS.ProcessEnv = process.env): void {
  const out = process.stdout;
  const stateFile = path.join(env.HOME ?? '/tmp', '.drover-sim-state.json');
  const transcript: string[] = [];
  let mode: Mode = 'starting';
  let input = '';
  let inPaste = false;
  let pc = 0; // next phase
  let workStarted = 0;
  let workLine = '';
  let live = ''; // latest output line of a busy phase
  let ticks = 0;
  let selected = 1;
  let onSignal: (() => void) | undefined;
  let onDialog: ((approved: boolean) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const log = (ev: SimEvent['ev'], detail?: string) => {
    if (!script.log) return;
    const line: SimEvent = { t: Date.now(), ev, phase: pc, ...(detail !== undefined ? { detail } : {}) };
    try {
      appendFileSync(script.log, `${JSON.stringify(line)}\n`);
    } catch {
      // a log is best effort
    }
  };

  if (existsSync(stateFile)) {
    try {
      pc = (JSON.parse(readFileSync(stateFile, 'utf8')) as { pc?: number }).pc ?? 0;
    } catch {
      pc = 0;
    }
  }

  const width = () => Math.max(40, out.columns ?? 120);
  const rows = () => Math.max(12, out.rows ?? 40);
  const rule = () => RULE_CHAR.repeat(width());

  const bottom = (): string[] => {
    if (mode === 'starting') return ['', ' drover-sim starting…'];
    if (mode === 'dialog') {
      const phase = script.phases[pc] as Extract<SimPhase, { kind: 'dialog' }>;
      const options = DIALOG_OPTIONS.map((label, i) => `${i + 1 === selected ? ' ❯' : '  '} ${i + 1}. ${label}`);
      return [
        rule(),
        ' Bash command',
        '',
        `   ${phase.command}`,
        `   ${phase.description}`,
        '',
        ' This command requires approval',
        '',
        ' Do you want to proceed?',
        ...options,
        '',
        ' Esc to cancel · Tab to amend · ctrl+e to explain',
      ];
    }
    const lines: string[] = [];
    if (mode === 'working') {
      const secs = Math.floor((Date.now() - workStarted) / 1000);
      if (live !== '') lines.push(`  ⎿  ${live}`);
      lines.push('', `${SPINNER[ticks % SPINNER.length]} ${workLine}… (${secs}s · esc to interrupt)`);
    }
    const shown = input.split('\n')[0] ?? '';
    const extra = input.split('\n').length - 1;
    lines.push(rule(), `❯ ${shown}${extra > 0 ? ` [Pasted text +${extra} lines]` : ''}`, rule(), '  ? for shortcuts');
    return lines;
  };

  const render = () => {
    const tail = bottom();
    const room = Math.max(0, rows() - tail.length);
    const lines = [...transcript.slice(-room), ...tail].map((l) => (l.length > width() ? l.slice(0, width()) : l));
    // Home, overwrite every line, erase below: never scrolls, so nothing is pushed into tmux's history twice.
    out.write(`\x1b[H${lines.map((l) => `${l}\x1b[K`).join('\r\n')}\x1b[J`);
  };

  const say = (...lines: string[]) => {
    for (const l of lines) transcript.push(`● ${l}`, '');
  };

  const clearTimer = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };

  const next = () => {
    clearTimer();
    live = '';
    pc += 1;
    runPhase();
  };

  const toPrompt = () => {
    clearTimer();
    mode = 'prompt';
    render();
  };

  const working = (what: string) => {
    mode = 'working';
    workStarted = Date.now();
    workLine = what;
    render();
  };

  const runPhase = () => {
    const phase = script.phases[pc];
    if (!phase) {
      toPrompt();
      return;
    }
    switch (phase.kind) {
      case 'work': {
        mode = 'working';
        workStarted = Date.now();
        workLine = phase.text.replace(/…$/, '');
        log(phase.everyMs ? 'busy' : 'quiet');
        if (phase.everyMs) {
          let n = 0;
          timer = setInterval(() => {
            n += 1;
            ticks += 1;
            live = `${phase.text} line ${n}`;
            render();
          }, phase.everyMs);
        }
        render();
        if (phase.untilSignal) onSignal = next;
        else setTimeout(next, phase.ms);
        return;
      }
      case 'say':
        say(...phase.lines);
        next();
        return;
      case 'dialog':
        mode = 'dialog';
        selected = phase.selected;
        render();
        log('dialog-shown', phase.command);
        onDialog = (approved) => {
          log('dialog-answered', approved ? 'approve' : 'deny');
          say(`Bash(${phase.command})`);
          if (approved) {
            mode = 'working';
            next();
          } else {
            transcript.push('  ⎿  User rejected the command', '');
            pc += 1;
            toPrompt();
          }
        };
        return;
      case 'checkpoint':
        say(`CHECKPOINT:${phase.step}`);
        log('checkpoint', phase.step);
        next();
        return;
      case 'done':
        say('ORCHESTRATOR:DONE');
        render();
        log('done');
        next();
        return;
      case 'commit':
        working('Committing');
        say(`Bash(git commit -m "${phase.message}")`);
        void commit(phase).then((detail) => {
          transcript.push(`  ⎿  ${detail}`, '');
          next();
        });
        return;
      case 'run':
        working('Running');
        say(`Bash(${phase.argv.join(' ')})`);
        execFile(phase.argv[0]!, phase.argv.slice(1), { timeout: phase.timeoutMs }, (error, stdout) => {
          transcript.push(
            `  ⎿  ${error ? `failed: ${error.message.split('\n')[0]}` : (stdout.trim().split('\n').pop() ?? '')}`,
            '',
          );
          next();
        });
        return;
      case 'idle':
        pc += 1;
        toPrompt();
        log('idle');
        return;
      case 'crash':
        log('crash');
        writeFileSync(stateFile, JSON.stringify({ pc: pc + 1 }));
        out.write('\x1b[?2004l');
        process.exit(phase.code);
    }
  };

  const git = (args: string[]) =>
    new Promise<string>((resolve) => {
      execFile('git', ['-c', 'user.name=drover-sim', '-c', 'user.email=sim@drover.invalid', ...args], (error, stdout) =>
        resolve(error ? `failed: ${error.message.split('\n')[0]}` : stdout.trim()),
      );
    });
  const commit = async (phase: Extract<SimPhase, { kind: 'commit' }>) => {
    await mkdir(path.dirname(path.resolve(phase.file)), { recursive: true });
    await writeFile(phase.file, phase.content);
    await git(['add', '--', phase.file]);
    return (await git(['commit', '-q', '-m', phase.message])) || 'committed';
  };

  const submit = () => {
    const text = input.trim();
    input = '';
    if (text === '') {
      render();
      return;
    }
    log('input', text.slice(0, 80));
    const [first, ...rest] = text.split('\n');
    transcript.push(`❯ ${first}`, ...rest.slice(0, 2).map((l) => `  ${l}`), '');
    if (pc >= script.phases.length) {
      say('Nothing left to do.');
      render();
      return;
    }
    runPhase();
  };

  const onKey = (key: string) => {
    if (key === '\x03') {
      out.write('\x1b[?2004l');
      process.exit(130);
    }
    if (mode === 'dialog') {
      if (key === 'up') selected = Math.max(1, selected - 1);
      else if (key === 'down') selected = Math.min(DIALOG_OPTIONS.length, selected + 1);
      else if (key === 'enter' || key === 'escape') {
        const answer = onDialog;
        onDialog = undefined;
        const approved = key === 'enter' && selected < 3;
        const delay = (script.phases[pc] as Extract<SimPhase, { kind: 'dialog' }>).answerDelayMs;
        if (delay > 0 && answer) setTimeout(() => answer(approved), delay);
        else answer?.(approved);
        return;
      }
      render();
      return;
    }
    if (mode !== 'prompt') return; // like claude, typing while working is ignored here
    if (key === 'enter') submit();
    else if (key === 'backspace') input = input.slice(0, -1);
    else if (key.length === 1 || key.startsWith('text:')) input += key.startsWith('text:') ? key.slice(5) : key;
    if (key !== 'enter') render();
  };

  const onData = (chunk: string) => {
    let rest = chunk;
    while (rest.length > 0) {
      if (inPaste) {
        const end = rest.indexOf('\x1b[201~');
        const part = end >= 0 ? rest.slice(0, end) : rest;
        if (mode === 'prompt') input += part.replace(/\r\n?/g, '\n');
        if (end < 0) return render();
        inPaste = false;
        rest = rest.slice(end + 6);
        render();
        continue;
      }
      if (rest.startsWith('\x1b[200~')) {
        inPaste = true;
        log('paste');
        rest = rest.slice(6);
        continue;
      }
      const head = rest.slice(0, 3);
      const seq =
        head === '\x1b[A' || head === '\x1bOA' ? 'up' : head === '\x1b[B' || head === '\x1bOB' ? 'down' : undefined;
      if (seq) {
        onKey(seq);
        rest = rest.slice(3);
        continue;
      }
      const c = rest[0]!;
      rest = rest.slice(1);
      if (c === '\r' || c === '\n') onKey('enter');
      else if (c === '\x1b') onKey('escape');
      else if (c === '\x7f' || c === '\b') onKey('backspace');
      else if (c === '\x03') onKey(c);
      else if (c >= ' ') onKey(c);
    }
  };

  process.on('SIGUSR1', () => {
    log('signal');
    const go = onSignal;
    onSignal = undefined;
    go?.();
  });
  process.on('SIGTERM', () => process.exit(143));
  process.on('SIGHUP', () => process.exit(129));
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', onData);
  out.write('\x1b[?2004h\x1b[2J');
  render();
  setTimeout(() => {
    log('ready');
    toPrompt();
  }, script.startupMs);
}
