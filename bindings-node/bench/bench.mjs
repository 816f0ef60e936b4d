// Benchmarks of the Node package; figures go to BENCHMARKS.md (section "Node").
//
//   node --max-old-space-size=8192 bindings-node/bench/bench.mjs
//
// Environment: DOSSIERS (default 2000), RUNS (default 5), EXECUTES (default 20000).
//
// 1. The per-call overhead of `execute`: one save on a dossier of a 47-criterion set, through the
//    Node API, against the same command executed by the core alone (measured in Rust, in this
//    process).
// 2. A period of DOSSIERS dossiers × 300 criteria, already loaded: results and ranking with
//    `evaluate` (and `evaluateAsync`), against plain JavaScript doing the same computation on the
//    same data in plain objects, with exact decimals (decimal.js), written for speed: the set
//    indexed once, case points parsed once, aligned entries read by position. The JavaScript
//    output is checked equal to the package's. The boundary is reported apart: the core's own
//    time (Rust, in this process) against the whole call.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import assert from 'node:assert/strict';
import Decimal from 'decimal.js';
import * as chamdiem from '../index.mjs';

const require = createRequire(import.meta.url);
const native = require('../native.js');
const { CriteriaSet, Dossier, evaluate, evaluateAsync } = chamdiem;

const DOSSIERS = Number(process.env.DOSSIERS ?? 2000);
const RUNS = Number(process.env.RUNS ?? 5);
const EXECUTES = Number(process.env.EXECUTES ?? 20000);
const NOW = '2026-03-01T08:00:00Z';
const ADMIN = { user: 'admin', role: 'admin', unit: 'TINH' };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const ms = (x) => `${x.toFixed(0)} ms`;
function time(fn) {
  const t = performance.now();
  const out = fn();
  return [performance.now() - t, out];
}
async function timeAsync(fn) {
  const t = performance.now();
  const out = await fn();
  return [performance.now() - t, out];
}

// ---------------------------------------------------------------------------------------------
// 1. execute

function benchExecute() {
  const text = readFileSync(new URL('../../tests/vectors/sets/iso-so-2026.toml', import.meta.url), 'utf8');
  const set = CriteriaSet.fromCompact(text);
  const unit = { user: 'so.tc', role: 'unit', unit: 'SO-TC' };
  const open = () =>
    Dossier.open({ id: '2026/SO-TC', period: '2026', unit: 'SO-TC', assessing_unit: 'TINH' }, set, ADMIN, NOW);
  const commands = ['a', 'b'].map((c) => ({ type: 'save_self', entries: [{ criterion: '1.2', case: c }] }));
  const texts = commands.map((c) => JSON.stringify(c));
  const perCall = (cmds) => {
    const d = open();
    for (let i = 0; i < 2000; i += 1) d.execute(set, unit, cmds[i % 2], NOW); // warm up
    const d2 = open();
    const t = performance.now();
    for (let i = 0; i < EXECUTES; i += 1) d2.execute(set, unit, cmds[i % 2], NOW);
    return ((performance.now() - t) * 1e6) / EXECUTES;
  };
  const rows = [];
  for (let r = 0; r < RUNS; r += 1) {
    native.__benchCoreExecute(set, open(), unit, commands, NOW, 2000);
    const core = native.__benchCoreExecute(set, open(), unit, commands, NOW, EXECUTES);
    rows.push({ object: perCall(commands), text: perCall(texts), core });
  }
  const core = median(rows.map((r) => r.core));
  const object = median(rows.map((r) => r.object));
  const text2 = median(rows.map((r) => r.text));
  return { core, object, text: text2, overheadObject: object - core, overheadText: text2 - core };
}

// ---------------------------------------------------------------------------------------------
// 2. A period: the data

const POINTS = ['2', '1.5', '1', '0.75', '3', '2.5'];

/** 10 standard groups of 29 criteria (some with a not-applicable case), a capped bonus group of 10. */
function makeSetDoc() {
  const groups = [];
  let n = 0;
  for (let g = 1; g <= 11; g += 1) {
    const bonus = g === 11;
    const criteria = [];
    for (let c = 1; c <= (bonus ? 10 : 29); c += 1) {
      const p = bonus ? '1' : POINTS[n % POINTS.length];
      const cases = [
        { code: 'a', label: 'Đạt', points: p },
        { code: 'b', label: 'Đạt một phần', points: new Decimal(p).div(2).toString() },
        { code: 'c', label: 'Không đạt', points: '0' },
      ];
      if (n % 7 === 3) cases.push({ code: 'kad', label: 'Không áp dụng', not_applicable: true });
      criteria.push({ code: `${g}.${c}`, title: `Chỉ tiêu ${g}.${c}`, cases });
      n += 1;
    }
    groups.push({ code: String(g), title: `Nhóm ${g}`, ...(bonus ? { kind: 'bonus', cap: '5' } : {}), criteria });
  }
  return {
    format: 'chamdiem.criteria_set',
    format_version: 1,
    id: 'bench-300',
    revision: 1,
    name: 'Bench: 300 criteria',
    precision: 2,
    bands: [
      { label: 'Xuất sắc', min_percent: '90' },
      { label: 'Tốt', min_percent: '80' },
      { label: 'Khá', min_percent: '65' },
      { label: 'Trung bình', min_percent: '50' },
      { label: 'Yếu', min_percent: '0' },
    ],
    groups,
  };
}

/** A reviewed dossier of unit `k`: every criterion self-scored and reviewed. */
function makeDossierDoc(setDoc, k) {
  const codes = [];
  const entries = [];
  let i = 0;
  for (const g of setDoc.groups) {
    for (const c of g.criteria) {
      codes.push(c.code);
      const pick = (salt) => c.cases[(k * 7 + i * 13 + salt) % c.cases.length].code;
      entries.push({ criterion: c.code, self: { case: pick(0) }, review: { case: pick(k % 3) }, version: 3, changed_by: 'x' });
      i += 1;
    }
  }
  const unit = `U${String(k).padStart(4, '0')}`;
  const id = `2026/${unit}`;
  const criteriaSet = { id: setDoc.id, revision: setDoc.revision };
  return {
    format: 'chamdiem.dossier',
    format_version: 1,
    id,
    period: '2026',
    unit,
    assessing_unit: 'TINH',
    criteria_set: criteriaSet,
    state: 'reviewed',
    version: 4,
    self_deadline: null,
    requires_report: false,
    explanation_finished: false,
    review_released: true,
    review_started: true,
    rounds: [],
    report: [],
    entries,
    history: [
      {
        version: 1,
        at: NOW,
        actor: ADMIN,
        from: 'self_assessment',
        to: 'self_assessment',
        change: {
          type: 'opened',
          dossier: id,
          period: '2026',
          unit,
          assessing_unit: 'TINH',
          criteria_set: criteriaSet,
          self_deadline: null,
          requires_report: false,
          criteria: codes,
        },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// 2. A period: the same computation in plain JavaScript with decimal.js

const D = Decimal.clone({ precision: 28, rounding: Decimal.ROUND_HALF_UP });
const ZERO = new D(0);
const HUNDRED = new D(100);

/** The set indexed once: groups in pre-order, criteria in reading order, case points parsed. */
function indexSet(doc) {
  const groups = [];
  const criteria = [];
  const roots = [];
  const add = (g, parent, depth) => {
    const gi = groups.length;
    const node = { code: g.code, title: g.title, kind: g.kind ?? 'standard', cap: g.cap ? new D(g.cap) : null, parent, depth, criteria: [], groups: [] };
    groups.push(node);
    for (const c of g.criteria ?? []) {
      const cases = new Map();
      let max = ZERO;
      for (const k of c.cases) {
        const points = k.points === undefined ? ZERO : new D(k.points);
        if (points.gt(max)) max = points;
        cases.set(k.code, { code: k.code, points, text: points.toString(), na: k.not_applicable === true });
      }
      node.criteria.push(criteria.length);
      criteria.push({ code: c.code, group: g.code, max, maxText: max.toString(), cases });
    }
    for (const s of g.groups ?? []) node.groups.push(add(s, gi, depth + 1));
    return gi;
  };
  for (const g of doc.groups) roots.push(add(g, null, 0));
  return { doc, groups, criteria, roots, bands: (doc.bands ?? []).map((b) => ({ label: b.label, min: new D(b.min_percent) })) };
}

const scoredOf = (k) => (k.na ? { case: k.code, points: '0', not_applicable: true } : { case: k.code, points: k.text });
const contribution = (k, max) =>
  k === null ? { points: ZERO, max, applicable: true } : k.na ? { points: ZERO, max: ZERO, applicable: false } : { points: k.points, max, applicable: true };

function track(acc, kind) {
  const max = acc.applicable && kind === 'standard' ? acc.max : ZERO;
  return {
    points: acc.points.toString(),
    max: max.toString(),
    percent: max.gt(0) ? acc.points.times(HUNDRED).div(max).toFixed(2) : null,
    applicable: acc.applicable,
  };
}

function classify(s, acc) {
  if (!acc.applicable || !acc.max.gt(0)) return null;
  const lhs = acc.points.times(HUNDRED);
  for (const b of s.bands) if (lhs.gte(b.min.times(acc.max))) return b.label;
  return null;
}

const TRACKS = ['self', 'review', 'final'];

function jsResults(s, d, withCriteria = true) {
  const n = s.criteria.length;
  const aligned = d.entries.length === n && d.entries.every((e, i) => e.criterion === s.criteria[i].code);
  const byCode = aligned ? null : new Map(d.entries.map((e) => [e.criterion, e]));
  const criteria = new Array(n);
  const acc = new Array(n);
  const unscored = { self: [], review: [] };
  const differences = [];
  for (let i = 0; i < n; i += 1) {
    const c = s.criteria[i];
    const e = aligned ? d.entries[i] : byCode.get(c.code);
    const self = e?.self ? c.cases.get(e.self.case) : null;
    const review = e?.review ? c.cases.get(e.review.case) : null;
    const fin = review ?? self;
    if (!self) unscored.self.push(c.code);
    if (!review) unscored.review.push(c.code);
    if (self && review && (!self.points.eq(review.points) || self.na !== review.na)) {
      differences.push({ criterion: c.code, self: self.text, review: review.text, difference: review.points.minus(self.points).toString() });
    }
    acc[i] = [contribution(self, c.max), contribution(review, c.max), contribution(fin, c.max)];
    if (!withCriteria) continue;
    criteria[i] = {
      code: c.code,
      group: c.group,
      max: c.maxText,
      self: self ? scoredOf(self) : null,
      review: review ? scoredOf(review) : undefined,
      final: fin ? scoredOf(fin) : null,
      explanation_requested: e?.request !== undefined || d.rounds.some((r) => r.requests.some((q) => q.criterion === c.code)),
    };
    if (criteria[i].review === undefined) delete criteria[i].review;
  }
  const addTo = (a, child, kind) => {
    a.points = a.points.plus(child.points);
    if (kind === 'standard' && child.applicable) a.max = a.max.plus(child.max);
    a.applicable ||= child.applicable;
  };
  const gacc = new Array(s.groups.length);
  for (let gi = s.groups.length - 1; gi >= 0; gi -= 1) {
    const g = s.groups[gi];
    const a = TRACKS.map(() => ({ points: ZERO, max: ZERO, applicable: false }));
    for (const ci of g.criteria) for (let t = 0; t < 3; t += 1) addTo(a[t], acc[ci][t], 'standard');
    for (const si of g.groups) for (let t = 0; t < 3; t += 1) addTo(a[t], gacc[si][t], s.groups[si].kind);
    for (const x of a) {
      if (g.kind === 'bonus' && g.cap && x.points.gt(g.cap)) x.points = g.cap;
      if (g.kind === 'penalty' && g.cap && x.points.lt(g.cap.neg())) x.points = g.cap.neg();
    }
    gacc[gi] = a;
  }
  const total = TRACKS.map(() => ({ points: ZERO, max: ZERO, applicable: false }));
  for (const r of s.roots) for (let t = 0; t < 3; t += 1) addTo(total[t], gacc[r][t], s.groups[r].kind);
  const totals = (a, kind) => ({ self: track(a[0], kind), review: track(a[1], kind), final: track(a[2], kind) });
  const label = (a) => classify(s, { ...a, max: a.applicable ? a.max : ZERO });
  const review = label(total[1]);
  return {
    format: 'chamdiem.results',
    format_version: 1,
    dossier: d.id,
    unit: d.unit,
    period: d.period,
    criteria_set: d.criteria_set,
    state: d.state,
    review_visible: true,
    total: totals(total, 'standard'),
    classification: { self: label(total[0]), ...(review === null ? {} : { review }), final: label(total[2]) },
    groups: s.groups.map((g, gi) => ({
      code: g.code,
      title: g.title,
      parent: g.parent === null ? null : s.groups[g.parent].code,
      depth: g.depth,
      kind: g.kind,
      ...(g.cap ? { cap: g.cap.toString() } : {}),
      ...totals(gacc[gi], g.kind),
    })),
    criteria: withCriteria ? criteria : [],
    unscored,
    differences,
  };
}

function jsRank(units, results) {
  const byId = new Map(units.map((u) => [u.id, u]));
  const tables = new Map();
  for (const r of results) {
    const u = byId.get(r.unit);
    const key = `${r.criteria_set.id}\u0000${String(r.criteria_set.revision).padStart(10, '0')}`;
    if (!tables.has(key)) tables.set(key, { criteria_set: r.criteria_set, rows: [] });
    const t = r.total.final;
    tables.get(key).rows.push({
      rank: 0,
      unit: u.id,
      unit_code: u.code,
      unit_name: u.name,
      dossier: r.dossier,
      state: r.state,
      points: t.points,
      max: t.max,
      percent: t.percent,
      classification: r.classification.final,
      self: r.total.self.points,
      review: r.total.review ? r.total.review.points : null,
      sortKey: new D(t.points),
    });
  }
  const out = [];
  for (const key of [...tables.keys()].sort()) {
    const table = tables.get(key);
    table.rows.sort((a, b) => b.sortKey.cmp(a.sortKey) || (a.unit_code < b.unit_code ? -1 : a.unit_code > b.unit_code ? 1 : 0) || (a.dossier < b.dossier ? -1 : 1));
    let prev = null;
    table.rows.forEach((row, i) => {
      if (prev === null || !prev.eq(row.sortKey)) {
        row.rank = i + 1;
        prev = row.sortKey;
      } else row.rank = table.rows[i - 1].rank;
      delete row.sortKey;
    });
    out.push(table);
  }
  return { format: 'chamdiem.ranking', format_version: 1, tables: out };
}

function jsEvaluate(setDoc, units, docs, options = {}) {
  const s = indexSet(setDoc);
  const results = docs.map((d) => jsResults(s, d, options.criteria !== false));
  return { results, ranking: jsRank(units, results) };
}

// ---------------------------------------------------------------------------------------------
// 2. A period: the measurements

async function benchPeriod() {
  const setDoc = makeSetDoc();
  const set = CriteriaSet.fromObject(setDoc);
  assert.equal(set.criteria().length, 300);
  const units = [];
  const docs = [];
  for (let k = 0; k < DOSSIERS; k += 1) {
    const d = makeDossierDoc(setDoc, k);
    docs.push(d);
    units.push({ id: d.unit, code: d.unit, name: `Đơn vị ${k}`, kind: 'department', parent: null });
  }
  // Loaded once, as a portal would from its database: one JSON text parsed.
  const periodJson = JSON.stringify(docs);
  const [parseMs, parsed] = time(() => JSON.parse(periodJson));
  const [loadMs, dossiers] = time(() => parsed.map((d) => Dossier.fromObject(d)));
  const texts = docs.map((d) => JSON.stringify(d));
  const [loadJsonMs] = time(() => texts.map((t) => Dossier.fromJson(t)));

  // The same answer: JavaScript against the package.
  const check = evaluate([set], units, dossiers.slice(0, 50));
  assert.deepEqual(jsEvaluate(setDoc, units, parsed.slice(0, 50)), check, 'the JavaScript computation matches the package');
  const totalsOnly = { criteria: false };
  assert.deepEqual(
    jsEvaluate(setDoc, units, parsed.slice(0, 50), totalsOnly),
    evaluate([set], units, dossiers.slice(0, 50), totalsOnly),
  );

  const runs = { native: [], async: [], core: [], json: [], parse: [], js: [], nativeTotals: [], jsTotals: [] };
  for (let r = 0; r < RUNS + 1; r += 1) {
    const warm = r === 0;
    const [nativeMs, e] = time(() => evaluate([set], units, dossiers));
    assert.equal(e.results.length, DOSSIERS);
    const [asyncMs] = await timeAsync(() => evaluateAsync([set], units, dossiers));
    const coreMs = native.__benchCoreEvaluate([set], units, dossiers, 1) / 1e6;
    const [jsonMs, text] = time(() => native.__benchEvaluateJson([set], units, dossiers));
    const [parseResultMs] = time(() => JSON.parse(text));
    const [jsMs, j] = time(() => jsEvaluate(setDoc, units, parsed));
    assert.equal(j.results.length, DOSSIERS);
    const [nativeTotalsMs] = time(() => evaluate([set], units, dossiers, totalsOnly));
    const [jsTotalsMs] = time(() => jsEvaluate(setDoc, units, parsed, totalsOnly));
    if (!warm) {
      runs.nativeTotals.push(nativeTotalsMs);
      runs.jsTotals.push(jsTotalsMs);
      runs.native.push(nativeMs);
      runs.async.push(asyncMs);
      runs.core.push(coreMs);
      runs.json.push(jsonMs);
      runs.parse.push(parseResultMs);
      runs.js.push(jsMs);
    }
    process.stderr.write(`  run ${r}${warm ? ' (warm-up)' : ''}: native ${ms(nativeMs)}, js ${ms(jsMs)}\n`);
  }
  const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]));
  return { ...m, parseMs, loadMs, loadJsonMs, jsonBytes: native.__benchEvaluateJson([set], units, dossiers.slice(0, 1)).length };
}

// ---------------------------------------------------------------------------------------------

const ex = benchExecute();
console.log(`Node ${process.version}, ${process.platform}-${process.arch}; chamdiem ${chamdiem.VERSION}; median of ${RUNS} runs`);
console.log('');
console.log(`execute (save_self of one criterion, 47-criterion set), ${EXECUTES} calls:`);
console.log(`  core alone (Rust)                 ${(ex.core / 1000).toFixed(2)} µs/call`);
console.log(`  Node API, command as an object    ${(ex.object / 1000).toFixed(2)} µs/call  → overhead ${(ex.overheadObject / 1000).toFixed(2)} µs`);
console.log(`  Node API, command as JSON text    ${(ex.text / 1000).toFixed(2)} µs/call  → overhead ${(ex.overheadText / 1000).toFixed(2)} µs`);
const p = await benchPeriod();
console.log('');
console.log(`a period of ${DOSSIERS} dossiers × 300 criteria, loaded (JSON.parse ${ms(p.parseMs)}, Dossier.fromObject ${ms(p.loadMs)}, or Dossier.fromJson ${ms(p.loadJsonMs)}):`);
console.log(`  evaluate (results + ranking)      ${ms(p.native)}`);
console.log(`    of which the core (Rust)        ${ms(p.core)}`);
console.log(`    of which the boundary           ${ms(p.native - p.core)}  (serialize to JSON in Rust ${ms(p.json - p.core)}, JSON.parse ${ms(p.parse)})`);
console.log(`  evaluateAsync (wall)              ${ms(p.async)}`);
console.log(`  plain JavaScript + decimal.js     ${ms(p.js)}`);
console.log(`  speed-up                          ${(p.js / p.native).toFixed(1)}× (core alone ${(p.js / p.core).toFixed(1)}×)`);
console.log(`  totals, groups and ranking only ({criteria: false}):`);
console.log(`    evaluate                        ${ms(p.nativeTotals)}`);
console.log(`    plain JavaScript + decimal.js   ${ms(p.jsTotals)}`);
console.log(`    speed-up                        ${(p.jsTotals / p.nativeTotals).toFixed(1)}×`);
