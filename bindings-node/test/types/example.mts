// Compiled with `tsc --strict` by the tests (never run): a portal-style use of the whole Node
// API, so that index.d.ts, native.d.ts, types.d.ts and errors.d.ts are checked together.
import {
  ChamdiemError,
  CriteriaSet,
  Dossier,
  ERROR_CODES,
  GuardFailedError,
  InvalidCriteriaSetError,
  SqliteStore,
  VERSION,
  VersionConflictError,
  WrongStateError,
  evaluate,
  evaluateAsync,
  rank,
  type ActionStatus,
  type Actor,
  type Command,
  type CriteriaSetDocument,
  type DossierSummary,
  type ErrorCode,
  type Evaluation,
  type Event,
  type Executed,
  type Missing,
  type Period,
  type Precheck,
  type Ranking,
  type Results,
  type State,
  type Unit,
} from '../../index.js';

const unitActor: Actor = { user: 'so.tc', role: 'unit', unit: 'SO-TC' };
const reviewer: Actor = { user: 'tinh.tt', role: 'reviewer', unit: 'TINH' };
const admin: Actor = { user: 'admin', role: 'admin', unit: 'TINH' };

const doc: CriteriaSetDocument = {
  format: 'chamdiem.criteria_set',
  format_version: 1,
  id: 'demo',
  name: 'Demo',
  bands: [{ label: 'Tốt', min_percent: '80' }],
  groups: [
    {
      code: '1',
      title: 'Một',
      criteria: [
        {
          code: '1.1',
          title: 'Kế hoạch',
          evidence: 'required',
          cases: [
            { code: 'a', label: 'Đúng hạn', points: '1' },
            { code: 'b', label: 'Chậm', points: '0.5' },
          ],
        },
        { code: '1.2', title: 'Tỷ lệ', kind: 'scaled', max_points: '2', scale: { low: '0', high: '100' } },
      ],
    },
  ],
};

const set: CriteriaSet = CriteriaSet.fromObject(doc);
const same: CriteriaSet[] = [
  CriteriaSet.fromJson(set.toJson()),
  CriteriaSet.fromCompact(set.toCompact()),
  CriteriaSet.parse(set.toJson()),
];
const heading: string = `${set.id} r${set.revision}: ${set.name} (${set.precision} places), ${same.length}`;
const roundTrip: CriteriaSetDocument = set.toObject();
for (const g of set.groups()) {
  const parent: string | null = g.parent;
  const children: string[] = [...g.groups, ...g.criteria];
  console.log(g.code, g.depth, g.kind, g.cap ?? '-', parent, children);
}
for (const c of set.criteria()) console.log(c.code, c.group, c.max, c.min, c.kind ?? 'choice');
const one = set.criterion('1.1');
if (one !== null) console.log(one.cases?.map((k) => `${k.code}: ${k.points ?? 'n/a'}`));

const now = '2026-03-01T08:00:00+07:00';
const d: Dossier = Dossier.open(
  { id: '2026/SO-TC', period: '2026', unit: 'SO-TC', assessing_unit: 'TINH', self_deadline: '2026-03-31T17:00:00Z' },
  set,
  admin,
  now,
);
const save: Command = {
  type: 'save_self',
  base_version: d.version,
  entries: [
    { criterion: '1.1', case: 'a', opinion: 'Đã ban hành' },
    { criterion: '1.2', value: '92.5' },
    { criterion: '1.2', value: 90 },
  ],
};
const events: Event[] = d.execute(set, unitActor, save, now);
for (const e of events) {
  if (e.change.type === 'self_saved' && e.change.score?.new) {
    const points: string = e.change.score.new.points;
    console.log(e.version, e.at, e.actor.user, e.from, e.to, e.change.criterion, points);
  }
}
d.execute(set, unitActor, '{"type": "submit"}', now);
const planned: Event[] = d.decide(set, reviewer, { type: 'request_explanation', deadline: '2026-04-15T10:00:00Z' }, now);
d.apply(planned);
const state: State = d.state;
const flags: boolean[] = [d.reviewReleased, d.explanationFinished];
console.log(d.id, d.period, d.unit, d.assessingUnit, d.criteriaSet.id, d.criteriaSet.revision, state, flags);
const actions: ActionStatus[] = d.availableActions(set, unitActor, now);
for (const a of actions) {
  if (!a.allowed && a.reason?.code === 'guard_failed') {
    const missing: Missing[] = a.reason.details.missing;
    console.log(a.command, missing.map((m) => m.code));
  }
}
const view = d.view(unitActor);
console.log(view.review_visible, view.dossier.entries.length, view.role);
const results: Results = d.results(set, { actor: unitActor, filter: { group: '1', explanation_requested: false } });
console.log(results.total.self.points, results.total.final.percent, results.classification.final, results.groups[0]?.self.max);
const check: Precheck = d.precheck(set, results);
const check2: Precheck = d.precheck(set);
console.log(check.blockers.length + check2.warnings.length);
console.log(d.entry('1.1')?.self, d.history('1.1').length, d.history().length);
const copy: Dossier = Dossier.fromObject(JSON.parse(JSON.stringify(d.toObject())));
const copy2: Dossier = Dossier.fromJson(d.toJson());
const copy3: Dossier = Dossier.replay(d.history());
console.log(copy.version + copy2.version + copy3.version);

const units: Unit[] = [
  { id: 'TINH', code: 'TINH', name: 'Tỉnh', kind: 'province' },
  { id: 'SO-TC', code: 'SO-TC', name: 'Sở Tài chính', kind: 'department', parent: 'TINH' },
];
const ranking: Ranking = rank([{ unit: units[1]!, results: d.results(set) }]);
console.log(ranking.tables[0]?.rows[0]?.rank);
const evaluation: Evaluation = evaluate([set], units, [d]);
console.log(evaluation.results.length, evaluation.ranking.tables.length);
const pending: Promise<Evaluation> = evaluateAsync([set], units, [d], { criteria: false });
console.log(evaluate([set], units, [d], { criteria: true }).results[0]?.criteria.length);

// Errors: one class per code, with the details typed as properties.
try {
  d.execute(set, unitActor, { type: 'submit' }, now);
} catch (e) {
  if (e instanceof GuardFailedError) {
    const missing: Missing[] = e.missing;
    console.log(e.code, e.command, missing.length, e.details.missing.length, e.message);
  } else if (e instanceof WrongStateError) {
    const allowed: State[] = e.allowed;
    console.log(e.state, allowed, e.command);
  } else if (e instanceof VersionConflictError) {
    console.log(e.criterion, e.base_version, e.current_version, e.changed_by);
  } else if (e instanceof ChamdiemError) {
    const code: ErrorCode = e.code;
    console.log(code, e.details);
  }
}
try {
  CriteriaSet.fromJson('{}');
} catch (e) {
  if (e instanceof InvalidCriteriaSetError) console.log(e.offending_code, e.path, e.details.message);
}
const codes: readonly ErrorCode[] = ERROR_CODES;
console.log(VERSION, codes.length, new WrongStateError('x', { command: 'submit', state: 'reviewed', allowed: [] }).code);

// The store.
const store = new SqliteStore(':memory:', { synchronous: 'normal', busyTimeout: 2000 });
const path: string | null = store.path;
for (const u of units) store.insertUnit(u);
store.updateUnit({ ...units[1]!, name: 'Sở Tài chính tỉnh' });
const u: Unit = store.unit('SO-TC');
const all: Unit[] = store.units();
store.insertCriteriaSet(set);
const stored: CriteriaSet = store.criteriaSet('demo', 1);
console.log(store.criteriaSets().map((s) => `${s.id}@${s.revision} ${s.name}`), stored.id, u.name, all.length, path);
const period: Period = {
  id: '2026',
  name: 'Năm 2026',
  assessing_unit: 'TINH',
  criteria_sets: [{ unit_kind: 'department', criteria_set: { id: 'demo', revision: 1 } }],
};
store.insertPeriod(period);
store.updatePeriod({ ...period, self_deadline: '2026-03-31T17:00:00Z' });
console.log(store.period('2026').name, store.periods().length);
const fresh = Dossier.open({ id: '2026/SO-TC', period: '2026', unit: 'SO-TC', assessing_unit: 'TINH' }, stored, admin, now);
store.insertDossier(fresh);
const done: Executed = store.execute('2026/SO-TC', unitActor, { type: 'save_self', entries: [{ criterion: '1.1', case: 'b' }] }, now);
console.log(done.version, done.state, done.events.length);
const loaded: Dossier = store.dossier('2026/SO-TC');
loaded.execute(stored, unitActor, { type: 'save_self', entries: [{ criterion: '1.1', case: 'a' }] }, now);
store.saveDossier(loaded, done.version);
const light: Dossier = store.dossierState('2026/SO-TC');
const listed: DossierSummary[] = store.dossiers({ period: '2026', state: 'self_assessment', limit: 10 });
console.log(light.version, listed[0]?.updated_at, store.dossiers().length);
console.log(store.history('2026/SO-TC').length, store.criterionHistory('2026/SO-TC', '1.1').length);
const periodResults: Results[] = store.periodResults('2026');
const periodRanking: Ranking = store.periodRanking('2026');
const later: [Promise<Results[]>, Promise<Ranking>] = [store.periodResultsAsync('2026'), store.periodRankingAsync('2026')];
console.log(periodResults.length, periodRanking.tables.length, heading, roundTrip.id, later.length);
store.backupTo('/dev/null/never');
store.close();
const closed: boolean = store.closed;
console.log(closed, await pending);
