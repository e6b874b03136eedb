/**
 * Runs once per `vitest run`, before any test file. Work every test file would otherwise repeat
 * happens here once: test files run in parallel, and several files starting workers at once on a
 * fresh clone would each run webpack for the same workflow bundle (a few CPU-seconds apiece on a
 * 2-core machine), and each look for (or install) the Temporal CLI.
 */
import { projectRoot } from '../../src/config/config.js';
import { findTemporalCli } from '../../src/dev/temporal-cli.js';
import { workflowBundle } from '../../src/workers/bundle.js';
import { loadWanted, startLoad, type LoadMode } from './load-mode.js';

let load: LoadMode | undefined;

export async function setup(): Promise<void> {
  const started = Date.now();
  // The bundle is cached on disk by code version: test workers and `drover worker` processes load that file.
  await Promise.all([
    workflowBundle(),
    findTemporalCli({ projectRoot: projectRoot(), install: true, log: () => undefined }),
  ]);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[global-setup] workflow bundle and Temporal CLI ready in ${seconds} s`);
  // DROVER_TEST_LOAD=1: the whole run beside CPU hogs (test/support/load-mode.ts)
  if (loadWanted(process.env, 'DROVER_TEST_LOAD')) {
    load = await startLoad();
    console.log('[global-setup] load mode: CPU hogs run beside the tests');
  }
}

export async function teardown(): Promise<void> {
  if (!load) return;
  const seen = await load.stop();
  console.log(`[global-setup] load mode ended (${seen.hogs}); load average ${JSON.stringify(seen.loadAverage)}`);
}
