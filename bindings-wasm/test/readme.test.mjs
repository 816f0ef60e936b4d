// The README's example runs, and prints what its comments say.
//
//   CHAMDIEM_WASM_PKG=bindings-wasm/pkg node --test bindings-wasm/test/readme.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const PKG = resolve(process.env.CHAMDIEM_WASM_PKG ?? resolve(HERE, '../pkg'));
const SETS = resolve(HERE, '../../tests/vectors/sets');

test('the README example prints what it says', async () => {
  const readme = readFileSync(resolve(HERE, '../README.md'), 'utf8');
  const code = readme.match(/```js\n([\s\S]*?)```/)?.[1];
  assert.ok(code, 'the README has a js example');

  // What it should print: the comment after each console.log (on its line, or the next line).
  const expected = [];
  const lines = code.split('\n');
  lines.forEach((line, i) => {
    if (!line.includes('console.log(')) return;
    const same = line.match(/\/\/ (.*)$/)?.[1];
    const next = lines[i + 1]?.match(/^\s*\/\/ (.*)$/)?.[1];
    expected.push(same ?? next);
  });
  assert.ok(expected.length >= 3 && expected.every((e) => e !== undefined), 'each console.log has its output in a comment');

  const dir = mkdtempSync(join(tmpdir(), 'chamdiem-readme-'));
  const printed = [];
  const { log } = console;
  const realFetch = globalThis.fetch;
  try {
    const file = join(dir, 'example.mjs');
    writeFileSync(file, code.replace("'./chamdiem/index.js'", JSON.stringify(pathToFileURL(join(PKG, 'index.js')).href)));
    globalThis.fetch = async (url) => {
      const name = String(url).replace(/^\/sets\//, '');
      return new Response(readFileSync(join(SETS, name)));
    };
    console.log = (...args) => printed.push(args.map(String).join(' '));
    await import(pathToFileURL(file).href);
  } finally {
    console.log = log;
    globalThis.fetch = realFetch;
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(printed, expected);
});
