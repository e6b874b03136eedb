#!/usr/bin/env node
// The worker's process launcher (src/process/spawner.ts): runs short commands (git, tmux) for
// the worker so the worker itself never forks. Forking a ~600 MB worker blocked its event loop
// for ~10 ms per call under load, most of its CPU at 100 agents (docs/scale.md). Plain
// JavaScript without dependencies: a small process that is cheap to fork from.
// Protocol: one JSON request per line on stdin, one JSON answer per line on stdout.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const write = (answer) => process.stdout.write(`${JSON.stringify(answer)}\n`);

function run(req) {
  let child;
  try {
    child = spawn(req.file, req.args, { cwd: req.cwd, env: req.env, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    write({ id: req.id, error: String(error?.message ?? error) });
    return;
  }
  const out = [];
  const err = [];
  let failed;
  const timer = req.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), req.timeoutMs) : undefined;
  child.stdout.on('data', (c) => out.push(c));
  child.stderr.on('data', (c) => err.push(c));
  child.on('error', (error) => {
    failed = String(error?.message ?? error);
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(req.input ?? '');
  child.on('close', (code, signal) => {
    if (timer) clearTimeout(timer);
    write({
      id: req.id,
      exitCode: code ?? -1,
      signal: signal ?? undefined,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
      ...(failed ? { error: failed } : {}),
    });
  });
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (!line.trim()) return;
  let req;
  try {
    req = JSON.parse(line);
  } catch {
    return;
  }
  run(req);
});
// the worker is gone: nothing more will be asked, running commands finish on their own
lines.on('close', () => process.exit(0));
