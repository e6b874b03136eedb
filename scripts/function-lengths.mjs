#!/usr/bin/env node
// The longest functions (lines from signature to closing brace, nested functions counted on their
// own too) of the .ts files under the given paths, measured with the TypeScript compiler's parser.
// Usage: node scripts/function-lengths.mjs [--max N] [--top N] PATH...
// With --max, exits 1 when a function is longer than N lines and lists only those.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

function parseArgs(argv) {
  const opts = { max: undefined, top: 15, paths: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--max' || arg === '--top') {
      const value = Number(argv[(i += 1)]);
      if (!Number.isInteger(value) || value <= 0)
        throw new Error(`${arg} needs a positive whole number, got ${argv[i] ?? 'nothing'}`);
      opts[arg.slice(2)] = value;
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg} (use --max N, --top N)`);
    else opts.paths.push(arg);
  }
  if (opts.paths.length === 0) throw new Error('usage: node scripts/function-lengths.mjs [--max N] [--top N] PATH...');
  return opts;
}

function tsFiles(target) {
  if (statSync(target).isFile()) return [target];
  return readdirSync(target, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(target, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function functionName(node) {
  const owner = ts.isClassLike(node.parent) ? `${node.parent.name?.getText() ?? '<class>'}.` : '';
  if (ts.isConstructorDeclaration(node)) return `${owner}constructor`;
  if (node.name) return owner + node.name.getText();
  const parent = node.parent;
  if (
    parent &&
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
  )
    return parent.name.getText();
  return '<anonymous>';
}

function measure(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.end).line;
      found.push({ lines: last - first + 1, where: `${file}:${first + 1}`, name: functionName(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

try {
  const opts = parseArgs(process.argv.slice(2));
  const all = opts.paths
    .flatMap(tsFiles)
    .flatMap(measure)
    .sort((a, b) => b.lines - a.lines);
  const shown = opts.max === undefined ? all.slice(0, opts.top) : all.filter((f) => f.lines > opts.max);
  for (const f of shown) console.log(`${String(f.lines).padStart(4)} ${f.where} ${f.name}`);
  if (opts.max !== undefined) {
    console.log(
      shown.length === 0
        ? `every function is at most ${opts.max} lines (${all.length} measured)`
        : `${shown.length} function(s) longer than ${opts.max} lines`,
    );
    process.exitCode = shown.length === 0 ? 0 : 1;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
}
