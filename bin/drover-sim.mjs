#!/usr/bin/env node
// The `sim` agent (src/rehearsal/sim-agent.ts) without tsx: its types are stripped once with
// esbuild and the result cached in the temp directory, so each sim costs one bare node process.
//   drover-sim                  script from $DROVER_SIM_SCRIPT (JSON, validated by Drover)
//   drover-sim --script FILE    script from a JSON file (validated here)
//   drover-sim --build-only     prepare the cache and exit
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, '..', 'src', 'rehearsal', 'sim-agent.ts');
const code = readFileSync(source, 'utf8');
// the oldest Node.js in package.json's engines; part of the cache key so a new target rebuilds
const NODE_TARGET = 'node22';
const built = path.join(
  os.tmpdir(),
  `drover-sim-${createHash('sha256').update(NODE_TARGET).update(code).digest('hex').slice(0, 16)}.mjs`,
);
if (!existsSync(built)) {
  const { transformSync } = await import('esbuild');
  const tmp = `${built}.${process.pid}.tmp`;
  writeFileSync(
    tmp,
    transformSync(code, { loader: 'ts', format: 'esm', target: NODE_TARGET, sourcefile: source }).code,
  );
  renameSync(tmp, built);
}
const args = process.argv.slice(2);
if (args[0] === '--build-only') process.exit(0);

let script;
if (args[0] === '--script' && args[1]) {
  // A hand-written file: validated with the same zod schema Drover uses (this costs memory, so only here).
  const { register } = await import('tsx/esm/api');
  register();
  const { parseSimScriptText } = await import('../src/domain/sim-script.ts');
  script = parseSimScriptText(readFileSync(args[1], 'utf8'), args[1]);
} else {
  script = JSON.parse(process.env.DROVER_SIM_SCRIPT ?? '{"startupMs":200,"phases":[]}');
  script.phases ??= [];
  script.startupMs ??= 200;
}
const { runSim } = await import(pathToFileURL(built).href);
runSim(script, process.env);
