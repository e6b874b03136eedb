// Fails with an actionable message when the running Node.js is older than package.json's engines.node
// (">=X.Y[.Z]"), or, with `--min-major N`, older than major N (CI runs on Node.js 24).
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const have = process.versions.node.split('.').map(Number);
const fail = (why) => {
  console.error(
    `error: Node.js ${process.versions.node} (${process.execPath}) is too old; ${why}. Install a newer Node.js and re-run.`,
  );
  process.exit(1);
};

const flag = process.argv.indexOf('--min-major');
if (flag !== -1) {
  const major = Number(process.argv[flag + 1]);
  if (!Number.isInteger(major)) {
    console.error(`error: --min-major needs a number, got "${process.argv[flag + 1]}"`);
    process.exit(2);
  }
  if ((have[0] ?? 0) < major) fail(`CI runs on Node.js ${major}`);
}

const wanted = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(manifest.engines?.node ?? '');
if (!wanted) {
  console.log(`node ${process.versions.node} (package.json has no ">=" engines.node to check)`);
  process.exit(0);
}
const need = wanted.slice(1).map((part) => Number(part ?? 0));
const order = need.reduce((acc, n, i) => (acc !== 0 ? acc : Math.sign((have[i] ?? 0) - n)), 0);
if (order < 0) fail(`Drover needs ${manifest.engines.node}`);
console.log(
  `node ${process.versions.node} satisfies ${manifest.engines.node}${flag !== -1 ? ` and CI's Node.js ${process.argv[flag + 1]}` : ''}`,
);
