import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifestFile } from '../../src/cli/manifest-file.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixtures = new URL('../fixtures/manifests/', import.meta.url);
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadManifestFile', () => {
  it('reads JSON and YAML by extension', async () => {
    const json = await loadManifestFile(new URL('example.json', fixtures).pathname);
    const yaml = await loadManifestFile(new URL('example.yaml', fixtures).pathname);
    expect(json.manifest.phases.flatMap((p) => p.tasks.map((t) => t.id))).toEqual([
      't1',
      't2',
      't3',
      't4',
      't5',
      't6',
      't7',
      't8',
    ]);
    expect(yaml.manifest.phases.flatMap((p) => p.tasks.map((t) => t.id))).toEqual([
      't1',
      't2',
      't3',
      't4',
      't5',
      't6',
      't7',
      't8',
    ]);
    expect(yaml.manifest.created).toBe('2026-01-17T00:00:00Z');
  });

  it('sniffs files without a known extension', async () => {
    const text = readFileSync(new URL('reference-example.json', fixtures), 'utf8');
    expect((await loadManifestFile(write('manifest', text))).manifest.project).toBe('nuri-security-framework');
    const yaml = readFileSync(new URL('example.yaml', fixtures), 'utf8');
    expect((await loadManifestFile(write('manifest.txt', yaml))).manifest.phases).toHaveLength(2);
  });

  it('lists every problem under the file name', async () => {
    const path = new URL('invalid-many-problems.json', fixtures).pathname;
    const err = await loadManifestFile(path).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const lines = (err as Error).message.split('\n');
    expect(lines[0]).toBe(`${path}: 7 problems`);
    expect(lines.slice(1).every((l) => l.startsWith('  - '))).toBe(true);
    expect((err as Error).message).toContain('dependency cycle: t1 → t2 → t1');
  });

  it('reports syntax errors, missing files and directories with the file name', async () => {
    await expect(loadManifestFile(write('bad.json', '{"phases": ['))).rejects.toThrow(
      /bad\.json: 1 problem\n {2}- not valid JSON/,
    );
    await expect(loadManifestFile(write('bad.yaml', 'phases:\n  - name: [unclosed\n'))).rejects.toThrow(
      /bad\.yaml: \d+ problems?\n {2}- not valid YAML/,
    );
    await expect(loadManifestFile(write('dup.yaml', 'phases: []\nphases: []\n'))).rejects.toThrow(
      /dup\.yaml: 1 problem\n {2}- not valid YAML: Map keys must be unique/,
    );
    await expect(loadManifestFile(join(dir, 'absent.json'))).rejects.toThrow(
      /absent\.json: 1 problem\n {2}- no such file/,
    );
    mkdirSync(join(dir, 'sub.json'));
    await expect(loadManifestFile(join(dir, 'sub.json'))).rejects.toThrow(/sub\.json: 1 problem\n {2}- is a directory/);
  });

  it('passes gates through: a later-phase dependency is fine with deps gates', async () => {
    const path = new URL('invalid-later-phase-dependency.json', fixtures).pathname;
    await expect(loadManifestFile(path)).rejects.toThrow(/later phase/);
    const loaded = await loadManifestFile(path, { gates: 'deps' });
    expect(loaded.warnings).toHaveLength(1);
  });
});
