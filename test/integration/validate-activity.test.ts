import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  runValidation,
  stopValidation,
  validationEnv,
  validationPidFile,
  type ValidationResult,
} from '../../src/activities/validate.js';
import { processAlive } from '../support/processes.js';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'drover-validate-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

const deps = () => ({ droverHome: home });
const run = (
  env: MockActivityEnvironment,
  argv: string[],
  timeoutSeconds = 20,
  taskId = 't',
): Promise<ValidationResult> => env.run(runValidation, deps(), { worktree: home, argv, timeoutSeconds, taskId });

describe('runValidation (a real process, a mock activity context)', () => {
  it('runs argv without a shell in the worktree and keeps a redacted output tail', async () => {
    const script = `console.log(process.cwd()); for (let i = 0; i < 100; i++) console.log('line ' + i); console.error('key sk-abcdefghijklmnopqrstuvwx $(id)'); process.exit(3)`;
    const r = await run(new MockActivityEnvironment(), ['node', '-e', script]);
    expect(r.exitCode).toBe(3);
    expect(r.timedOut).toBe(false);
    expect(r.outputTail.length).toBeLessThanOrEqual(60);
    expect(r.outputTail).toContain('line 99');
    expect(r.outputTail).not.toContain('line 0');
    expect(r.outputTail.join('\n')).toContain('key [REDACTED] $(id)');
    expect(r.outputTail.join('\n')).not.toContain('sk-abcdef');
    expect(Date.parse(r.finishedAt)).toBeGreaterThanOrEqual(Date.parse(r.startedAt));
    expect(existsSync(validationPidFile(home, 't'))).toBe(false);
  });

  it('stops the whole process group at the timeout', async () => {
    const pidFile = path.join(home, 'grandchild.pid');
    const script = `const {spawn}=require('child_process'); const c=spawn(process.execPath,['-e','setInterval(()=>{},1000)'],{stdio:'ignore'}); require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); setInterval(()=>{},1000)`;
    const started = Date.now();
    const r = await run(new MockActivityEnvironment(), ['node', '-e', script], 1.5, 'slow');
    expect(r.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(6000);
    expect(r.outputTail.join('\n')).toContain('[drover] validation timed out');
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    await new Promise((res) => setTimeout(res, 300));
    expect(processAlive(grandchild)).toBe(false);
  });

  it('kills the process on cancellation and reports the cancellation', async () => {
    const env = new MockActivityEnvironment();
    const marker = path.join(home, 'cancel.pid');
    const running = run(
      env,
      [
        'node',
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(marker)}, String(process.pid)); setInterval(()=>{},1000)`,
      ],
      60,
      'cancel',
    );
    while (!existsSync(marker)) await new Promise((res) => setTimeout(res, 50));
    const pid = Number(await readFile(marker, 'utf8'));
    env.cancel();
    await expect(running).rejects.toThrow();
    expect(processAlive(pid)).toBe(false);
  });

  it("a retry (or the slot) stops the previous attempt's process first; stopping again is a no-op", async () => {
    const first = new MockActivityEnvironment();
    const marker = path.join(home, 'orphan.pid');
    const orphan = run(
      first,
      [
        'node',
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(marker)}, String(process.pid)); setInterval(()=>{},1000)`,
      ],
      60,
      'retry',
    );
    while (!existsSync(marker)) await new Promise((res) => setTimeout(res, 50));
    const pid = Number(await readFile(marker, 'utf8'));
    // the first attempt's worker "died": its process still runs; the second attempt must stop it
    const second = await run(new MockActivityEnvironment(), ['node', '-e', 'process.exit(0)'], 10, 'retry');
    expect(second.exitCode).toBe(0);
    expect(processAlive(pid)).toBe(false);
    await orphan.catch(() => undefined);
    expect(await stopValidation(deps(), { taskId: 'retry' })).toEqual({ stopped: false });
  });

  it('passes the worker environment without secrets', () => {
    const env = validationEnv({
      PATH: '/bin',
      HOME: '/h',
      GITHUB_TOKEN: 'x',
      ANTHROPIC_API_KEY: 'y',
      DROVER_WEBHOOK_URL: 'z',
      TEMPORAL_TLS_KEY: 'k',
      NPM_CONFIG_CACHE: '/c',
    });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', NPM_CONFIG_CACHE: '/c' });
  });
});
