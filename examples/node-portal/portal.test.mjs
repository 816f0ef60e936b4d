// Starts the portal on a free port with a fresh data folder, walks a dossier through the
// workflow over HTTP, checks that its files hold the result, and stops it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPortal } from './portal.mjs';

test('the node-portal example keeps dossiers in its own files and leaves every rule to chamdiem', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'node-portal-'));
  const server = createPortal({ dataDir, now: () => '2026-03-01T08:00:00Z' });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${server.address().port}`;
  const call = async (user, method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'x-user': user, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const dossier = '/dossiers/2026%2FSO-TC';
  try {
    assert.equal((await call('nobody', 'GET', '/dossiers')).status, 401);
    const listed = await call('so.tc', 'GET', '/dossiers');
    assert.deepEqual(listed.body.map((d) => d.id), ['2026/SO-TC'], 'a unit lists its own dossiers');
    assert.equal((await call('tinh.tt', 'GET', '/dossiers')).body.length, 2);

    const first = await call('so.tc', 'GET', dossier);
    assert.equal(first.status, 200);
    assert.equal(first.body.view.dossier.state, 'self_assessment');
    const submit = first.body.actions.find((a) => a.command === 'submit');
    assert.equal(submit.allowed, false);
    assert.equal(submit.reason.code, 'guard_failed');

    // Refusals come back with chamdiem's code and details.
    const early = await call('so.tc', 'POST', `${dossier}/commands`, { type: 'submit' });
    assert.equal(early.status, 422);
    assert.equal(early.body.code, 'guard_failed');
    assert.deepEqual(
      early.body.details.missing.map((m) => [m.code, m.criterion]),
      [['self_score', '1.1'], ['self_score', '1.2'], ['self_score', '2.1'], ['self_score', '2.2']],
    );
    assert.equal((await call('so.xd', 'POST', `${dossier}/commands`, { type: 'submit' })).status, 403);
    assert.equal((await call('so.tc', 'POST', `${dossier}/commands`, '{"type": ')).body.code, 'invalid_input');
    const bad = await call('so.tc', 'POST', `${dossier}/commands`, { type: 'save_self', entries: [{ criterion: '2.1', value: '120' }] });
    assert.deepEqual([bad.status, bad.body.code, bad.body.details.max], [422, 'value_out_of_range', '100']);

    const evidence = { id: 'f1', file_name: 'ke-hoach.pdf', size: 2048, media_type: 'application/pdf', sha256: 'b'.repeat(64) };
    assert.equal((await call('so.tc', 'POST', `${dossier}/commands`, { type: 'attach_evidence', criterion: '1.1', evidence })).status, 200);
    const saved = await call('so.tc', 'POST', `${dossier}/commands`, {
      type: 'save_self',
      base_version: 2,
      entries: [
        { criterion: '1.1', case: 'a' },
        { criterion: '1.2', case: 'b' },
        { criterion: '2.1', value: '93.5' },
        { criterion: '2.2', case: 'kad' },
      ],
    });
    assert.deepEqual([saved.body.version, saved.body.events.length], [3, 4]);
    assert.equal((await call('so.tc', 'POST', `${dossier}/commands`, { type: 'submit' })).body.state, 'self_assessed');

    // Concurrent requests on one dossier are serialized: none is lost.
    const reviews = await Promise.all(
      ['1.1', '1.2', '2.1'].map((criterion, i) =>
        call('tinh.tt', 'POST', `${dossier}/commands`, {
          type: 'save_review',
          base_version: 4,
          entries: [criterion === '2.1' ? { criterion, value: '85' } : { criterion, case: ['a', 'b'][i] }],
        }),
      ),
    );
    assert.deepEqual(reviews.map((r) => r.status), [200, 200, 200]);
    assert.equal((await call('tinh.tt', 'POST', `${dossier}/commands`, { type: 'save_review', entries: [{ criterion: '2.2', case: 'kad' }] })).status, 200);
    // Before the review is released the unit does not see it.
    assert.equal((await call('so.tc', 'GET', dossier)).body.results.review_visible, false);
    assert.equal((await call('tinh.tt', 'POST', `${dossier}/commands`, { type: 'finish_review' })).body.state, 'reviewed');

    const shown = await call('so.tc', 'GET', dossier);
    assert.equal(shown.body.results.review_visible, true);
    assert.deepEqual(shown.body.results.total.self, { points: '5.75', max: '6.5', percent: '88.46', applicable: true });
    assert.deepEqual(shown.body.results.total.final, { points: '4.75', max: '6.5', percent: '73.08', applicable: true });
    assert.equal(shown.body.results.classification.final, 'Khá');
    assert.deepEqual(
      (await call('so.tc', 'GET', `${dossier}/history`)).body.map((e) => e.change.type).slice(0, 3),
      ['opened', 'evidence_attached', 'self_saved'],
    );

    const ranking = await call('admin', 'GET', '/ranking');
    assert.deepEqual(ranking.body.tables[0].rows.map((r) => [r.rank, r.unit, r.points]), [
      [1, 'SO-TC', '4.75'],
      [2, 'SO-XD', '0'],
    ]);

    // The portal's own file holds the dossier, readable by chamdiem again.
    const file = JSON.parse(readFileSync(join(dataDir, 'dossiers', '2026%2FSO-TC.json'), 'utf8'));
    assert.equal(file.format, 'chamdiem.dossier');
    assert.equal(file.state, 'reviewed');
    assert.equal(file.version, (await call('tinh.tt', 'GET', dossier)).body.view.dossier.version);
    assert.equal((await call('admin', 'GET', '/dossiers/2027%2FNONE')).status, 404);
  } finally {
    await new Promise((ok) => server.close(ok));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
