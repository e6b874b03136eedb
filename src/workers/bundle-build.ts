/**
 * Child process of bundle.ts: `node --import tsx bundle-build.ts <workflows entry> <output file>`.
 * Runs webpack (through the SDK's bundler) and writes the bundle atomically.
 */
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

const [entry, out] = process.argv.slice(2);
if (!entry || !out) {
  console.error('usage: bundle-build <workflows entry> <output file>');
  process.exit(2);
}
const quiet = () => undefined;
const { code } = await bundleWorkflowCode({
  workflowsPath: entry,
  // zod once per workflow thread, not once per cached workflow (see shared-modules.ts)
  preloadModules: [path.join(path.dirname(entry), 'shared-modules.ts')],
  logger: {
    log: quiet,
    trace: quiet,
    debug: quiet,
    info: quiet,
    warn: (m: string) => console.warn(`[bundle] ${m}`),
    error: (m: string) => console.error(`[bundle] ${m}`),
  },
});
const tmp = `${out}.${process.pid}.tmp`;
await writeFile(tmp, code);
await rename(tmp, out);
