// Runs the language-neutral test vectors (tests/vectors/*.json, see tests/vectors/README.md)
// through chamdiem's JavaScript API. Shared by the Node and browser packages: it uses only the
// API of docs/js-api.md, given as `pkg` (the package's module namespace).

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the vectors. */
export const VECTORS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'vectors');

/** Every vector file, sorted. */
export function vectorFiles(dir = VECTORS_DIR) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

// ---------------------------------------------------------------------------------------------
// Matching (the vectors' rule, as in core/tests/vectors.rs)

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function short(v) {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

/**
 * Compares `expected` with `actual`, appending one line per difference to `out`. Partial:
 * every key of an expected object must match (extra actual keys are ignored; an expected
 * `null` also matches an absent key); arrays must have the same length and match item by item;
 * scalars must be equal. Exact: objects must also have the same keys.
 */
export function compare(expected, actual, path = '$', exact = false, out = []) {
  if (actual === undefined) {
    if (!(expected === null && !exact)) out.push(`${path}: missing; expected ${short(expected)}`);
  } else if (isObject(expected) && isObject(actual)) {
    for (const [k, ev] of Object.entries(expected)) compare(ev, actual[k], `${path}.${k}`, exact, out);
    if (exact) {
      for (const k of Object.keys(actual)) {
        if (!(k in expected)) out.push(`${path}.${k}: unexpected key, actual ${short(actual[k])}`);
      }
    }
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      out.push(
        `${path}: expected ${expected.length} items, actual ${actual.length} items\n` +
          `      expected: ${short(expected)}\n      actual:   ${short(actual)}`,
      );
    } else {
      expected.forEach((ev, i) => compare(ev, actual[i], `${path}[${i}]`, exact, out));
    }
  } else if (JSON.stringify(expected) !== JSON.stringify(actual)) {
    out.push(`${path}: expected ${short(expected)}, actual ${short(actual)}`);
  }
  return out;
}

export const partialDiff = (expected, actual) => compare(expected, actual, '$', false, []);

function keyBy(v, field, key) {
  if (Array.isArray(v?.[field])) {
    v[field] = Object.fromEntries(v[field].map((item) => [item[key] ?? '', item]));
  }
  return v;
}

/** Results with their `groups` and `criteria` arrays keyed by code. */
export function normalizeResults(r) {
  const v = structuredClone(r);
  keyBy(v, 'groups', 'code');
  keyBy(v, 'criteria', 'code');
  return v;
}

/** A view with its `dossier.entries` keyed by criterion. */
export function normalizeView(view) {
  const v = structuredClone(view);
  if (v.dossier) keyBy(v.dossier, 'entries', 'criterion');
  return v;
}

/** An error (thrown, or an `ErrorBody`) as vectors match it: `{code, message, details, ...details}`. */
export function errorValue(e) {
  return { ...(e.details ?? {}), code: e.code, message: e.message, details: e.details ?? {} };
}

/** Matches an error expectation `{error, missing, details}`. */
function matchError(expect, e) {
  const out = [];
  if ('error' in expect && expect.error !== e.code) {
    out.push(`$.error: expected ${short(expect.error)}, actual "${e.code}" (${e.message})`);
    return out;
  }
  if ('missing' in expect) compare(expect.missing, e.details?.missing ?? [], '$.missing', false, out);
  if ('details' in expect) compare(expect.details, e.details ?? {}, '$.details', false, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Running

class VectorError extends Error {}

function checkKeys(obj, allowed, what) {
  const unknown = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (unknown.length) {
    throw new VectorError(`${what} has unknown keys ${JSON.stringify(unknown)} (known: ${allowed.join(', ')})`);
  }
}

function obj(v, what) {
  if (!isObject(v)) throw new VectorError(`${what} must be an object`);
  return v;
}

/** A JavaScript error that chamdiem did not raise is a bug of the runner or the package. */
function mustBeChamdiemError(pkg, e) {
  if (!(e instanceof pkg.ChamdiemError)) throw e;
  return e;
}

function readSetForms(o, dir) {
  const file = (key) => {
    if (!(key in o)) return undefined;
    if (typeof o[key] !== 'string') throw new VectorError(`${key} must be a path`);
    return [o[key], readFileSync(join(dir, o[key]), 'utf8')];
  };
  if ('criteria_set' in o && 'criteria_set_file' in o) {
    throw new VectorError('give criteria_set or criteria_set_file, not both');
  }
  if ('criteria_set_compact' in o && 'criteria_set_compact_file' in o) {
    throw new VectorError('give criteria_set_compact or criteria_set_compact_file, not both');
  }
  const forms = [];
  if ('criteria_set' in o) forms.push(['criteria_set', (pkg) => pkg.CriteriaSet.fromObject(o.criteria_set)]);
  const jf = file('criteria_set_file');
  if (jf) forms.push([jf[0], (pkg) => pkg.CriteriaSet.fromJson(jf[1])]);
  if ('criteria_set_compact' in o) {
    if (typeof o.criteria_set_compact !== 'string') throw new VectorError('criteria_set_compact must be a string');
    forms.push(['criteria_set_compact', (pkg) => pkg.CriteriaSet.fromCompact(o.criteria_set_compact)]);
  }
  const cf = file('criteria_set_compact_file');
  if (cf) forms.push([cf[0], (pkg) => pkg.CriteriaSet.fromCompact(cf[1])]);
  return forms;
}

/** Loads every form of a set; both forms, when given, must load equal. */
function loadSet(pkg, forms, report, place) {
  const loaded = [];
  for (const [name, load] of forms) {
    try {
      loaded.push([name, load(pkg)]);
    } catch (e) {
      mustBeChamdiemError(pkg, e);
      report.fail(place, [`the set ${name} does not load: ${e.message}`]);
      return undefined;
    }
  }
  if (loaded.length === 2) {
    const [[na, a], [nb, b]] = loaded;
    const lines = compare(a.toObject(), b.toObject(), '$', true, []);
    if (lines.length) report.fail(place, [`the sets ${na} and ${nb} do not load equal:`, ...lines]);
  }
  return loaded[0]?.[1];
}

/**
 * Runs one vector file; returns `{file, steps, failures: [{place, lines}]}` (no failure: the
 * package passed it).
 */
export function runVector(pkg, path) {
  const file = path.split(/[\\/]/).pop();
  const failures = [];
  const report = {
    steps: 0,
    fail(place, lines) {
      if (lines.length) failures.push({ place, lines });
    },
  };
  try {
    runFile(pkg, path, file, report);
  } catch (e) {
    if (!(e instanceof VectorError) && !(e instanceof pkg.ChamdiemError)) throw e;
    report.fail('vector', [e.message]);
  }
  return { file, steps: report.steps, failures };
}

/** The failures of a `runVector` report as text. */
export function formatFailures(r) {
  return r.failures.map((f) => `  ${f.place}:\n${f.lines.map((l) => `    ${l}`).join('\n')}`).join('\n');
}

function runFile(pkg, path, file, report) {
  const top = obj(JSON.parse(readFileSync(path, 'utf8')), 'the vector');
  checkKeys(
    top,
    [
      'format',
      'format_version',
      'name',
      'description',
      'tags',
      'criteria_set',
      'criteria_set_file',
      'criteria_set_compact',
      'criteria_set_compact_file',
      'expect_set_error',
      'actors',
      'dossiers',
      'ranking',
    ],
    'the vector',
  );
  if (top.format !== 'chamdiem.vector') throw new VectorError('`format` must be "chamdiem.vector"');
  if (top.format_version !== 1) throw new VectorError('`format_version` must be 1');
  const stem = file.replace(/\.json$/, '');
  if (top.name !== stem) throw new VectorError(`\`name\` must be the file's name, "${stem}"`);
  const dir = dirname(path);
  const forms = readSetForms(top, dir);

  if ('expect_set_error' in top) {
    if ('dossiers' in top) throw new VectorError('a vector with expect_set_error has no dossiers');
    if (!forms.length) throw new VectorError('expect_set_error needs a set');
    for (const [name, load] of forms) {
      try {
        load(pkg);
        report.fail('set', [`the set ${name} loaded, but it should fail with ${short(top.expect_set_error)}`]);
      } catch (e) {
        mustBeChamdiemError(pkg, e);
        report.fail(`set (${name})`, partialDiff(top.expect_set_error, errorValue(e)));
      }
    }
    return;
  }

  let defaultSet;
  if (forms.length) {
    defaultSet = loadSet(pkg, forms, report, 'set');
    if (!defaultSet) return;
  }
  const ctx = { actors: {}, done: {}, dir };
  for (const [name, actor] of Object.entries(obj(top.actors ?? {}, 'actors'))) ctx.actors[name] = actor;

  const dossiers = top.dossiers ?? [];
  if (!Array.isArray(dossiers)) throw new VectorError('`dossiers` must be an array');
  const ranked = [];
  dossiers.forEach((d, i) => {
    const o = obj(d, 'a dossier');
    const name = o.name ?? `#${i}`;
    let outcome;
    try {
      outcome = runDossier(pkg, o, name, defaultSet, ctx, report);
    } catch (e) {
      if (e instanceof VectorError) throw new VectorError(`dossier \`${name}\`: ${e.message}`);
      throw e;
    }
    if (outcome) {
      ctx.done[name] = outcome.results;
      if (outcome.unit) ranked.push({ unit: outcome.unit, results: outcome.results });
    }
  });

  if ('ranking' in top) report.fail('ranking', partialDiff(top.ranking, pkg.rank(ranked)));
}

function actorOf(ctx, v) {
  if (typeof v === 'string') {
    if (!(v in ctx.actors)) throw new VectorError(`unknown actor \`${v}\``);
    return ctx.actors[v];
  }
  if (isObject(v)) return v;
  if (v === undefined) throw new VectorError('the step has no actor');
  throw new VectorError(`an actor is a name or an object, not ${short(v)}`);
}

const SET_KEYS = ['criteria_set', 'criteria_set_file', 'criteria_set_compact', 'criteria_set_compact_file'];

function runDossier(pkg, o, name, defaultSet, ctx, report) {
  checkKeys(
    o,
    ['name', 'description', 'unit', 'open', 'opened_by', 'opened_at', 'expect_open_error', 'steps', 'results', ...SET_KEYS],
    'the dossier',
  );
  const place = (s) => `dossier \`${name}\` ${s}`;
  const forms = readSetForms(o, ctx.dir);
  let set = defaultSet;
  if (forms.length) {
    set = loadSet(pkg, forms, report, place('set'));
    if (!set) return undefined;
  }
  if (!set) throw new VectorError('no criteria set: give one for the vector or for the dossier');
  if (!('open' in o)) throw new VectorError('no `open`');
  const opener = actorOf(ctx, o.opened_by);
  if (typeof o.opened_at !== 'string') throw new VectorError('no `opened_at` instant');

  let dossier;
  try {
    dossier = pkg.Dossier.open(o.open, set, opener, o.opened_at);
  } catch (e) {
    mustBeChamdiemError(pkg, e);
    if ('expect_open_error' in o) report.fail(place('open'), partialDiff(o.expect_open_error, errorValue(e)));
    else report.fail(place('open'), [`the dossier does not open: ${e.message}`]);
    return undefined;
  }
  if ('expect_open_error' in o) {
    report.fail(place('open'), ['the dossier opened, but it should fail']);
    return undefined;
  }

  let now = o.opened_at;
  const steps = o.steps ?? [];
  if (!Array.isArray(steps)) throw new VectorError('`steps` must be an array');
  steps.forEach((step, i) => {
    report.steps += 1;
    try {
      const s = obj(step, 'a step');
      if ('now' in s) now = s.now;
      runStep(pkg, s, i, set, dossier, now, ctx, report, name);
    } catch (e) {
      if (e instanceof VectorError) throw new VectorError(`step ${i}: ${e.message}`);
      throw e;
    }
  });

  // The end of the dossier: expected results, replay, JSON round trips.
  let full;
  try {
    full = dossier.results(set);
  } catch (e) {
    mustBeChamdiemError(pkg, e);
    report.fail(place('results'), [`results fail: ${e.message}`]);
    return undefined;
  }
  if ('results' in o) report.fail(place('results'), partialDiff(o.results, normalizeResults(full)));
  const doc = dossier.toObject();
  try {
    const replayed = pkg.Dossier.replay(dossier.history()).toObject();
    const lines = compare(doc, replayed, '$', true, []);
    if (lines.length) report.fail(place('replay'), ['replaying the history does not rebuild the dossier:', ...lines]);
  } catch (e) {
    mustBeChamdiemError(pkg, e);
    report.fail(place('replay'), [`replay fails: ${e.message}`]);
  }
  try {
    const text = dossier.toJson();
    if (pkg.Dossier.fromJson(text).toJson() !== text) {
      report.fail(place('JSON'), ["the dossier's JSON does not read back equal"]);
    }
    const lines = compare(doc, pkg.Dossier.fromObject(doc).toObject(), '$', true, []);
    if (lines.length) report.fail(place('JSON'), ["the dossier's object does not read back equal:", ...lines]);
  } catch (e) {
    mustBeChamdiemError(pkg, e);
    report.fail(place('JSON'), [`the dossier's JSON does not read back: ${e.message}`]);
  }
  return { unit: o.unit, results: full };
}

function actorLabel(v) {
  if (typeof v === 'string') return v;
  if (isObject(v)) return v.user ?? 'inline actor';
  return '';
}

function runStep(pkg, s, i, set, dossier, now, ctx, report, dossierName) {
  if ('check' in s) {
    if (typeof s.check !== 'string') throw new VectorError('`check` must be a string');
    const place = `dossier \`${dossierName}\` step ${i} (check ${s.check})`;
    runCheck(pkg, s, s.check, set, dossier, now, ctx, report, place);
    return;
  }
  checkKeys(s, ['actor', 'now', 'command', 'command_json', 'expect', 'comment'], 'a command step');
  const actor = actorOf(ctx, s.actor);
  let command;
  if ('command' in s && !('command_json' in s)) command = s.command;
  else if ('command_json' in s && !('command' in s)) {
    if (typeof s.command_json !== 'string') throw new VectorError('`command_json` must be a string');
    command = s.command_json;
  } else throw new VectorError('a step has `command`, `command_json` or `check`');
  const typeLabel = s.command?.type ?? 'command_json';
  const place = `dossier \`${dossierName}\` step ${i} (${actorLabel(s.actor)}: ${typeLabel})`;
  const expect = 'expect' in s ? obj(s.expect, 'expect') : {};
  checkKeys(expect, ['state', 'version', 'events', 'error', 'missing', 'details'], "a command's expect");
  const wantsError = 'error' in expect;
  const before = dossier.toJson();
  let events;
  try {
    events = dossier.execute(set, actor, command, now);
  } catch (e) {
    mustBeChamdiemError(pkg, e);
    if (dossier.toJson() !== before) report.fail(place, ['a refused command changed the dossier']);
    if (!wantsError) {
      report.fail(place, [`expected success, but the command was refused: ${short(errorValue(e))}`]);
    } else {
      report.fail(place, matchError(expect, e));
    }
    return;
  }
  if (wantsError) {
    report.fail(place, [
      `expected error ${short(expect.error)}, but the command succeeded with events ${short(events.map((e) => e.change.type))}`,
    ]);
    return;
  }
  const actual = { state: dossier.state, version: dossier.version, events: events.map((e) => e.change.type) };
  const { missing: _m, details: _d, ...rest } = expect;
  report.fail(place, partialDiff(rest, actual));
}

function runCheck(pkg, s, check, set, dossier, now, ctx, report, place) {
  if (!('expect' in s)) throw new VectorError('a check needs `expect`');
  const expect = s.expect;
  const errorExpected = isObject(expect) && 'error' in expect;
  // Runs `compute`; a ChamdiemError is matched against an expected error.
  const attempt = (compute, onValue) => {
    let value;
    try {
      value = compute();
    } catch (e) {
      mustBeChamdiemError(pkg, e);
      if (errorExpected) report.fail(place, matchError(expect, e));
      else report.fail(place, [`refused: ${short(errorValue(e))}`]);
      return;
    }
    if (errorExpected) report.fail(place, [`expected error ${short(expect.error)}, but the check succeeded`]);
    else onValue(value);
  };
  switch (check) {
    case 'view': {
      checkKeys(s, ['check', 'actor', 'now', 'expect', 'comment'], 'a view check');
      const actor = actorOf(ctx, s.actor);
      attempt(
        () => dossier.view(actor),
        (v) => report.fail(place, partialDiff(expect, normalizeView(v))),
      );
      break;
    }
    case 'actions': {
      checkKeys(s, ['check', 'actor', 'now', 'expect', 'comment'], 'an actions check');
      const actor = actorOf(ctx, s.actor);
      const e = obj(expect, 'expect');
      checkKeys(e, ['allowed', 'refused'], "an actions check's expect");
      runActionsCheck(e, dossier.availableActions(set, actor, now), report, place);
      break;
    }
    case 'results': {
      checkKeys(s, ['check', 'actor', 'now', 'filter', 'expect', 'comment'], 'a results check');
      const options = {};
      if ('actor' in s) options.actor = actorOf(ctx, s.actor);
      if ('filter' in s) options.filter = s.filter;
      attempt(
        () => dossier.results(set, options),
        (r) => report.fail(place, partialDiff(expect, normalizeResults(r))),
      );
      break;
    }
    case 'precheck': {
      checkKeys(s, ['check', 'actor', 'now', 'previous', 'expect', 'comment'], 'a precheck check');
      let previous = null;
      if ('previous' in s) {
        if (typeof s.previous !== 'string') throw new VectorError('`previous` must be a name');
        if (!(s.previous in ctx.done)) throw new VectorError(`\`previous\` names \`${s.previous}\`, which has not run`);
        previous = ctx.done[s.previous];
      }
      attempt(
        () => dossier.precheck(set, previous),
        (p) => report.fail(place, partialDiff(expect, p)),
      );
      break;
    }
    case 'history': {
      checkKeys(s, ['check', 'actor', 'now', 'criterion', 'expect', 'comment'], 'a history check');
      if ('criterion' in s && typeof s.criterion !== 'string') throw new VectorError('`criterion` must be a code');
      report.fail(place, partialDiff(expect, dossier.history(s.criterion)));
      break;
    }
    default:
      throw new VectorError(`unknown check \`${check}\``);
  }
}

function runActionsCheck(e, actions, report, place) {
  if ('allowed' in e) {
    if (!Array.isArray(e.allowed)) throw new VectorError('`allowed` must be an array');
    const expected = [...new Set(e.allowed)].sort();
    const actual = actions.filter((a) => a.allowed).map((a) => a.command).sort();
    if (JSON.stringify(expected) !== JSON.stringify(actual)) {
      report.fail(place, [
        `$.allowed: expected ${short(expected)}, actual ${short(actual)} ` +
          `(missing ${short(expected.filter((c) => !actual.includes(c)))}, extra ${short(actual.filter((c) => !expected.includes(c)))})`,
      ]);
    }
  }
  if ('refused' in e) {
    for (const [command, want] of Object.entries(obj(e.refused, '`refused`'))) {
      const path = `$.refused.${command}`;
      const a = actions.find((x) => x.command === command);
      if (!a) {
        report.fail(place, [`${path}: the actor has no such action`]);
        continue;
      }
      if (!a.reason) {
        report.fail(place, [`${path}: expected refused, actual allowed`]);
        continue;
      }
      if (typeof want === 'string') {
        if (want !== a.reason.code) {
          report.fail(place, [`${path}: expected "${want}", actual "${a.reason.code}" (${a.reason.message})`]);
        }
      } else {
        report.fail(place, compare(want, errorValue(a.reason), path, false, []));
      }
    }
  }
}
