// Writes the ES-module form of the error classes shared with the Node package.
//
// The classes are written once, in bindings-node/errors.js (CommonJS, no dependencies); the
// browser needs an ES module. This wraps that file's text unchanged in a function scope and
// exports what it exports, so both packages throw the very same classes.
//
// Usage: node esm-errors.mjs <bindings-node/errors.js> <out/errors.js>
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const [source, out] = process.argv.slice(2);
const text = readFileSync(source, 'utf8');
if (/\brequire\s*\(/.test(text)) {
  throw new Error(`${source} requires another module; the browser copy must stand alone`);
}
const names = Object.keys(createRequire(import.meta.url)(resolve(source)));
for (const name of ['errorFor', 'ChamdiemError', 'ERROR_CODES']) {
  if (!names.includes(name)) throw new Error(`${source} does not export ${name}`);
}
writeFileSync(
  out,
  `// Generated from bindings-node/errors.js by bindings-wasm/js/esm-errors.mjs: do not edit.
const module = { exports: {} };
(function (module, exports) {
${text.trimEnd()}
})(module, module.exports);
export const { ${names.join(', ')} } = module.exports;
`,
);
