import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'calc.js'), 'export function add(a, b) {\n  return a - b;\n}\n');
  await writeFile(
    path.join(dir, 'calc.test.js'),
    "import assert from 'node:assert/strict';\nimport { add } from './calc.js';\n\nassert.equal(add(2, 3), 5);\nconsole.log('ok');\n",
  );
  await writeFile(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'sample', type: 'module', scripts: { test: 'node calc.test.js' } }, null, 2) + '\n',
  );
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
    'Sample project with a defect',
  ]);
  return dir;
}
