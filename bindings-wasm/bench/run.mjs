// The WebAssembly benchmark: results of one 300-criterion dossier, and a period of 2,000
// dossiers, in Node and in headless Chromium, side by side with the same work done natively —
// all in one run, on the same data. Prints a Markdown table (for BENCHMARKS.md) and the JSON.
//
//   node bindings-wasm/bench/run.mjs [--no-chromium] [--rebuild]
//
// It builds the package with the `bench` feature into bindings-wasm/bench/pkg when missing (or
// with --rebuild), writes the data into bindings-wasm/bench/data when missing, and runs the
// native side with `cargo bench -p chamdiem-wasm --bench native` (CARGO_TARGET_DIR is honoured).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const PKG = join(HERE, 'pkg');
const DATA = join(HERE, 'data');
const args = new Set(process.argv.slice(2));

function sh(cmd, argv, env = {}) {
  const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status})`);
  return r.stdout;
}

if (args.has('--rebuild') || !existsSync(join(PKG, 'index.js'))) {
  console.error('building the package with the bench feature…');
  sh(join(ROOT, 'bindings-wasm/build.sh'), [PKG], { CHAMDIEM_WASM_FEATURES: 'bench' });
}
const pub = await import(pathToFileURL(join(PKG, 'index.js')).href);
const raw = await import(pathToFileURL(join(PKG, 'chamdiem_wasm.js')).href);
const { measure } = await import('./measure.mjs');

if (!existsSync(join(DATA, 'period-2000.json'))) {
  console.error('writing the data…');
  const { writeData } = await import('./data.mjs');
  writeData(pub, DATA);
}
const texts = {
  set: readFileSync(join(DATA, 'set-300.json'), 'utf8'),
  dossier: readFileSync(join(DATA, 'dossier-300.json'), 'utf8'),
  period: readFileSync(join(DATA, 'period-2000.json'), 'utf8'),
};

console.error('native…');
const nativeOut = sh('cargo', ['bench', '-p', 'chamdiem-wasm', '--bench', 'native', '--locked', '--', DATA]);
const native = JSON.parse(nativeOut.trim().split('\n').pop());

console.error('WebAssembly in Node…');
const node = measure(pub, raw, texts);
console.error(JSON.stringify({ native, node }));

let chromium = null;
let chromiumVersion = '';
if (!args.has('--no-chromium')) {
  console.error('WebAssembly in headless Chromium…');
  const { serve } = await import('../../examples/browser/serve.mjs');
  const { launch } = await import('../test/webdriver.mjs');
  const server = await serve({ port: 0, mounts: { '/bench-pkg/': PKG, '/bench-data/': DATA } });
  const page = await launch();
  try {
    chromiumVersion = page.browserVersion;
    // The page measures on its main thread: a script of the driver waits until it is free.
    await page.setScriptTimeout(900_000);
    await page.goto(`${server.url}bindings-wasm/bench/bench.html`);
    const r = await page.waitFor('return window.benchResult;', 'the benchmark in Chromium', 600_000);
    if (r.error) throw new Error(`in Chromium: ${r.error}`);
    chromium = r.ok;
  } finally {
    await page.quit();
    await server.close();
  }
}

// ------------------------------------------------------------------------------------------------
// The table

const us = (x) => (x === undefined || x === null ? '—' : x >= 1000 ? `${(x / 1000).toFixed(1)} ms` : `${x.toFixed(1)} µs`);
const ms = (x) => (x === undefined || x === null ? '—' : `${x.toFixed(0)} ms`);
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
const col = (f) => [f(node), chromium ? f(chromium) : '—'];
const rows = [
  ['one 300-criterion dossier: `results` computed inside the module', us(native.results_300_us), ...col((m) => us(m.results_300_inside_us))],
  ['…and written as JSON inside the module', us(native.results_300_json_us), ...col((m) => us(m.results_300_inside_json_us))],
  ['…`dossier.results(set)` from JavaScript (compute + JSON + pass out + `JSON.parse`)', '', ...col((m) => us(m.results_300_api_us))],
  ['…of which passing out (`api − inside JSON`)', '', ...col((m) => us(m.results_300_api_us - m.results_300_inside_json_us))],
  ['…of which `JSON.parse` of the results alone (' + `${(node.results_300_json_bytes / 1024).toFixed(0)} KB)`, '', ...col((m) => us(m.results_300_json_parse_us))],
  ['a case picked on a 300-criterion dossier: `execute(save_self)` + `results`', '', ...col((m) => us(m.pick_case_300_us))],
  ['period of 2,000 dossiers: `evaluate` inside the module (results + ranking)', us(native.evaluate_2000_us), ...col((m) => us(m.evaluate_2000_inside_us))],
  ['…ratio to native', '1×', ...col((m) => ratio(m.evaluate_2000_inside_us, native.evaluate_2000_us))],
  ['…and written as JSON inside the module', us(native.evaluate_2000_json_us), ...col((m) => us(m.evaluate_2000_inside_json_us))],
  ['…`evaluate(sets, units, dossiers)` from JavaScript (' + `${(node.evaluate_2000_json_bytes / 1048576).toFixed(1)} MB out)`, '', ...col((m) => us(m.evaluate_2000_api_us))],
  ['passing the 2,000 dossiers in: `Dossier.fromObject` each', ms(native.period_load_ms) + ' (native, from JSON)', ...col((m) => ms(m.period_load_objects_ms))],
  ['…`Dossier.fromJson` each', '', ...col((m) => ms(m.period_load_json_ms))],
];
const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`\n| measurement | native | WASM in Node ${process.versions.node} | WASM in Chromium ${chromiumVersion || '(not run)'} |`);
console.log('| --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(`\nMachine: ${cpu}, ${cpus().length} cores; rustc ${execFileSync('rustc', ['-V'], { encoding: 'utf8' }).trim().split(' ')[1]}.`);
console.log(`\n${JSON.stringify({ native, node, chromium }, null, 2)}`);
