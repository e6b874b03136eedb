import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import type { Gates, Manifest } from '../domain/manifest-schema.js';
import { validateManifest } from '../domain/manifest-validate.js';
import { MAX_YAML_DEPTH, yamlNestingDepth } from './yaml-depth.js';

/** Larger files are refused before parsing (a manifest is a few kilobytes). */
export const MAX_MANIFEST_BYTES = 10 * 1024 * 1024;

export interface LoadedManifest {
  manifest: Manifest;
  /** Problems that do not stop a run (e.g. a task listing no files). */
  warnings: string[];
}

function fail(path: string, problems: string[]): never {
  const head = problems.length === 1 ? `${path}: 1 problem` : `${path}: ${problems.length} problems`;
  throw new Error(`${head}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

/** JSON by extension `.json`, YAML by `.yaml`/`.yml`; otherwise JSON when the text starts with `{` or `[`, else YAML. */
export function parseManifestText(path: string, withBom: string): unknown {
  const text = withBom.replace(/^\uFEFF/, ''); // editors on Windows save UTF-8 with a byte order mark
  const ext = extname(path).toLowerCase();
  const asJson = ext === '.json' || (ext !== '.yaml' && ext !== '.yml' && /^\s*[{[]/.test(text));
  if (asJson) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      fail(path, [`not valid JSON: ${(err as Error).message}`]);
    }
  }
  const depth = yamlNestingDepth(text);
  if (depth > MAX_YAML_DEPTH)
    fail(path, [`not a manifest: YAML nested ${depth} levels deep; a manifest needs fewer than ${MAX_YAML_DEPTH}`]);
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0)
    fail(
      path,
      doc.errors.map((e) => `not valid YAML: ${e.message.split('\n')[0] ?? e.message}`),
    );
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (err) {
    // e.g. the alias-count guard against "billion laughs" documents, a ReferenceError
    fail(path, [`not valid YAML: ${(err as Error).message}`]);
  }
}

/**
 * Reads and validates a manifest file (JSON or YAML). Throws an Error whose message names the
 * file and lists every problem. The repository is not known here, so file entries are only
 * checked for shape, not against the repository's files. `gates` (default strict) decides
 * whether a dependency on a later phase is an error.
 */
export async function loadManifestFile(path: string, opts: { gates?: Gates } = {}): Promise<LoadedManifest> {
  let text: string;
  try {
    const buf = await readFile(path);
    if (buf.length > MAX_MANIFEST_BYTES)
      fail(path, [`the file is ${buf.length} bytes; a manifest may have at most ${MAX_MANIFEST_BYTES}`]);
    text = buf.toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail(path, ['no such file']);
    if (code === 'EISDIR') fail(path, ['is a directory, not a manifest file']);
    if (code === 'EACCES') fail(path, ['permission denied']);
    throw err;
  }
  const result = validateManifest(parseManifestText(path, text), { repoFiles: undefined, gates: opts.gates });
  if (!result.ok) fail(path, result.errors);
  return { manifest: result.manifest, warnings: result.warnings };
}
