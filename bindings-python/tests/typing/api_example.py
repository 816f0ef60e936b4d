"""An example that uses the whole public API with precise types.

``mypy --strict`` checks it against the stubs (scripts/test-python.sh), and
``tests/test_typing.py`` runs it, so the stubs and the runtime must agree.
"""

from __future__ import annotations

import datetime
import decimal
import pathlib
import tempfile
from typing import Dict, List, Optional, Tuple

import pandas as pd

import chamdiem as cd
from chamdiem import exceptions

UTC = datetime.timezone.utc


def load_sets(folder: pathlib.Path) -> Tuple[cd.CriteriaSet, cd.CriteriaSet]:
    iso = cd.CriteriaSet.load(folder / "iso-so-2026.toml")
    text = (folder / "cchc-huyen-2026.json").read_text("utf-8")
    cchc = cd.CriteriaSet.from_json(text)
    assert cd.CriteriaSet.parse(iso.to_compact()) == iso
    assert cd.CriteriaSet.from_compact(iso.to_compact()) == cd.CriteriaSet.from_dict(iso.to_dict())
    return iso, cchc


def walk_the_set(cs: cd.CriteriaSet) -> Dict[str, decimal.Decimal]:
    maxima: Dict[str, decimal.Decimal] = {}
    for group in cs.groups():
        parent: Optional[str] = group.parent
        cap: Optional[decimal.Decimal] = group.cap
        _ = (group.code, group.title, group.description, group.kind, group.depth, parent, cap,
             group.subgroups, group.criteria, group.all_criteria, group.to_dict())
    for top in cs.top_groups():
        assert top.depth == 0
    for criterion in cs:
        maxima[criterion.code] = criterion.max
        _c = (criterion.title, criterion.guidance, criterion.kind, criterion.evidence,
              criterion.group, criterion.min, criterion.value_unit, criterion.value_min,
              criterion.value_max, criterion.scale, criterion.to_dict())
        for case in criterion.cases:
            points: decimal.Decimal = case.points
            _k = (case.code, case.label, points, case.not_applicable, case.range, case.to_dict())
        if criterion.cases:
            assert criterion.case(criterion.cases[0].code) is not None
    band: cd.Band
    for band in cs.bands:
        _b: Tuple[str, decimal.Decimal] = (band.label, band.min_percent)
    label: Optional[str] = cs.classify(decimal.Decimal("90"), 100)
    assert label is not None
    _s = (cs.id, cs.revision, cs.name, cs.description, cs.precision,
          cs.explanation_instead_of_evidence, len(cs), "1.1" in cs, cs.group("1"),
          cs.criterion("1.1"), cs.to_json(indent=True))
    return maxima


def self_entries(cs: cd.CriteriaSet) -> List[Dict[str, str]]:
    return [
        {"criterion": c.code, "case": c.cases[0].code} if c.kind == "choice"
        else {"criterion": c.code, "value": "95"}
        for c in cs
    ]


def workflow(cs: cd.CriteriaSet, period: cd.Period, unit: cd.Unit) -> cd.Dossier:
    admin = cd.Actor("admin", "admin", "TINH")
    officer = cd.Actor("so.tc", "unit", unit.id)
    reviewer = cd.Actor("tinh.tt", "reviewer", "TINH")
    now = datetime.datetime(2026, 3, 1, 8, tzinfo=UTC)
    dossier = period.open_dossier(f"{period.id}/{unit.id}", unit, cs, admin, now)
    events: List[cd.Event] = dossier.execute(
        cs, officer, {"type": "save_self", "base_version": dossier.version, "entries": self_entries(cs)}, now
    )
    for c in cs:
        if c.evidence == "required":
            dossier.execute(cs, officer, {"type": "attach_evidence", "criterion": c.code, "evidence": {
                "id": f"ev-{c.code}", "file_name": "a.pdf", "size": 10, "media_type": "application/pdf",
                "sha256": "ab" * 32}}, now)
    precheck: cd.Precheck = dossier.precheck(cs)
    blockers: List[cd.Missing] = precheck.blockers
    warnings: List[cd.PrecheckWarning] = precheck.warnings
    assert precheck.ok and not blockers and isinstance(warnings, list)
    submit = cd.Command({"type": "submit"})
    _cmd = (submit.name, submit.role, submit.to_json(), submit.to_dict())
    planned = dossier.decide(cs, officer, submit, "2026-03-01T08:00:00Z")
    dossier.apply(planned)
    for action in dossier.available_actions(cs, reviewer, now):
        reason: Optional[cd.Error] = action.reason
        _a = (action.command, action.label, action.allowed, reason, action.to_dict())
    try:
        dossier.execute(cs, officer, {"type": "withdraw"}, now)
        dossier.execute(cs, officer, {"type": "withdraw"}, now)
    except cd.WrongState as e:
        _w: Tuple[str, str, List[str]] = (e.command, e.state, e.allowed)
    except cd.GuardFailed as g:
        missing: List[cd.Missing] = g.missing
        _m = [(m.code, m.criterion, m.message) for m in missing]
    if dossier.state == "self_assessment":
        dossier.execute(cs, officer, {"type": "submit"}, now)
    review = [{"criterion": c.code, "case": c.cases[-1].code} if c.kind == "choice"
              else {"criterion": c.code, "value": "50"} for c in cs]
    dossier.execute(cs, reviewer, {"type": "save_review", "entries": review}, now)
    dossier.execute(cs, reviewer, '{"type": "finish_review"}', now)
    view: cd.DossierView = dossier.view(officer)
    _v = (view.role, view.review_visible, view.dossier, view.results(cs), view.to_dict(), view.to_json())
    entry = dossier.entry(cs.criteria()[0].code)
    assert entry is not None
    _e = (entry.criterion, entry.self_case, entry.self_value, entry.self_opinion, entry.evidence,
          entry.review_case, entry.review_value, entry.review_opinion, entry.flagged,
          entry.request_note, entry.request_round, entry.explanation, entry.explained,
          entry.version, entry.changed_by, entry.to_dict())
    _d = (dossier.id, dossier.period, dossier.unit, dossier.assessing_unit, dossier.criteria_set,
          dossier.state_label, dossier.self_deadline, dossier.unit_deadline, dossier.requires_report,
          dossier.explanation_finished, dossier.review_released, dossier.review_started,
          dossier.rounds, dossier.report, len(dossier.entries), dossier.copy())
    for event in events[:1]:
        at: datetime.datetime = event.at
        actor: cd.Actor = event.actor
        _ev = (event.version, at, actor.user, actor.role, actor.unit, event.from_state,
               event.to_state, event.type, event.criterion, event.change)
        assert cd.Event.from_json(event.to_json()) == cd.Event.from_dict(event.to_dict())
    history: cd.History = dossier.history()
    frame: pd.DataFrame = history.to_pandas()
    assert len(frame) == len(history) == len(history.to_list())
    assert cd.Dossier.replay(history) == cd.Dossier.from_json(dossier.to_json())
    assert cd.Dossier.from_dict(dossier.to_dict()) == dossier
    return dossier


def results_and_rankings(cs: cd.CriteriaSet, dossier: cd.Dossier, unit: cd.Unit) -> pd.DataFrame:
    r: cd.Results = dossier.results(cs)
    total: cd.Totals = r.total
    final: cd.Track = total.final_track
    percent: Optional[decimal.Decimal] = final.percent
    review: Optional[cd.Track] = total.review
    _t = (final.points, final.max, percent, final.applicable, total.self_track, total.first_review, review)
    for g in r.groups:
        _g = (g.code, g.title, g.parent, g.depth, g.kind, g.cap, g.totals, g.self_track,
              g.first_review, g.review, g.final_track, g.to_dict())
    for c in r.criteria:
        scored: Optional[cd.Scored] = c.final_score
        if scored is not None:
            _sc = (scored.case, scored.value, scored.points, scored.not_applicable)
        _c = (c.code, c.group, c.max, c.self_score, c.first_review, c.review,
              c.explanation_requested, c.to_dict())
    for diff in r.differences:
        _df: Tuple[str, decimal.Decimal, decimal.Decimal, decimal.Decimal] = (
            diff.criterion, diff.self_points, diff.review_points, diff.difference)
    classification: Dict[str, Optional[str]] = r.classification
    unscored: Dict[str, List[str]] = r.unscored
    _r = (r.dossier, r.unit, r.period, r.criteria_set, r.state, r.review_visible, classification,
          unscored, r.group("1"), r.criterion("1.1"), r.filtered(group="1"), r.to_json(), r.to_dict())
    assert cd.results(cs, dossier) == cd.Results.from_json(r.to_json())
    evaluation: cd.Evaluation = cd.evaluate([cs], [unit], [dossier])
    all_results: cd.PeriodResults = evaluation.results
    ranking: cd.Ranking = cd.rank([(unit, all_results[0])])
    for table in ranking.tables:
        for row in table.rows:
            _row = (row.rank, row.unit, row.unit_code, row.unit_name, row.dossier, row.state,
                    row.points, row.max, row.percent, row.classification, row.self_points,
                    row.review_points)
        _tb = (table.criteria_set, len(table))
    _rk = (ranking.table(cs.id), ranking.to_json(), ranking.to_dict(), all_results.get(dossier.id),
           all_results.to_list(), len(all_results), [x.dossier for x in all_results])
    groups: pd.DataFrame = all_results.to_pandas("groups")
    criteria: pd.DataFrame = r.to_pandas("criteria", exact=True)
    ranks: pd.DataFrame = evaluation.ranking.to_pandas()
    assert len(criteria) == len(cs) and len(ranks) == 1
    return groups


def stores(iso: cd.CriteriaSet, cchc: cd.CriteriaSet, folder: pathlib.Path) -> None:
    memory: cd.Store = cd.MemoryStore()
    sqlite = cd.SqliteStore(folder / "typed.db", synchronous="normal", busy_timeout=2.0)
    for store in (memory, sqlite):
        store.insert_criteria_set(iso)
        store.insert_criteria_set(cchc)
        store.insert_unit(cd.Unit("TINH", "TINH", "Tỉnh", "province"))
        store.insert_unit({"id": "SO-TC", "code": "SO-TC", "name": "Sở Tài chính", "kind": "department",
                           "parent": "TINH"})
        store.update_unit(cd.Unit("SO-TC", "SO-TC", "Sở Tài chính", "department", parent="TINH"))
        period = cd.Period("2026", "Năm 2026", "TINH", {"department": iso, "district": ("cchc-huyen-2026", 1)},
                           year=2026, self_deadline="2026-03-31T17:00:00Z", requires_report=False)
        store.insert_period(period)
        store.update_period(period)
        _p = (period.name, period.year, period.assessing_unit, period.criteria_sets, period.self_deadline,
              period.requires_report, period.set_for("department"), period.to_json(), period.to_dict(),
              cd.Period.from_json(period.to_json()), cd.Period.from_dict(period.to_dict()))
        unit = store.unit("SO-TC")
        dossier = period.open_dossier("2026/SO-TC", unit, iso, cd.Actor("admin", "admin", "TINH"), "2026-03-01T00:00:00Z")
        store.insert_dossier(dossier)
        done: cd.Executed = store.execute("2026/SO-TC", {"user": "u", "role": "unit", "unit": "SO-TC"},
                                          {"type": "save_self", "entries": self_entries(iso)[:3]},
                                          "2026-03-02T00:00:00Z")
        _x = (done.version, done.state, done.events)
        loaded = store.dossier("2026/SO-TC")
        store.save_dossier(loaded, loaded.version)
        summaries: List[cd.DossierSummary] = store.dossiers(period="2026", state="self_assessment", limit=10)
        for s in summaries:
            _s = (s.id, s.period, s.unit, s.assessing_unit, s.criteria_set, s.state, s.version, s.updated_at)
        _q = (store.units(), store.criteria_sets(), store.criteria_set(iso.id, 1), store.period("2026"),
              store.periods(), store.dossier_state("2026/SO-TC"), store.history("2026/SO-TC", "1.1"))
        store.period_results("2026").to_pandas("total")
        store.period_ranking("2026").to_pandas(exact=True)
    versions: List[Tuple[str, int]] = sqlite.schema_versions()
    _sq = (sqlite.path, sqlite.integrity_check(), versions)
    try:
        memory.dossier("nope")
    except cd.NotFound as e:
        _n: Tuple[str, str, str, Dict[str, object]] = (e.kind, e.id, e.code, e.to_dict())
    except exceptions.Error:
        raise


def main() -> None:
    folder = pathlib.Path(__file__).resolve().parents[3] / "tests" / "vectors" / "sets"
    iso, cchc = load_sets(folder)
    walk_the_set(iso)
    unit = cd.Unit("SO-TC", "SO-TC", "Sở Tài chính", "department", parent="TINH")
    period = cd.Period("2026", "Năm 2026", "TINH", {"department": iso})
    dossier = workflow(iso, period, unit)
    results_and_rankings(iso, dossier, unit)
    with tempfile.TemporaryDirectory() as tmp:
        stores(iso, cchc, pathlib.Path(tmp))
    assert cd.ERROR_CODES and cd.STATES and cd.STATE_LABELS and cd.__version__


if __name__ == "__main__":
    main()
