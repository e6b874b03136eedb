import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/config.js';

const run = promisify(execFile);
const bin = path.join(projectRoot(), 'bin', 'drover.mjs');
// a plain .mjs file without types: vitest imports it as is
const { compiledModule } = (await import(path.join(projectRoot(), 'bin', 'compiled-src.mjs'))) as {
  compiledModule: (rel: string) => Promise<string | undefined>;
};

describe('bin/compiled-src.mjs (the sources as JavaScript for bin/drover.mjs)', () => {
  it('compiles src/ into a cache keyed by the sources, same tree, types stripped', async () => {
    const url = await compiledModule('cli/main.ts');
    expect(url).toMatch(/\/node_modules\/\.cache\/drover\/js-[0-9a-f]{20}\/cli\/main\.js$/);
    const file = fileURLToPath(url!);
    expect(await readFile(path.join(path.dirname(file), '..', '.complete'), 'utf8')).toBe('');
    const spawner = await readFile(path.join(path.dirname(file), '..', 'process', 'spawner.js'), 'utf8');
    expect(spawner).not.toMatch(/:\s*SpawnRequest\b/);
    // the same sources: the same tree, not a second build
    expect(await compiledModule('cli/main.ts')).toBe(url);
  });

  it('runs the CLI compiled and, with DROVER_USE_TSX=1, through tsx', async () => {
    const compiled = await run(process.execPath, [bin, '--version']);
    const viaTsx = await run(process.execPath, [bin, '--version'], { env: { ...process.env, DROVER_USE_TSX: '1' } });
    expect(compiled.stdout.trim()).toBe('0.1.0');
    expect(viaTsx.stdout).toBe(compiled.stdout);
  });
});
