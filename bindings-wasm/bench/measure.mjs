// The WebAssembly measurements, the same in Node and in Chromium: `pub` is the package
// (index.js), `raw` its wasm-bindgen module with the `bench` feature's timing hooks, `texts` the
// data files' contents. Every figure is the best of several rounds (the machine is shared, and
// other work only ever slows a round down), in microseconds unless named `_ms`.

const now = () => performance.now();

const best = (xs) => Math.min(...xs);

/** The best time of one call of `f` (µs), `iterations` calls per round. */
function time(rounds, iterations, f) {
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const start = now();
    for (let i = 0; i < iterations; i++) f();
    samples.push(((now() - start) * 1000) / iterations);
  }
  return best(samples);
}

/** The best time (µs) of a hook that repeats its work `iterations` times inside the module. */
function timeInside(rounds, iterations, f) {
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const start = now();
    f(iterations);
    samples.push(((now() - start) * 1000) / iterations);
  }
  return best(samples);
}

export function measure(pub, raw, texts) {
  const { CriteriaSet, Dossier, evaluate } = pub;
  const out = {};

  // One dossier of 300 criteria, scored by the unit and the reviewer.
  const set = CriteriaSet.fromJson(texts.set);
  const dossier = Dossier.fromJson(texts.dossier);
  const results = dossier.results(set);
  const text = JSON.stringify(results);
  out.results_300_json_bytes = text.length;
  time(3, 200, () => dossier.results(set)); // warm up
  out.results_300_api_us = time(15, 200, () => dossier.results(set));
  out.results_300_inside_us = timeInside(15, 200, (n) => raw.benchResults(set, dossier, n));
  out.results_300_inside_json_us = timeInside(15, 200, (n) => raw.benchResultsJson(set, dossier, n));
  out.results_300_json_parse_us = time(15, 200, () => JSON.parse(text));

  // What a page does when a case is picked: one save, then the totals.
  const officer = { user: 'bench', role: 'unit', unit: 'SO-LIVE' };
  const live = Dossier.open(
    { id: '2026/SO-LIVE', period: '2026', unit: 'SO-LIVE', assessing_unit: 'TINH' },
    set,
    { user: 'admin', role: 'admin', unit: 'TINH' },
    '2026-03-01T00:00:00Z',
  );
  const first = set.criteria().find((c) => (c.kind ?? 'choice') === 'choice');
  let flip = 0;
  out.pick_case_300_us = time(9, 100, () => {
    flip ^= 1;
    live.execute(set, officer, { type: 'save_self', entries: [{ criterion: first.code, case: flip ? 'a' : 'b' }] }, '2026-03-02T00:00:00Z');
    live.results(set);
  });

  // A period of 2,000 dossiers on the ISO set.
  const period = JSON.parse(texts.period);
  let start = now();
  const sets = period.sets.map((s) => CriteriaSet.fromObject(s));
  const dossiers = period.dossiers.map((d) => Dossier.fromObject(d));
  out.period_load_objects_ms = now() - start;
  start = now();
  for (const d of period.dossiers) Dossier.fromJson(JSON.stringify(d)).free();
  out.period_load_json_ms = now() - start;

  const input = new raw.EvaluationInput();
  for (const s of sets) input.addSet(s);
  for (const d of dossiers) input.addDossier(d);
  out.evaluate_2000_inside_us = timeInside(7, 3, (n) => raw.benchEvaluate(input, period.units, n));
  out.evaluate_2000_inside_json_us = timeInside(7, 3, (n) => raw.benchEvaluateJson(input, period.units, n));
  const evaluation = evaluate(sets, period.units, dossiers);
  out.evaluate_2000_json_bytes = JSON.stringify(evaluation).length;
  out.evaluate_2000_api_us = time(5, 1, () => evaluate(sets, period.units, dossiers));
  input.free();
  return out;
}
