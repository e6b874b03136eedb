// Fails with an actionable message when the running Node.js is older than package.json's engines.node (">=X.Y[.Z]").
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const wanted = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(manifest.engines?.node ?? '');
if (!wanted) {
  console.log(`node ${process.versions.node} (package.json has no ">=" engines.node to check)`);
  process.exit(0);
}
const need = wanted.slice(1).map((part) => Number(part ?? 0));
const have = process.versions.node.split('.').map(Number);
const order = need.reduce((acc, n, i) => (acc !== 0 ? acc : Math.sign((have[i] ?? 0) - n)), 0);
if (order < 0) {
  console.error(`error: Node.js ${process.versions.node} is too old; Drover needs ${manifest.engines.node}. Install a newer Node.js and re-run.`);
  process.exit(1);
}
console.log(`node ${process.versions.node} satisfies ${manifest.engines.node}`);
