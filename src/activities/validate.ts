import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { execa } from 'execa';
import { maskSecrets } from '../host/secret-values.js';
import type { ActivityDeps } from './deps.js';

export interface ValidationInput {
  worktree: string;
  argv: string[];
  timeoutSeconds: number;
  taskId: string;
}

export interface ValidationResult {
  exitCode: number | null;
  timedOut: boolean;
  /** The last lines of stdout+stderr (at most ~60 lines / 4 KB), tokens redacted. */
  outputTail: string[];
  startedAt: string;
  finishedAt: string;
}

/** In every watchdog's command line, so a pid file never makes us kill someone else's process. */
const MARKER = 'drover-validation-watchdog';

/**
 * The validation command runs under a tiny node watchdog that leads its own process group and
 * enforces the deadline by itself: a SIGKILLed worker leaves it running, but never past its
 * timeout (the slot's lease is longer), so an orphan cannot overlap the slot's next holder.
 */
const WATCHDOG = `
const { spawn } = require('node:child_process');
const { constants } = require('node:os');
const [, , deadline, cmd, ...args] = process.argv;
let timedOut = false;
const group = (sig) => { try { process.kill(-process.pid, sig); } catch {} };
process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});
const child = spawn(cmd, args, { stdio: 'inherit' });
child.on('error', (e) => { process.stderr.write('[drover] cannot run ' + cmd + ': ' + e.message + '\\n'); process.exit(127); });
setTimeout(() => {
  timedOut = true;
  process.stderr.write('[drover] validation timed out: stopping it\\n');
  group('SIGTERM');
  setTimeout(() => group('SIGKILL'), 2000).unref();
}, Math.max(0, Number(deadline) - Date.now())).unref();
child.on('exit', (code, sig) => process.exit(timedOut ? 124 : code ?? 128 + (constants.signals[sig] ?? 0)));
`;

const TAIL_LINES = 60;
const TAIL_BYTES = 4096;
const HEARTBEAT_MS = 2000;
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|CREDENTIAL|WEBHOOK/i;

interface PidRecord {
  pid: number;
  startedAt: string;
  deadlineMs: number;
}

export function validationPidFile(droverHome: string, taskId: string): string {
  return path.join(droverHome, 'validations', `${taskId}.json`);
}

/** The worker's environment without anything that looks like a secret (tests need PATH, HOME, …). */
export function validationEnv(source: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined || SECRET_NAME.test(key) || key.startsWith('TEMPORAL_TLS') || key === 'CLAUDECODE')
      continue;
    env[key] = value;
  }
  return env;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function leaderArgs(pid: number): Promise<string | undefined> {
  if (existsSync('/proc/self/cmdline')) {
    return readFile(`/proc/${pid}/cmdline`, 'utf8').then(
      (s) => s.replace(/\0/g, ' '),
      () => undefined,
    );
  }
  const ps = await execa('ps', ['-o', 'args=', '-p', String(pid)], { reject: false });
  return ps.exitCode === 0 && ps.stdout.trim() ? ps.stdout : undefined;
}

/**
 * Whether the process group of a recorded watchdog still runs. A pid in use as a group id is never
 * handed out again, so a live group whose leader is gone is still ours; a live leader must carry the marker.
 */
async function ourGroupAlive(pgid: number): Promise<boolean> {
  if (!groupAlive(pgid)) return false;
  const args = await leaderArgs(pgid);
  return args === undefined || args.includes(MARKER);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function killGroup(pgid: number): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  for (let i = 0; i < 20 && groupAlive(pgid); i++) await sleep(100);
  if (groupAlive(pgid)) signal('SIGKILL');
  for (let i = 0; i < 30 && groupAlive(pgid); i++) await sleep(100);
}

/**
 * Stops the task's validation process if one still runs (a previous attempt on a dead worker, or
 * a holder whose grant the slot revoked). Idempotent: nothing recorded, nothing done.
 */
export async function stopValidation(
  deps: Pick<ActivityDeps, 'droverHome'>,
  input: { taskId: string },
): Promise<{ stopped: boolean; pid?: number }> {
  const file = validationPidFile(deps.droverHome, input.taskId);
  let record: PidRecord;
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as PidRecord;
  } catch {
    return { stopped: false };
  }
  let stopped = false;
  if (Number.isInteger(record.pid) && record.pid > 1 && (await ourGroupAlive(record.pid))) {
    await killGroup(record.pid);
    stopped = true;
  }
  await rm(file, { force: true });
  return { stopped, pid: record.pid };
}

function tailOf(text: string): string[] {
  const lines = maskSecrets(text.slice(-TAIL_BYTES)).split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-TAIL_LINES);
}

/**
 * Runs the validation command (argv, never a shell) in the worktree, heartbeating; stops it at its
 * timeout or when the activity is cancelled. A retry first stops the previous attempt's process.
 */
export async function runValidation(
  deps: Pick<ActivityDeps, 'droverHome'>,
  input: ValidationInput,
): Promise<ValidationResult> {
  const ctx = Context.current();
  await stopValidation(deps, input);
  const file = validationPidFile(deps.droverHome, input.taskId);
  await mkdir(path.dirname(file), { recursive: true });
  const [command, ...args] = input.argv;
  if (!command) throw new Error('the validation command is empty');
  const started = new Date();
  const deadlineMs = started.getTime() + input.timeoutSeconds * 1000;
  const child = execa(process.execPath, ['-e', WATCHDOG, '--', MARKER, String(deadlineMs), command, ...args], {
    cwd: input.worktree,
    detached: true,
    reject: false,
    all: true,
    buffer: false,
    stdin: 'ignore',
    extendEnv: false,
    env: validationEnv(process.env),
  });
  const pid = child.pid;
  if (pid === undefined) {
    await child;
    throw new Error(`could not start the validation command ${command}`);
  }
  await writeFile(file, JSON.stringify({ pid, startedAt: started.toISOString(), deadlineMs } satisfies PidRecord));
  let output = '';
  child.all?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-2 * TAIL_BYTES);
  });
  let cancelled = false;
  const beat = setInterval(
    () => ctx.heartbeat({ pid, elapsedSeconds: Math.round((Date.now() - started.getTime()) / 1000) }),
    HEARTBEAT_MS,
  );
  // Belt and braces: the watchdog stops itself at the deadline; this catches a hung watchdog.
  const backstop = setTimeout(() => void killGroup(pid), Math.max(0, deadlineMs - Date.now()) + 5000);
  const onCancel = () => {
    cancelled = true;
    void killGroup(pid);
  };
  ctx.cancellationSignal.addEventListener('abort', onCancel);
  try {
    ctx.heartbeat({ pid, elapsedSeconds: 0 });
    const result = await child;
    const finished = new Date();
    if (groupAlive(pid)) await killGroup(pid); // grandchildren left behind by the command
    if (cancelled) await ctx.cancelled;
    return {
      exitCode: typeof result.exitCode === 'number' ? result.exitCode : null,
      timedOut: finished.getTime() >= deadlineMs - 50,
      outputTail: tailOf(output),
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
    };
  } finally {
    clearInterval(beat);
    clearTimeout(backstop);
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
    const current = await readFile(file, 'utf8').then(
      (s) => (JSON.parse(s) as PidRecord).pid,
      () => undefined,
    );
    if (current === pid && !groupAlive(pid)) await rm(file, { force: true });
  }
}
