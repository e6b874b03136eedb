import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, type DroverConfig } from '../config/config.js';
import { ensureTemporal } from '../dev/ensure-temporal.js';
import { gitOrThrow } from '../host/git/git.js';

/** A tiny repository with a real defect (`add` subtracts) and a test that shows it. */
export async function createDemoRepo(root: string): Promise<string> {
  const dir = path.join(
    root,
    `sample-${new Date()
      .toISOString()
      .replace(/[-:.TZ]/g, '')
      .slice(0, 14)}`,
  );
  return commitSample(
    dir,
    {
      'calc.js': 'export function add(a, b) {\n  return a - b;\n}\n',
      'calc.test.js':
        "import assert from 'node:assert/strict';\nimport { add } from './calc.js';\n\nassert.equal(add(2, 3), 5);\nconsole.log('ok');\n",
      'package.json':
        JSON.stringify({ name: 'sample', type: 'module', scripts: { test: 'node calc.test.js' } }, null, 2) + '\n',
    },
    'Sample project with a defect',
  );
}

/** A new repository in `dir` (branch `main`) holding `files` in one commit by "Drover demo". */
export async function commitSample(dir: string, files: Record<string, string>, message: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(path.join(dir, file), content);
  await gitOrThrow(dir, ['init', '--quiet', '--initial-branch=main']);
  await gitOrThrow(dir, ['add', '-A']);
  await gitOrThrow(dir, [
    '-c',
    'user.email=demo@drover.local',
    '-c',
    'user.name=Drover demo',
    'commit',
    '--quiet',
    '-m',
    message,
  ]);
  return dir;
}

/** Both demos start the same way: progress to stderr under --json, and the Temporal server started or reused. */
export async function demoStart(
  json: boolean | undefined,
): Promise<{ say: (line: string) => void; config: DroverConfig }> {
  const say = json ? (l: string) => console.error(l) : (l: string) => console.log(l);
  const config = loadConfig();
  say(
    config.embedded
      ? 'Starting (or reusing) the embedded Temporal dev server…'
      : `Using Temporal at ${config.temporal.address}`,
  );
  await ensureTemporal(config, say);
  return { say, config };
}
