// The browser test: the example page (examples/browser/) in a real headless Chromium, with the
// package under test served at /bindings-wasm/dist/. It loads the ISO criteria set, picks a
// case, and sees the criterion's points, its group's total and the dossier's total change; enters
// a measured value; is refused a value out of range; reloads and finds its work kept. The totals
// the page shows are checked against the same package run in Node.
//
//   CHAMDIEM_WASM_PKG=bindings-wasm/pkg node --test bindings-wasm/test/browser.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve } from '../../examples/browser/serve.mjs';
import { launch } from './webdriver.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PKG = resolve(process.env.CHAMDIEM_WASM_PKG ?? resolve(HERE, '../pkg'));
const SET = resolve(HERE, '../../tests/vectors/sets/iso-so-2026.json');
const { CriteriaSet, Dossier } = await import(pathToFileURL(resolve(PKG, 'index.js')).href);

let server;
let page;

before(async () => {
  server = await serve({ port: 0, mounts: { '/bindings-wasm/dist/': PKG } });
  page = await launch();
});

after(async () => {
  await page?.quit();
  await server?.close();
});

const text = async (css) => (await page.find(css)).text();
const waitText = (css, want) =>
  page.waitFor(`return document.querySelector(${JSON.stringify(css)})?.textContent === ${JSON.stringify(want)};`, `${css} to read ${want}`);

test('the example page scores in headless Chromium', async (t) => {
  await page.goto(`${server.url}examples/browser/?set=../../tests/vectors/sets/iso-so-2026.json`);
  await page.waitFor("return document.body.dataset.ready === 'true';", 'the page to load');
  assert.equal(await page.run("return document.getElementById('status').className;"), '', await text('#status'));
  t.diagnostic(`Chromium ${page.browserVersion}`);

  // Nothing scored yet.
  assert.equal(await text('#total-points'), '0');
  assert.equal(await text('#total-max'), '100');
  assert.equal(await text('[data-group-total="1"]'), '0 / 10 (0.00%)');

  // Pick case a (2 points) of 1.1 from its drop-down.
  await (await page.find('select[data-criterion="1.1"] option[value="a"]')).click();
  await waitText('#total-points', '2');
  assert.equal(await text('[data-points="1.1"]'), '2 đ');
  assert.equal(await text('[data-group-total="1"]'), '2 / 10 (20.00%)');
  assert.equal(await text('#total-percent'), '2.00%');
  assert.equal(await text('#classification'), 'Yếu');

  // Another case in a nested group: 2.1 is under 2, whose total follows.
  await (await page.find('select[data-criterion="2.1.1"] option[value="a"]')).click();
  await page.waitFor(`return document.querySelector('[data-group-total="2"]').textContent.startsWith('2 ')`, 'group 2 total');
  assert.match(await text('[data-group-total="2.1"]'), /^2 \/ /);

  // A banded value: 1.4 takes a percentage and lands in a case by its range.
  const value = await page.find('input[data-criterion="1.4"]');
  await value.type('92\uE004'); // Tab: the change event fires
  await waitText('[data-points="1.4"]', '2 đ'); // 92% is in [80, 100]: case a, 2 points
  assert.equal(await text('#total-points'), '6');

  // A value out of range is refused with the core's message, and changes nothing.
  await value.type('\uE009a'); // Ctrl+A: select the old value, to type over it
  await value.type('150\uE004');
  await page.waitFor(`return document.querySelector('[data-message="1.4"]').textContent !== ''`, 'the refusal');
  assert.match(await text('[data-message="1.4"]'), /1\.4/);
  assert.equal(await text('#total-points'), '6');
  assert.equal(await text('[data-points="1.4"]'), '2 đ');

  // The dossier the page keeps gives, in Node with the same package, the totals it shows.
  const saved = await page.run("return localStorage.getItem('chamdiem.example.dossier:iso-so-2026@1');");
  const set = CriteriaSet.fromJson(readFileSync(SET, 'utf8'));
  const results = Dossier.fromJson(saved).results(set);
  assert.equal(await text('#total-points'), results.total.self.points);
  assert.equal(await text('#total-percent'), `${results.total.self.percent}%`);
  for (const code of ['1', '2', '2.1']) {
    const g = results.groups.find((x) => x.code === code);
    assert.equal(await text(`[data-group-total="${code}"]`), `${g.self.points} / ${g.self.max} (${g.self.percent}%)`);
  }

  // Reloading keeps the work (the page restores it from the browser's storage).
  await page.refresh();
  await page.waitFor("return document.body.dataset.ready === 'true';", 'the page to reload');
  assert.equal(await text('#total-points'), results.total.self.points);
  assert.equal(await (await page.find('select[data-criterion="1.1"]')).property('value'), 'a');
});
