// The shared test of chamdiem's JavaScript API (docs/js-api.md): every export except the stores,
// run unchanged against the Node package and the browser (WASM) package. The package under test
// is CHAMDIEM_JS_PACKAGE (see package.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pkg, { PACKAGE } from './package.mjs';

const {
  CriteriaSet,
  Dossier,
  rank,
  evaluate,
  evaluateAsync,
  ChamdiemError,
  ERROR_CODES,
  VERSION,
} = pkg;

// A small set with every kind of criterion: choice (with a not-applicable case and required
// evidence), banded, scaled, nested groups, a capped bonus group, classification bands.
const SET = {
  format: 'chamdiem.criteria_set',
  format_version: 1,
  id: 'api-test',
  revision: 2,
  name: 'Bộ chỉ tiêu kiểm thử',
  precision: 2,
  bands: [
    { label: 'Xuất sắc', min_percent: '90' },
    { label: 'Tốt', min_percent: '80' },
    { label: 'Khá', min_percent: '65' },
    { label: 'Yếu', min_percent: '0' },
  ],
  groups: [
    {
      code: '1',
      title: 'Chỉ đạo, điều hành',
      criteria: [
        {
          code: '1.1',
          title: 'Kế hoạch năm',
          evidence: 'required',
          cases: [
            { code: 'a', label: 'Đúng hạn', points: '2' },
            { code: 'b', label: 'Chậm', points: '0.75' },
            { code: 'kad', label: 'Không áp dụng', not_applicable: true },
          ],
        },
        {
          code: '1.2',
          title: 'Tỷ lệ hồ sơ đúng hạn',
          kind: 'banded',
          value: { unit: '%', min: '0', max: '100' },
          cases: [
            { code: 'a', label: 'Trên 90%', points: '2', range: '(90, 100]' },
            { code: 'b', label: 'Từ 70% đến 90%', points: '1', range: '[70, 90]' },
            { code: 'c', label: 'Dưới 70%', points: '0', range: '[0, 70)' },
          ],
        },
      ],
      groups: [
        {
          code: '1.3',
          title: 'Khảo sát',
          criteria: [
            {
              code: '1.3.1',
              title: 'Chỉ số hài lòng',
              kind: 'scaled',
              max_points: '3',
              min_points: '0',
              value: { min: '0', max: '100' },
              scale: { low: '50', high: '100' },
            },
          ],
        },
      ],
    },
    {
      code: '2',
      title: 'Điểm thưởng',
      kind: 'bonus',
      cap: '1',
      criteria: [
        {
          code: '2.1',
          title: 'Sáng kiến',
          cases: [
            { code: 'a', label: 'Có sáng kiến', points: '1.5' },
            { code: 'b', label: 'Không', points: '0' },
          ],
        },
      ],
    },
  ],
};

const T0 = '2026-01-05T01:00:00Z';
const T1 = '2026-03-01T08:00:00+07:00';
const DEADLINE = '2026-03-31T17:00:00Z';
const LATE = '2026-04-02T00:00:00Z';
const ADMIN = { user: 'admin', role: 'admin', unit: 'TINH' };
const UNIT = { user: 'so.tc', role: 'unit', unit: 'SO-TC' };
const OTHER_UNIT = { user: 'so.xd', role: 'unit', unit: 'SO-XD' };
const REVIEWER = { user: 'tinh.tt', role: 'reviewer', unit: 'TINH' };
const REVIEWER_2 = { user: 'tinh.pp', role: 'reviewer', unit: 'TINH' };
const SO_TC = { id: 'SO-TC', code: 'SO-TC', name: 'Sở Tài chính', kind: 'department', parent: 'TINH' };
const SO_XD = { id: 'SO-XD', code: 'SO-XD', name: 'Sở Xây dựng', kind: 'department', parent: 'TINH' };
const SPEC = {
  id: '2026/SO-TC',
  period: '2026',
  unit: 'SO-TC',
  assessing_unit: 'TINH',
  self_deadline: DEADLINE,
  requires_report: false,
};
const EVIDENCE = {
  id: 'ev-1',
  file_name: 'ke-hoach.pdf',
  size: 1024,
  media_type: 'application/pdf',
  sha256: 'a'.repeat(64),
};

const set = () => CriteriaSet.fromObject(SET);
const open = (s = set(), spec = SPEC) => Dossier.open(spec, s, ADMIN, T0);

/** A dossier with every criterion self-scored and submitted. */
function submitted(s = set(), spec = SPEC) {
  const d = open(s, spec);
  const unit = { ...UNIT, unit: spec.unit };
  d.execute(s, unit, { type: 'attach_evidence', criterion: '1.1', evidence: EVIDENCE }, T1);
  d.execute(
    s,
    unit,
    {
      type: 'save_self',
      base_version: d.version,
      entries: [
        { criterion: '1.1', case: 'a', opinion: 'Đã ban hành' },
        { criterion: '1.2', value: '92.5' },
        { criterion: '1.3.1', value: 80 },
        { criterion: '2.1', case: 'a' },
      ],
    },
    T1,
  );
  d.execute(s, unit, { type: 'submit' }, T1);
  return d;
}

/** Asserts `fn` throws a ChamdiemError of class `cls`, and returns it. */
function throwsChamdiem(fn, cls) {
  let caught;
  assert.throws(fn, (e) => {
    caught = e;
    return true;
  });
  assert.ok(caught instanceof Error, 'a real Error is thrown');
  assert.ok(caught instanceof ChamdiemError, `a ChamdiemError is thrown, got ${caught}`);
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${caught.name}: ${caught.message}`);
  assert.equal(caught.code, cls.code);
  assert.equal(caught.name, cls.name);
  assert.equal(typeof caught.message, 'string');
  assert.ok(caught.message.length > 0);
  assert.equal(typeof caught.details, 'object');
  for (const [k, v] of Object.entries(caught.details)) {
    if (k !== 'message') assert.deepEqual(caught[k], v, `the detail ${k} is a property`);
  }
  return caught;
}

test(`the package under test exports the whole API (${PACKAGE})`, () => {
  for (const name of ['CriteriaSet', 'Dossier', 'rank', 'evaluate', 'evaluateAsync']) {
    assert.equal(typeof pkg[name], 'function', name);
  }
  assert.match(VERSION, /^\d+\.\d+\.\d+/);
  assert.deepEqual(
    [...ERROR_CODES],
    [
      'wrong_state',
      'forbidden',
      'unknown_criterion',
      'unknown_case',
      'value_out_of_range',
      'guard_failed',
      'deadline_passed',
      'version_conflict',
      'invalid_input',
      'invalid_criteria_set',
      'not_found',
      'already_exists',
      'storage',
    ],
  );
  assert.ok(Object.isFrozen(ERROR_CODES));
});

test('one ChamdiemError subclass per error code', () => {
  const names = {
    wrong_state: 'WrongStateError',
    forbidden: 'ForbiddenError',
    unknown_criterion: 'UnknownCriterionError',
    unknown_case: 'UnknownCaseError',
    value_out_of_range: 'ValueOutOfRangeError',
    guard_failed: 'GuardFailedError',
    deadline_passed: 'DeadlinePassedError',
    version_conflict: 'VersionConflictError',
    invalid_input: 'InvalidInputError',
    invalid_criteria_set: 'InvalidCriteriaSetError',
    not_found: 'NotFoundError',
    already_exists: 'AlreadyExistsError',
    storage: 'StorageError',
  };
  for (const code of ERROR_CODES) {
    const cls = pkg[names[code]];
    assert.equal(typeof cls, 'function', names[code]);
    assert.equal(cls.code, code);
    assert.equal(cls.name, names[code]);
    const e = new cls('it failed', { kind: 'dossier', id: 'x' });
    assert.ok(e instanceof Error && e instanceof ChamdiemError && e instanceof cls);
    assert.equal(e.code, code);
    assert.equal(e.name, names[code]);
    assert.equal(e.message, 'it failed');
    assert.deepEqual(e.details, { kind: 'dossier', id: 'x' });
    assert.equal(e.kind, 'dossier');
    assert.ok(String(e.stack).includes('it failed'));
  }
});

test('CriteriaSet reads JSON, objects and the compact form, and writes them back', () => {
  const s = set();
  assert.equal(s.id, 'api-test');
  assert.equal(s.revision, 2);
  assert.equal(s.name, 'Bộ chỉ tiêu kiểm thử');
  assert.equal(s.precision, 2);
  const doc = s.toObject();
  assert.equal(doc.format, 'chamdiem.criteria_set');
  assert.equal(doc.groups[0].criteria[0].cases[1].points, '0.75');
  assert.deepEqual(CriteriaSet.fromJson(s.toJson()).toObject(), doc);
  assert.deepEqual(CriteriaSet.parse(s.toJson()).toObject(), doc);
  assert.deepEqual(JSON.parse(s.toJson()), doc);
  const compact = s.toCompact();
  assert.equal(typeof compact, 'string');
  assert.deepEqual(CriteriaSet.fromCompact(compact).toObject(), doc);
  assert.deepEqual(CriteriaSet.parse(compact).toObject(), doc);
});

test('CriteriaSet lists its groups and criteria with their place and bounds', () => {
  const s = set();
  const groups = s.groups();
  assert.deepEqual(
    groups.map((g) => [g.code, g.parent, g.depth, g.kind]),
    [
      ['1', null, 0, 'standard'],
      ['1.3', '1', 1, 'standard'],
      ['2', null, 0, 'bonus'],
    ],
  );
  assert.deepEqual(groups[0].groups, ['1.3']);
  assert.deepEqual(groups[0].criteria, ['1.1', '1.2']);
  assert.equal(groups[2].cap, '1');
  assert.equal(groups[0].cap, null);
  const criteria = s.criteria();
  assert.deepEqual(
    criteria.map((c) => [c.code, c.group, c.max, c.min]),
    [
      ['1.1', '1', '2', '0'],
      ['1.2', '1', '2', '0'],
      ['1.3.1', '1.3', '3', '0'],
      ['2.1', '2', '1.5', '0'],
    ],
  );
  const c = s.criterion('1.2');
  assert.equal(c.kind, 'banded');
  assert.equal(c.title, 'Tỷ lệ hồ sơ đúng hạn');
  assert.equal(c.cases[0].range, '(90, 100]');
  assert.equal(s.criterion('9.9'), null);
});

test('an invalid criteria set names the offending code', () => {
  const bad = structuredClone(SET);
  bad.groups[0].criteria[1].code = '1.1';
  const e = throwsChamdiem(() => CriteriaSet.fromObject(bad), pkg.InvalidCriteriaSetError);
  assert.equal(e.offending_code, '1.1');
  assert.equal(typeof e.path, 'string');
  throwsChamdiem(() => CriteriaSet.fromJson('{"format": "chamdiem.criteria_set"'), pkg.InvalidCriteriaSetError);
  throwsChamdiem(() => CriteriaSet.fromCompact('id = '), pkg.InvalidCriteriaSetError);
  const newer = { ...SET, format_version: 99 };
  const v = throwsChamdiem(() => CriteriaSet.fromObject(newer), pkg.InvalidCriteriaSetError);
  assert.match(v.message, /newer/);
});

test('Dossier.open makes a dossier with an entry per criterion', () => {
  const d = open();
  assert.equal(d.id, '2026/SO-TC');
  assert.equal(d.period, '2026');
  assert.equal(d.unit, 'SO-TC');
  assert.equal(d.assessingUnit, 'TINH');
  assert.deepEqual(d.criteriaSet, { id: 'api-test', revision: 2 });
  assert.equal(d.state, 'self_assessment');
  assert.equal(d.version, 1);
  assert.equal(d.reviewReleased, false);
  assert.equal(d.explanationFinished, false);
  assert.deepEqual(d.entry('1.1'), { criterion: '1.1', version: 0 });
  assert.equal(d.entry('9.9'), null);
  const doc = d.toObject();
  assert.equal(doc.format, 'chamdiem.dossier');
  assert.deepEqual(
    doc.entries.map((e) => e.criterion),
    ['1.1', '1.2', '1.3.1', '2.1'],
  );
  assert.equal(doc.self_deadline, DEADLINE);
  const [opened] = d.history();
  assert.equal(opened.change.type, 'opened');
  assert.deepEqual(opened.actor, ADMIN);
  assert.equal(opened.at, T0);
  const e = throwsChamdiem(
    () => Dossier.open({ ...SPEC, assessing_unit: 'SO-TC' }, set(), ADMIN, T0),
    pkg.InvalidInputError,
  );
  assert.equal(e.path, 'assessing_unit');
});

test('execute returns the events, changes the dossier, and derives points from cases and values', () => {
  const s = set();
  const d = open(s);
  const events = d.execute(
    s,
    UNIT,
    {
      type: 'save_self',
      base_version: 1,
      entries: [
        { criterion: '1.1', case: 'b', opinion: 'Ban hành chậm' },
        { criterion: '1.2', value: '70' },
        { criterion: '1.3.1', value: '75.5' },
      ],
    },
    T1,
  );
  assert.deepEqual(
    events.map((e) => [e.version, e.change.type, e.change.criterion]),
    [
      [2, 'self_saved', '1.1'],
      [2, 'self_saved', '1.2'],
      [2, 'self_saved', '1.3.1'],
    ],
  );
  assert.equal(events[0].at, '2026-03-01T01:00:00Z', 'instants are written in UTC');
  assert.deepEqual(events[0].change.score, { old: null, new: { case: 'b', points: '0.75' } });
  assert.deepEqual(events[1].change.score.new, { case: 'b', value: '70', points: '1' });
  assert.deepEqual(events[2].change.score.new, { value: '75.5', points: '1.53' });
  assert.deepEqual(events[0].change.opinion, { old: '', new: 'Ban hành chậm' });
  assert.equal(d.version, 2);
  assert.deepEqual(d.entry('1.1').self, { case: 'b' });
  assert.equal(d.entry('1.1').self_opinion, 'Ban hành chậm');
  assert.equal(d.entry('1.1').changed_by, 'so.tc');
  // A save that changes nothing: no events, no new version.
  assert.deepEqual(d.execute(s, UNIT, { type: 'save_self', entries: [{ criterion: '1.1', case: 'b' }] }, T1), []);
  assert.equal(d.version, 2);
  // A command as JSON text.
  const cleared = d.execute(s, UNIT, '{"type": "save_self", "entries": [{"criterion": "1.2", "clear": true}]}', T1);
  assert.deepEqual(cleared[0].change.score, { old: { case: 'b', value: '70', points: '1' }, new: null });
  // Format tags are accepted on commands.
  d.execute(
    s,
    UNIT,
    { format: 'chamdiem.command', format_version: 1, type: 'save_self', entries: [{ criterion: '2.1', case: 'b' }] },
    T1,
  );
  assert.equal(d.version, 4);
});

test('decimals are strings; integers are accepted, fractions given as numbers are refused', () => {
  const s = set();
  const d = open(s);
  d.execute(s, UNIT, { type: 'save_self', entries: [{ criterion: '1.2', value: 95 }] }, T1);
  assert.deepEqual(d.entry('1.2').self, { value: '95' });
  const before = d.toJson();
  const e = throwsChamdiem(
    () => d.execute(s, UNIT, { type: 'save_self', entries: [{ criterion: '1.2', value: 92.5 }] }, T1),
    pkg.InvalidInputError,
  );
  assert.match(e.message, /string/);
  assert.equal(d.toJson(), before);
});

test('decide returns the events without applying them; apply folds them in', () => {
  const s = set();
  const d = open(s);
  const cmd = { type: 'save_self', entries: [{ criterion: '1.1', case: 'a' }] };
  const events = d.decide(s, UNIT, cmd, T1);
  assert.equal(events.length, 1);
  assert.equal(d.version, 1);
  assert.equal(d.entry('1.1').self, undefined);
  d.apply(events);
  assert.equal(d.version, 2);
  assert.deepEqual(d.entry('1.1').self, { case: 'a' });
  assert.equal(d.history().length, 2);
});

test('every refusal is a typed error with its details, and changes nothing', () => {
  const s = set();
  const d = open(s);
  const before = d.toJson();
  const at = (cmd, actor = UNIT, now = T1) => () => d.execute(s, actor, cmd, now);

  const guard = throwsChamdiem(at({ type: 'submit' }), pkg.GuardFailedError);
  assert.equal(guard.command, 'submit');
  assert.deepEqual(
    guard.missing.map((m) => [m.code, m.criterion]),
    [
      ['self_score', '1.1'],
      ['self_score', '1.2'],
      ['self_score', '1.3.1'],
      ['self_score', '2.1'],
    ],
  );
  assert.deepEqual(guard.details.missing, guard.missing);

  const wrong = throwsChamdiem(at({ type: 'finish_review' }, REVIEWER), pkg.WrongStateError);
  assert.deepEqual([wrong.command, wrong.state, wrong.allowed], [
    'finish_review',
    'self_assessment',
    ['self_assessed', 'explanation_requested'],
  ]);

  const forbidden = throwsChamdiem(at({ type: 'submit' }, OTHER_UNIT), pkg.ForbiddenError);
  assert.equal(forbidden.command, 'submit');
  assert.equal(typeof forbidden.reason, 'string');

  const unknownCriterion = throwsChamdiem(
    at({ type: 'save_self', entries: [{ criterion: '9.9', case: 'a' }] }),
    pkg.UnknownCriterionError,
  );
  assert.equal(unknownCriterion.criterion, '9.9');

  const unknownCase = throwsChamdiem(
    at({ type: 'save_self', entries: [{ criterion: '1.1', case: 'z' }] }),
    pkg.UnknownCaseError,
  );
  assert.deepEqual([unknownCase.criterion, unknownCase.case, unknownCase.known], ['1.1', 'z', ['a', 'b', 'kad']]);

  const range = throwsChamdiem(
    at({ type: 'save_self', entries: [{ criterion: '1.2', value: '120' }] }),
    pkg.ValueOutOfRangeError,
  );
  assert.deepEqual([range.criterion, range.value, range.min, range.max], ['1.2', '120', '0', '100']);
  assert.equal(typeof range.details.message, 'string');

  const late = throwsChamdiem(
    at({ type: 'save_self', entries: [{ criterion: '1.1', case: 'a' }] }, UNIT, LATE),
    pkg.DeadlinePassedError,
  );
  assert.deepEqual([late.command, late.deadline, late.now], ['save_self', DEADLINE, LATE]);

  throwsChamdiem(at('{"type": "save_self",'), pkg.InvalidInputError);
  throwsChamdiem(at({ type: 'fly' }), pkg.InvalidInputError);
  throwsChamdiem(at({ type: 'submit' }, UNIT, 'yesterday'), pkg.InvalidInputError);
  const badActor = throwsChamdiem(at({ type: 'submit' }, { user: 'x', role: 'boss', unit: 'SO-TC' }), pkg.InvalidInputError);
  assert.match(badActor.path, /role/);

  assert.equal(d.toJson(), before);
  assert.equal(d.version, 1);
});

test('a save conflicts only on entries another user changed after its base version', () => {
  const s = set();
  const d = submitted(s);
  const base = d.version;
  d.execute(s, REVIEWER, { type: 'save_review', base_version: base, entries: [{ criterion: '1.1', case: 'b' }] }, T1);
  // Another officer, from the same base, saves a different criterion: fine.
  d.execute(s, REVIEWER_2, { type: 'save_review', base_version: base, entries: [{ criterion: '1.2', value: '80' }] }, T1);
  // ...and the same criterion: conflict.
  const e = throwsChamdiem(
    () => d.execute(s, REVIEWER_2, { type: 'save_review', base_version: base, entries: [{ criterion: '1.1', case: 'a' }] }, T1),
    pkg.VersionConflictError,
  );
  assert.deepEqual([e.criterion, e.base_version, e.current_version, e.changed_by], ['1.1', base, base + 1, 'tinh.tt']);
});

test('availableActions lists the role’s commands with the reason each is refused', () => {
  const s = set();
  const d = open(s);
  const actions = d.availableActions(s, UNIT, T1);
  assert.deepEqual(
    actions.map((a) => a.command),
    ['save_self', 'attach_evidence', 'remove_evidence', 'submit', 'withdraw', 'save_explanation', 'finish_explanation'],
  );
  const submit = actions.find((a) => a.command === 'submit');
  assert.equal(submit.allowed, false);
  assert.equal(submit.reason.code, 'guard_failed');
  assert.equal(typeof submit.reason.message, 'string');
  assert.equal(submit.reason.details.missing.length, 4);
  const save = actions.find((a) => a.command === 'save_self');
  assert.equal(save.allowed, true);
  assert.equal('reason' in save, false);
  assert.equal(
    d.availableActions(s, UNIT, LATE).find((a) => a.command === 'save_self').reason.code,
    'deadline_passed',
  );
  assert.deepEqual(
    d.availableActions(s, REVIEWER, T1).map((a) => [a.command, a.allowed]),
    [
      ['save_review', false],
      ['request_explanation', false],
      ['finish_review', false],
      ['release_review', false],
      ['return_for_rework', false],
      ['reopen', false],
      ['archive', false],
    ],
  );
  assert.deepEqual(d.availableActions(s, { user: 'v', role: 'viewer', unit: 'TINH' }, T1), []);
});

test('the whole workflow: review, explanation round, finish, archive; views and results', () => {
  const s = set();
  const d = submitted(s);
  assert.equal(d.state, 'self_assessed');
  d.execute(
    s,
    REVIEWER,
    {
      type: 'save_review',
      entries: [
        { criterion: '1.1', case: 'b', opinion: 'Chậm 3 ngày', request_explanation: true, request_note: 'Giải trình lý do chậm' },
        { criterion: '1.2', value: '85' },
        { criterion: '1.3.1', value: '80' },
        { criterion: '2.1', case: 'a' },
      ],
    },
    T1,
  );
  // Before the review is released the unit sees neither review scores nor pending flags.
  const hidden = d.view(UNIT);
  assert.equal(hidden.format, 'chamdiem.view');
  assert.equal(hidden.role, 'unit');
  assert.equal(hidden.review_visible, false);
  assert.equal(hidden.dossier.entries[0].review, undefined);
  assert.equal(hidden.dossier.entries[0].request, undefined);
  assert.equal(d.view(REVIEWER).dossier.entries[0].review.case, 'b');
  throwsChamdiem(() => d.view(OTHER_UNIT), pkg.ForbiddenError);

  const unitResults = d.results(s, { actor: UNIT });
  assert.equal(unitResults.review_visible, false);
  assert.equal(unitResults.total.review, undefined);

  d.execute(s, REVIEWER, { type: 'request_explanation', deadline: '2026-04-15T10:00:00Z' }, T1);
  assert.equal(d.state, 'explanation_requested');
  assert.equal(d.view(UNIT).dossier.entries[0].request.round, 1);
  d.execute(
    s,
    UNIT,
    { type: 'save_explanation', entries: [{ criterion: '1.1', explanation: 'Do sáp nhập phòng', explained: true }] },
    T1,
  );
  const notAsked = throwsChamdiem(
    () => d.execute(s, UNIT, { type: 'save_explanation', entries: [{ criterion: '1.2', explanation: 'x' }] }, T1),
    pkg.GuardFailedError,
  );
  assert.deepEqual(notAsked.missing.map((m) => m.code), ['not_requested']);
  d.execute(s, UNIT, { type: 'finish_explanation' }, T1);
  assert.equal(d.explanationFinished, true);
  d.execute(s, REVIEWER, { type: 'save_review', entries: [{ criterion: '1.1', case: 'a', request_explanation: false }] }, T1);
  d.execute(s, REVIEWER, { type: 'finish_review' }, T1);
  assert.equal(d.state, 'reviewed');
  assert.equal(d.reviewReleased, true);
  assert.equal(d.view(UNIT).review_visible, true);

  const r = d.results(s);
  assert.equal(r.format, 'chamdiem.results');
  assert.equal(r.dossier, '2026/SO-TC');
  assert.equal(r.state, 'reviewed');
  // Self: 2 + 2 + 1.8 + bonus 1.5 capped at 1 = 6.8 of 7; review: 2 + 1 + 1.8 + 1 = 5.8.
  assert.deepEqual(r.total.self, { points: '6.8', max: '7', percent: '97.14', applicable: true });
  assert.deepEqual(r.total.review, { points: '5.8', max: '7', percent: '82.86', applicable: true });
  assert.deepEqual(r.total.first_review, { points: '4.55', max: '7', percent: '65.00', applicable: true });
  assert.deepEqual(r.total.final, r.total.review);
  assert.deepEqual(r.classification, { self: 'Xuất sắc', first_review: 'Khá', review: 'Tốt', final: 'Tốt' });
  const bonus = r.groups.find((g) => g.code === '2');
  assert.deepEqual([bonus.kind, bonus.cap, bonus.self.points, bonus.self.max], ['bonus', '1', '1', '0']);
  assert.deepEqual(r.differences, [{ criterion: '1.2', self: '2', review: '1', difference: '-1' }]);
  assert.deepEqual(r.unscored, { self: [], review: [] });
  const c11 = r.criteria.find((c) => c.code === '1.1');
  assert.equal(c11.explanation_requested, true);
  assert.deepEqual(c11.first_review, { case: 'b', points: '0.75' });

  const onlyRequested = d.results(s, { filter: { explanation_requested: true } });
  assert.deepEqual(onlyRequested.criteria.map((c) => c.code), ['1.1']);
  const group13 = d.results(s, { filter: { group: '1.3' } });
  assert.deepEqual(group13.groups.map((g) => g.code), ['1.3']);
  assert.deepEqual(group13.criteria.map((c) => c.code), ['1.3.1']);
  throwsChamdiem(() => d.results(s, { filter: { group: '9' } }), pkg.InvalidInputError);

  assert.deepEqual(d.history('1.1').map((e) => e.change.type), [
    'evidence_attached',
    'self_saved',
    'review_saved',
    'explanation_requested',
    'explanation_saved',
    'review_saved',
  ]);
  d.execute(s, REVIEWER, { type: 'archive' }, T1);
  assert.equal(d.state, 'completed');
  throwsChamdiem(() => d.execute(s, REVIEWER, { type: 'reopen' }, T1), pkg.WrongStateError);
});

test('precheck lists blockers and warnings, against last period’s results', () => {
  const s = set();
  const d = open(s);
  d.execute(s, UNIT, { type: 'save_self', entries: [{ criterion: '1.1', case: 'a' }] }, T1);
  const p = d.precheck(s);
  assert.deepEqual(p.blockers.map((b) => [b.code, b.criterion]), [
    ['evidence', '1.1'],
    ['self_score', '1.2'],
    ['self_score', '1.3.1'],
    ['self_score', '2.1'],
  ]);
  assert.deepEqual(p.warnings.map((w) => [w.code, w.criterion]), [['full_points_without_evidence', '1.1']]);
  const last = open(s, { ...SPEC, id: '2025/SO-TC', period: '2025' });
  last.execute(s, UNIT, { type: 'save_self', entries: [{ criterion: '1.1', case: 'b' }] }, T1);
  const withPrevious = d.precheck(s, last.results(s));
  assert.ok(withPrevious.warnings.some((w) => w.code === 'above_last_review' && w.criterion === '1.1'));
  assert.deepEqual(d.precheck(s, null), p);
});

test('a dossier round-trips through JSON text, plain objects and its history', () => {
  const s = set();
  const d = submitted(s);
  const text = d.toJson();
  assert.equal(typeof text, 'string');
  assert.deepEqual(JSON.parse(text), d.toObject());
  assert.equal(Dossier.fromJson(text).toJson(), text);
  // Through storage as plain JSON (what a portal does with its own database).
  const stored = JSON.parse(JSON.stringify(d.toObject()));
  const back = Dossier.fromObject(stored);
  assert.equal(back.toJson(), text);
  assert.equal(back.state, 'self_assessed');
  assert.equal(Dossier.replay(d.history()).toJson(), text);
  // The copy is independent.
  back.execute(s, UNIT, { type: 'withdraw' }, T1);
  assert.equal(back.state, 'self_assessment');
  assert.equal(d.state, 'self_assessed');
  // Wrong documents.
  throwsChamdiem(() => Dossier.fromJson('{}'), pkg.InvalidInputError);
  throwsChamdiem(() => Dossier.fromObject({ ...stored, format_version: 2 }), pkg.InvalidInputError);
  throwsChamdiem(() => Dossier.replay([]), pkg.InvalidInputError);
  // A dossier of another set.
  const other = CriteriaSet.fromObject({ ...SET, revision: 3 });
  throwsChamdiem(() => d.results(other), pkg.InvalidInputError);
});

function period() {
  const s = set();
  const a = submitted(s);
  const b = submitted(s, { ...SPEC, id: '2026/SO-XD', unit: 'SO-XD' });
  const c = open(s, { ...SPEC, id: '2026/SO-YT', unit: 'SO-YT' });
  const yt = { id: 'SO-YT', code: 'SO-YT', name: 'Sở Y tế', kind: 'department', parent: 'TINH' };
  return { s, dossiers: [a, b, c], units: [SO_TC, SO_XD, yt] };
}

test('rank ranks by final points; equal totals share a rank, then by unit code', () => {
  const { s, dossiers, units } = period();
  const items = dossiers.map((d, i) => ({ unit: units[i], results: d.results(s) }));
  const ranking = rank(items.slice().reverse());
  assert.equal(ranking.format, 'chamdiem.ranking');
  assert.equal(ranking.tables.length, 1);
  assert.deepEqual(ranking.tables[0].criteria_set, { id: 'api-test', revision: 2 });
  assert.deepEqual(
    ranking.tables[0].rows.map((r) => [r.rank, r.unit_code, r.points, r.percent, r.classification]),
    [
      [1, 'SO-TC', '6.8', '97.14', 'Xuất sắc'],
      [1, 'SO-XD', '6.8', '97.14', 'Xuất sắc'],
      [3, 'SO-YT', '0', '0.00', 'Yếu'],
    ],
  );
  assert.equal(ranking.tables[0].rows[0].unit_name, 'Sở Tài chính');
  throwsChamdiem(() => rank([{ unit: SO_TC }]), pkg.InvalidInputError);
});

test('evaluate and evaluateAsync give the results of a period and their ranking', async () => {
  const { s, dossiers, units } = period();
  const e = evaluate([s], units, dossiers);
  assert.equal(e.results.length, 3);
  assert.deepEqual(e.results.map((r) => r.dossier), ['2026/SO-TC', '2026/SO-XD', '2026/SO-YT']);
  assert.deepEqual(e.results[0], dossiers[0].results(s));
  assert.deepEqual(e.ranking, rank(dossiers.map((d, i) => ({ unit: units[i], results: d.results(s) }))));

  const pending = evaluateAsync([s], units, dossiers);
  assert.ok(pending instanceof Promise);
  // The evaluation is of the dossiers as they were at the call.
  dossiers[2].execute(s, { user: 'yt', role: 'unit', unit: 'SO-YT' }, { type: 'save_self', entries: [{ criterion: '1.1', case: 'a' }] }, T1);
  assert.deepEqual(await pending, e);

  const noUnit = throwsChamdiem(() => evaluate([s], units.slice(0, 2), dossiers), pkg.NotFoundError);
  assert.deepEqual([noUnit.kind, noUnit.id], ['unit', 'SO-YT']);
  throwsChamdiem(() => evaluate([], units, dossiers), pkg.NotFoundError);
  await assert.rejects(evaluateAsync([s], [], dossiers), (err) => {
    assert.ok(err instanceof pkg.NotFoundError);
    assert.equal(err.code, 'not_found');
    assert.equal(err.kind, 'unit');
    return true;
  });
  assert.deepEqual(await evaluateAsync([s], [], []), evaluate([s], [], []));

  // Totals, groups and ranking only: the per-criterion lists are left out.
  const full = evaluate([s], units, dossiers);
  const totals = evaluate([s], units, dossiers, { criteria: false });
  assert.deepEqual(totals.ranking, full.ranking);
  totals.results.forEach((r, i) => {
    assert.deepEqual(r.criteria, []);
    assert.deepEqual({ ...r, criteria: full.results[i].criteria }, full.results[i]);
  });
  assert.deepEqual(await evaluateAsync([s], units, dossiers, { criteria: false }), totals);
  assert.deepEqual(evaluate([s], units, dossiers, { criteria: true }), full);
  throwsChamdiem(() => evaluate([s], units, dossiers, { details: false }), pkg.InvalidInputError);
});

test('arguments of the wrong JavaScript type throw an Error that is not a ChamdiemError', () => {
  const s = set();
  const d = open(s);
  for (const call of [
    () => d.execute({}, UNIT, { type: 'submit' }, T1),
    () => d.execute(s, UNIT, { type: 'submit' }, 5),
    () => CriteriaSet.fromJson(42),
    () => evaluate([{}], [], []),
  ]) {
    assert.throws(call, (e) => e instanceof Error && !(e instanceof ChamdiemError));
  }
});
