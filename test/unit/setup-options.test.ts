import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandRules } from '../../src/cli/command-rule-options.js';
import { setupFor } from '../../src/cli/setup-options.js';
import { ConfigFileSchema } from '../../src/config/config-schema.js';
import { portBlockFor, portEnv } from '../../src/host/port-blocks.js';

const tmp = await mkdtemp(path.join(os.tmpdir(), 'drover-setup-opts-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('port blocks', () => {
  it('one block per task, distinct, kept for the task, handed over as DROVER_PORT / PORT', async () => {
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((t) => portBlockFor(tmp, t)));
    expect(new Set([a!.start, b!.start, c!.start]).size).toBe(3);
    expect(await portBlockFor(tmp, 'b')).toEqual(b);
    expect(portEnv({ start: 20_010, count: 10 })).toEqual({
      DROVER_PORT: '20010',
      PORT: '20010',
      DROVER_PORT_COUNT: '10',
    });
  });
});

describe('setup and command rules from the configuration and the flags', () => {
  const config = {
    projectRoot: '/srv/project',
    repos: { './app': { setup: { commands: [['npm', 'ci']], copy: [{ from: '.env' }] } } },
  };

  it("the repository's configured setup, then the flags'", () => {
    expect(setupFor('/srv/project/app', config, { setup: ['uv sync --frozen'], setupTimeout: '120' })).toEqual({
      commands: [
        ['npm', 'ci'],
        ['uv', 'sync', '--frozen'],
      ],
      copy: [{ from: '.env' }],
      timeoutSeconds: 120,
    });
    expect(setupFor('/srv/other', config, {})).toBeUndefined();
    expect(() => setupFor('/srv/other', config, { setup: ['npm ci | tee x'] })).toThrow(/--setup/);
  });

  it('the config file accepts repos.<path>.setup and commands, and refuses shell strings', () => {
    expect(
      ConfigFileSchema.safeParse({
        repos: { './app': { setup: { commands: [['npm', 'ci']] } } },
        commands: { allow: [['just', 'check']] },
      }).success,
    ).toBe(true);
    expect(ConfigFileSchema.safeParse({ repos: { './app': { setup: { commands: ['npm ci'] } } } }).success).toBe(false);
    expect(ConfigFileSchema.safeParse({ commands: { allow: ['just check'] } }).success).toBe(false);
  });

  it('command rules: the task’s flags first, then the manifest’s, then the config’s, each tagged', () => {
    expect(
      commandRules({
        config: { allow: [['just', 'check']] },
        manifest: { deny: [['npm', 'publish', '**']] },
        flags: { allowCommand: ['make e2e-*'] },
      }),
    ).toEqual([
      { action: 'allow', argv: ['make', 'e2e-*'], from: 'task' },
      { action: 'deny', argv: ['npm', 'publish', '**'], from: 'manifest' },
      { action: 'allow', argv: ['just', 'check'], from: 'config' },
    ]);
    expect(() => commandRules({ flags: { denyCommand: ['* **'] } })).toThrow(/--deny-command "\* \*\*"/);
  });
});
