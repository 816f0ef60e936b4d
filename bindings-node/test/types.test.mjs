// The TypeScript declarations compile under `tsc --strict` against an example that uses the
// whole API, and every real output of the API on the test vectors has the type it declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as chamdiem from '../index.mjs';
import { writeTypedOutputs } from '../../tests/js/typed-outputs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const types = join(here, 'types');
const tsc = join(here, '..', 'node_modules', 'typescript', 'bin', 'tsc');

test('the declarations compile under tsc --strict with the example and every vector output', () => {
  mkdirSync(join(types, 'generated'), { recursive: true });
  const { constants, types: kinds } = writeTypedOutputs(
    chamdiem,
    join(types, 'generated', 'vector-outputs.mts'),
    '../../../index.js',
  );
  // Every kind of output was seen, and every error code the vectors raise.
  for (const kind of ['Event[]', 'Results', 'DossierView', 'ActionStatus[]', 'Precheck', 'Ranking', 'DossierDocument', 'CriteriaSetDocument', 'GroupInfo[]', 'CriterionInfo[]', 'Entry | null']) {
    assert.ok(kinds.includes(kind), `no ${kind} output recorded`);
  }
  assert.ok(kinds.filter((k) => k.startsWith('ErrorDetailsMap')).length >= 9, kinds.join(', '));
  assert.ok(constants > 100, `only ${constants} samples`);
  try {
    execFileSync(process.execPath, [tsc, '-p', join(types, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    assert.fail(`tsc --strict failed:\n${e.stdout}${e.stderr}`);
  }
});
