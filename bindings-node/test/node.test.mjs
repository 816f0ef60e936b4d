// What only the Node package has: CommonJS and ESM entry points, the addon's own errors, the
// SQLite store, and async calls off the event loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esm from '../index.mjs';
import esmDefault from '../index.mjs';

const require = createRequire(import.meta.url);
const cjs = require('../index.js');
const sets = new URL('../../tests/vectors/sets/', import.meta.url);
const ISO = readFileSync(new URL('iso-so-2026.toml', sets), 'utf8');
const CCHC = readFileSync(new URL('cchc-huyen-2026.json', sets), 'utf8');

const NOW = '2026-03-01T08:00:00Z';
const ADMIN = { user: 'admin', role: 'admin', unit: 'TINH' };
const UNIT = { user: 'so.tc', role: 'unit', unit: 'SO-TC' };
const UNITS = [
  { id: 'TINH', code: 'TINH', name: 'UBND tỉnh', kind: 'province', parent: null },
  { id: 'SO-TC', code: 'SO-TC', name: 'Sở Tài chính', kind: 'department', parent: 'TINH' },
  { id: 'SO-XD', code: 'SO-XD', name: 'Sở Xây dựng', kind: 'department', parent: 'TINH' },
  { id: 'H-YD', code: 'H-YD', name: 'Huyện Yên Định', kind: 'district', parent: 'TINH' },
];

test('CommonJS and ESM give the same objects', () => {
  assert.equal(esm.Dossier, cjs.Dossier);
  assert.equal(esm.CriteriaSet, cjs.CriteriaSet);
  assert.equal(esm.SqliteStore, cjs.SqliteStore);
  assert.equal(esm.GuardFailedError, cjs.GuardFailedError);
  assert.equal(esmDefault, cjs);
  assert.deepEqual(Object.keys(esm).filter((k) => k !== 'default').sort(), Object.keys(cjs).sort());
  assert.equal(cjs.VERSION, require('../package.json').version);
});

test('the addon throws real errors with code and details even without the error classes', () => {
  const native = require('../native.js');
  try {
    native.CriteriaSet.fromJson('{}');
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'invalid_criteria_set');
    assert.equal(typeof e.details.path, 'string');
  }
  assert.deepEqual(native.errorCodes(), [...cjs.ERROR_CODES]);
});

function period(store) {
  const iso = cjs.CriteriaSet.fromCompact(ISO);
  const cchc = cjs.CriteriaSet.fromJson(CCHC);
  for (const u of UNITS) store.insertUnit(u);
  store.insertCriteriaSet(iso);
  store.insertCriteriaSet(cchc);
  store.insertCriteriaSet(iso); // the same set again: nothing happens
  store.insertPeriod({
    id: '2026',
    name: 'Đánh giá năm 2026',
    year: 2026,
    assessing_unit: 'TINH',
    criteria_sets: [
      { unit_kind: 'department', criteria_set: { id: iso.id, revision: iso.revision } },
      { unit_kind: 'district', criteria_set: { id: cchc.id, revision: cchc.revision } },
    ],
    self_deadline: '2026-03-31T17:00:00Z',
  });
  for (const [unit, set] of [
    ['SO-TC', iso],
    ['SO-XD', iso],
    ['H-YD', cchc],
  ]) {
    const d = cjs.Dossier.open({ id: `2026/${unit}`, period: '2026', unit, assessing_unit: 'TINH' }, set, ADMIN, NOW);
    store.insertDossier(d);
  }
  return { iso, cchc };
}

test('SqliteStore keeps units, sets, periods and dossiers in a file, and executes in one transaction', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chamdiem-node-'));
  try {
    const file = join(dir, 'chamdiem.db');
    const store = new cjs.SqliteStore(file);
    assert.equal(store.path, file);
    const { iso } = period(store);
    assert.deepEqual(store.units().map((u) => u.id), ['H-YD', 'SO-TC', 'SO-XD', 'TINH']);
    assert.deepEqual(store.unit('SO-TC'), UNITS[1]);
    store.updateUnit({ ...UNITS[1], name: 'Sở Tài chính tỉnh' });
    assert.equal(store.unit('SO-TC').name, 'Sở Tài chính tỉnh');
    assert.deepEqual(store.criteriaSets().map((s) => [s.id, s.revision]), [
      ['cchc-huyen-2026', 1],
      ['iso-so-2026', 1],
    ]);
    assert.deepEqual(store.criteriaSet('iso-so-2026', 1).toObject(), iso.toObject());
    assert.equal(store.period('2026').year, 2026);
    assert.equal(store.periods().length, 1);

    const done = store.execute('2026/SO-TC', UNIT, { type: 'save_self', base_version: 1, entries: [{ criterion: '1.2', case: 'a' }] }, NOW);
    assert.deepEqual([done.version, done.state, done.events.map((e) => e.change.type)], [2, 'self_assessment', ['self_saved']]);
    const refused = (() => {
      try {
        store.execute('2026/SO-TC', UNIT, { type: 'submit' }, NOW);
      } catch (e) {
        return e;
      }
    })();
    assert.ok(refused instanceof cjs.GuardFailedError);
    assert.equal(store.dossier('2026/SO-TC').version, 2, 'a refused command changes nothing');
    assert.throws(() => store.dossier('2026/NONE'), (e) => e instanceof cjs.NotFoundError && e.kind === 'dossier');
    assert.throws(() => store.insertUnit(UNITS[0]), cjs.AlreadyExistsError);

    // A host that decides itself saves with compare-and-set.
    const d = store.dossier('2026/SO-TC');
    d.execute(iso, UNIT, { type: 'save_self', entries: [{ criterion: '1.3', case: 'a' }] }, NOW);
    store.saveDossier(d, 2);
    assert.throws(() => store.saveDossier(d, 2), cjs.VersionConflictError);
    assert.equal(store.dossierState('2026/SO-TC').version, 3);
    assert.deepEqual(store.dossierState('2026/SO-TC').history(), []);
    assert.equal(store.history('2026/SO-TC').length, 3);
    assert.equal(store.criterionHistory('2026/SO-TC', '1.2').length, 1);
    assert.deepEqual(store.dossiers({ period: '2026', unit: 'SO-TC' }).map((s) => [s.id, s.version, s.state]), [
      ['2026/SO-TC', 3, 'self_assessment'],
    ]);
    assert.equal(store.dossiers().length, 3);
    assert.equal(store.dossiers({ limit: 1 }).length, 1);
    assert.throws(() => store.dossiers({ colour: 'red' }), cjs.InvalidInputError);

    const results = store.periodResults('2026');
    assert.deepEqual(results.map((r) => r.dossier), ['2026/H-YD', '2026/SO-TC', '2026/SO-XD']);
    const ranking = store.periodRanking('2026');
    assert.equal(ranking.tables.length, 2, 'departments and districts are ranked apart');
    assert.deepEqual(await store.periodResultsAsync('2026'), results);
    assert.deepEqual(await store.periodRankingAsync('2026'), ranking);
    await assert.rejects(store.periodRankingAsync('1999'), cjs.NotFoundError);

    const backup = join(dir, 'backup.db');
    store.backupTo(backup);
    store.close();
    assert.equal(store.closed, true);
    assert.throws(() => store.units(), (e) => e instanceof cjs.StorageError && e.code === 'storage');

    for (const f of [file, backup]) {
      const again = new cjs.SqliteStore(f, { readOnly: true });
      assert.equal(again.dossier('2026/SO-TC').version, 3);
      assert.throws(() => again.insertUnit({ ...UNITS[1], id: 'X' }), cjs.StorageError);
      again.close();
    }
    assert.throws(() => new cjs.SqliteStore(file, { synchronous: 'sometimes' }), cjs.InvalidInputError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SqliteStore in memory', () => {
  const store = new cjs.SqliteStore(':memory:', { synchronous: 'normal', busyTimeout: 1000, readers: 0 });
  assert.equal(store.path, null);
  period(store);
  assert.equal(store.dossiers({ state: 'self_assessment' }).length, 3);
  store.execute('2026/H-YD', { user: 'yd', role: 'unit', unit: 'H-YD' }, '{"type": "save_self", "entries": [{"criterion": "1.1", "case": "a"}]}', NOW);
  assert.equal(store.dossier('2026/H-YD').entry('1.1').self.case, 'a');
  assert.equal(store.dossiers({ state: 'self_assessed' }).length, 0);
});

test('evaluateAsync evaluates the dossiers as they were at the call, on a worker thread', async () => {
  const set = cjs.CriteriaSet.fromCompact(ISO);
  const units = [];
  const dossiers = [];
  for (let i = 0; i < 300; i += 1) {
    const id = `SO-${String(i).padStart(3, '0')}`;
    units.push({ id, code: id, name: id, kind: 'department' });
    const d = cjs.Dossier.open({ id: `2026/${id}`, period: '2026', unit: id, assessing_unit: 'TINH' }, set, ADMIN, NOW);
    d.execute(set, { ...UNIT, unit: id }, { type: 'save_self', entries: [{ criterion: '1.2', case: i % 2 ? 'a' : 'b' }] }, NOW);
    dossiers.push(d);
  }
  const pending = cjs.evaluateAsync([set], units, dossiers);
  // While it runs the dossiers stay usable (and are copied on write).
  dossiers[0].execute(set, { ...UNIT, unit: 'SO-000' }, { type: 'save_self', entries: [{ criterion: '1.2', case: 'a' }] }, NOW);
  const result = await pending;
  assert.equal(result.results.length, 300);
  assert.equal(result.results[0].criteria.find((c) => c.code === '1.2').self.case, 'b');
  assert.equal(dossiers[0].entry('1.2').self.case, 'a');
  assert.equal(result.ranking.tables[0].rows.length, 300);
});
