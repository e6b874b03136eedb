import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../config/config.js';

/** One command for the launcher: an argument array, never a shell string. */
export interface SpawnRequest {
  file: string;
  args: string[];
  cwd?: string;
  /** The complete environment of the command (nothing is inherited). */
  env: Record<string, string>;
  input?: string;
  timeoutMs?: number;
}

export interface SpawnResult {
  exitCode: number;
  signal?: string;
  stdout: string;
  stderr: string;
  /** The command could not be started (e.g. ENOENT). */
  error?: string;
}

/** The launcher exited before answering: the command may be run another way. */
export class SpawnerGone extends Error {}

// from the project root, not this file: the file may run from the compiled tree (bin/compiled-src.mjs)
const launcher = path.join(projectRoot(), 'bin', 'drover-spawner.mjs');

/**
 * A 1 MB young generation: the launcher only passes JSON lines and command output through, and
 * V8's default (up to 16 MB per semi-space) let it grow to ~110 MB RSS over 1000 commands with
 * 20-120 KB outputs, against ~77 MB with this flag, for the same CPU (docs/scale.md).
 */
const LAUNCHER_FLAGS = ['--max-semi-space-size=1'];

interface Waiter {
  resolve: (result: SpawnResult) => void;
  reject: (error: Error) => void;
}

/**
 * A small long-lived child process that starts the worker's short commands (git, tmux) for it,
 * so the big worker process never forks: its event loop (which runs activities and hands
 * workflow activations to their thread) stays free while git and tmux start. Restarted on the
 * next call when it dies; a command it was running when it died fails with SpawnerGone.
 */
export class Spawner {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly waiting = new Map<number, Waiter>();
  private seq = 0;
  private buffer = '';
  private stopped = false;

  /** The launcher's pid (for tests and benches), once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  run(request: SpawnRequest): Promise<SpawnResult> {
    if (this.stopped) return Promise.reject(new SpawnerGone('the process launcher was stopped'));
    const child = this.ensureChild();
    const id = (this.seq += 1);
    return new Promise<SpawnResult>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  private ensureChild(): ChildProcessWithoutNullStreams {
    if (this.child && this.child.exitCode === null && !this.child.killed) return this.child;
    const child = spawn(process.execPath, [...LAUNCHER_FLAGS, launcher], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '' },
      cwd: path.dirname(launcher),
    });
    this.child = child;
    this.buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onData(chunk));
    child.stderr.resume();
    child.stdin.on('error', () => undefined);
    child.on('error', () => this.failAll(child, 'the process launcher could not start'));
    child.on('exit', () => this.failAll(child, 'the process launcher exited'));
    return child;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl = this.buffer.indexOf('\n');
    while (nl >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      nl = this.buffer.indexOf('\n');
      let answer: SpawnResult & { id: number };
      try {
        answer = JSON.parse(line) as SpawnResult & { id: number };
      } catch {
        continue;
      }
      const waiter = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      const { id: _id, ...result } = answer;
      waiter?.resolve(result);
    }
  }

  private failAll(child: ChildProcessWithoutNullStreams, why: string): void {
    if (this.child === child) this.child = undefined;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) w.reject(new SpawnerGone(why));
  }

  stop(): void {
    this.stopped = true;
    const child = this.child;
    this.child = undefined;
    if (child) {
      for (const w of this.waiting.values()) w.reject(new SpawnerGone('the process launcher was stopped'));
      this.waiting.clear();
      child.stdin.end();
    }
  }
}
