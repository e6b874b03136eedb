#!/usr/bin/env node
// The `drover` command. Runs Drover's sources as plain JavaScript compiled once per version of
// the sources (bin/compiled-src.mjs, cached in node_modules/.cache/drover); falls back to
// running the TypeScript through tsx when that is not possible, or when DROVER_USE_TSX=1.
import { compiledModule } from './compiled-src.mjs';

const compiled = process.env.DROVER_USE_TSX === '1' ? undefined : await compiledModule('cli/main.ts');
let main;
if (compiled) {
  // stack traces name the .ts lines when debugging (source maps cost memory, so only then)
  if (process.env.DROVER_DEBUG) process.setSourceMapsEnabled(true);
  ({ main } = await import(compiled));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
await main(process.argv);
