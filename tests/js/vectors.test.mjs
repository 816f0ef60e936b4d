// Every test vector of tests/vectors/ through the JavaScript API of the package under test
// (CHAMDIEM_JS_PACKAGE, see package.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pkg from './package.mjs';
import { formatFailures, runVector, vectorFiles } from './vectors.mjs';

const files = vectorFiles();

test('the vectors folder holds the vectors', () => {
  assert.ok(files.length >= 40, `only ${files.length} vectors in tests/vectors`);
});

for (const file of files) {
  const name = file.split(/[\\/]/).pop();
  test(`vector ${name}`, () => {
    const r = runVector(pkg, file);
    assert.ok(r.failures.length === 0, `\n${formatFailures(r)}`);
  });
}
