// The README's example runs and prints what its comments say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('the README example runs', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(readme)[1];
  const entry = new URL('../index.mjs', import.meta.url).href;
  const dir = mkdtempSync(join(tmpdir(), 'chamdiem-readme-'));
  try {
    const file = join(dir, 'readme.mjs');
    writeFileSync(file, code.replace("from 'chamdiem'", `from '${entry}'`));
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8' });
    const expected = [...code.matchAll(/\/\/ (.+)$/gm)].map((m) => m[1]).filter((l) => !l.startsWith('Store'));
    const lines = out.trim().split('\n');
    assert.equal(lines.length, expected.length, out);
    lines.forEach((line, i) => assert.equal(line.replace(/\s+/g, ' '), expected[i].replace(/\s+/g, ' ')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
