'use strict';
// Loads the addon built by `napi build --platform` (`chamdiem.<platform>-<arch>[-<abi>].node`).

const { join } = require('node:path');
const { existsSync } = require('node:fs');

function abi() {
  if (process.platform === 'win32') return '-msvc';
  if (process.platform !== 'linux') return '';
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
  const glibc = report?.header?.glibcVersionRuntime;
  return glibc ? '-gnu' : '-musl';
}

const candidates = [
  `chamdiem.${process.platform}-${process.arch}${abi()}.node`,
  `chamdiem.${process.platform}-universal.node`,
  'chamdiem.node',
];
const found = candidates.map((f) => join(__dirname, f)).find((p) => existsSync(p));
if (!found) {
  throw new Error(
    `chamdiem: no native addon for ${process.platform}-${process.arch} in ${__dirname} ` +
      `(looked for ${candidates.join(', ')}); build it with \`npm run build\``,
  );
}
module.exports = require(found);
