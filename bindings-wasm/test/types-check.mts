// Compiled with `tsc --strict --noEmit` against the built package (scripts/test-wasm.sh): every
// export of docs/js-api.md, used as a TypeScript program would, with the types the package
// declares. A wrong or missing declaration fails the compile; `any` is refused separately.
import {
  CriteriaSet,
  Dossier,
  rank,
  evaluate,
  evaluateAsync,
  ChamdiemError,
  GuardFailedError,
  InvalidCriteriaSetError,
  VersionConflictError,
  WrongStateError,
  ERROR_CODES,
  VERSION,
} from 'chamdiem-wasm';
import type {
  ActionStatus,
  Actor,
  Command,
  CriterionInfo,
  DossierDocument,
  DossierView,
  Entry,
  ErrorCode,
  Evaluation,
  Event,
  GroupInfo,
  Missing,
  Precheck,
  Ranking,
  Results,
  SetRef,
  State,
  Unit,
} from 'chamdiem-wasm';

declare const text: string;
const set: CriteriaSet = CriteriaSet.parse(text);
const fromJson: CriteriaSet = CriteriaSet.fromJson(text);
const fromCompact: CriteriaSet = CriteriaSet.fromCompact(text);
const copy: CriteriaSet = CriteriaSet.fromObject(set.toObject());
const id: string = set.id;
const revision: number = set.revision;
const name: string = set.name;
const precision: number = set.precision;
const json: string = set.toJson() + set.toCompact();
const groups: GroupInfo[] = set.groups();
const criteria: CriterionInfo[] = set.criteria();
const one: CriterionInfo | null = set.criterion('1.1');
const max: string | undefined = one?.max;

const admin: Actor = { user: 'admin', role: 'admin', unit: 'TINH' };
const officer: Actor = { user: 'so.tc', role: 'unit', unit: 'SO-TC' };
const now = '2026-03-01T08:00:00+07:00';
const dossier: Dossier = Dossier.open(
  { id: '2026/SO-TC', period: '2026', unit: 'SO-TC', assessing_unit: 'TINH', self_deadline: null },
  set,
  admin,
  now,
);
const save: Command = {
  type: 'save_self',
  base_version: dossier.version,
  entries: [{ criterion: '1.1', case: 'a' }, { criterion: '1.4', value: '92' }, { criterion: '1.5', value: 3 }],
};
const events: Event[] = dossier.execute(set, officer, save, now);
const decided: Event[] = dossier.decide(set, officer, '{"type":"submit"}', now);
dossier.apply(decided);
const firstType: string | undefined = events[0]?.change.type;
const state: State = dossier.state;
const version: number = dossier.version;
const flags: boolean = dossier.reviewReleased || dossier.explanationFinished;
const parts: string = dossier.id + dossier.period + dossier.unit + dossier.assessingUnit;
const ref: SetRef = dossier.criteriaSet;
const doc: DossierDocument = dossier.toObject();
const again: Dossier = Dossier.fromObject(doc);
const parsed: Dossier = Dossier.fromJson(dossier.toJson());
const replayed: Dossier = Dossier.replay(dossier.history());
const entry: Entry | null = dossier.entry('1.1');
const ofOne: Event[] = dossier.history('1.1');
const actions: ActionStatus[] = dossier.availableActions(set, officer, now);
const reason: ErrorCode | undefined = actions[0]?.reason?.code;
const view: DossierView = dossier.view(officer);
const results: Results = dossier.results(set);
const seen: Results = dossier.results(set, { actor: officer, filter: { group: '1' } });
const total: string = results.total.final.points;
const percent: string | null = results.total.self.percent;
const check: Precheck = dossier.precheck(set);
const checkAgain: Precheck = dossier.precheck(set, results);
const blockers: Missing[] = check.blockers;

const unit: Unit = { id: 'SO-TC', code: 'SO-TC', name: 'Sở Tài chính', kind: 'department' };
const ranking: Ranking = rank([{ unit, results }]);
const evaluation: Evaluation = evaluate([set], [unit], [dossier]);
const later: Promise<Evaluation> = evaluateAsync([set], [unit], [dossier]);

try {
  dossier.execute(set, officer, { type: 'submit' }, now);
} catch (e) {
  if (e instanceof GuardFailedError) {
    const missing: Missing[] = e.missing;
    const code: 'guard_failed' = e.code;
  } else if (e instanceof WrongStateError) {
    const allowed: State[] = e.allowed;
    const current: State = e.state;
  } else if (e instanceof VersionConflictError) {
    const base: number = e.base_version;
  } else if (e instanceof InvalidCriteriaSetError) {
    const offending: string | undefined = e.offending_code;
  } else if (e instanceof ChamdiemError) {
    const code: ErrorCode = e.code;
    const details: object = e.details;
  }
}
const codes: readonly ErrorCode[] = ERROR_CODES;
const libraryVersion: string = VERSION;

// Misuse must not compile.
// @ts-expect-error: decimals are strings (or integers), never booleans
dossier.execute(set, officer, { type: 'save_self', entries: [{ criterion: '1.1', value: true }] }, now);
// @ts-expect-error: an actor needs a known role
dossier.view({ user: 'x', role: 'owner', unit: 'X' });
// @ts-expect-error: results of a set, not of a string
dossier.results('iso');
// @ts-expect-error: the state is read-only
dossier.state = 'completed';

export {
  fromJson, fromCompact, copy, id, revision, name, precision, json, groups, criteria, max, firstType,
  state, version, flags, parts, ref, again, parsed, replayed, entry, ofOne, reason, view, seen, total,
  percent, checkAgain, blockers, ranking, evaluation, later, codes, libraryVersion,
};
