"""The object API: criteria sets, dossiers and the workflow, results, rankings, conversions."""

from __future__ import annotations

import copy
import datetime
import json
import threading
from decimal import Decimal
from typing import Dict

import pytest

import chamdiem as cd
from conftest import NOW, SETS, SPEC, attach_required, first_cases

UTC = datetime.timezone.utc
ICT = datetime.timezone(datetime.timedelta(hours=7))


# -- criteria sets --------------------------------------------------------------------------


def test_a_set_loads_from_every_form_and_they_agree(iso: cd.CriteriaSet) -> None:
    from_json = cd.CriteriaSet.from_json((SETS / "iso-so-2026.json").read_text("utf-8"))
    from_dict = cd.CriteriaSet.from_dict(json.loads((SETS / "iso-so-2026.json").read_text("utf-8")))
    from_compact = cd.CriteriaSet.from_compact((SETS / "iso-so-2026.toml").read_text("utf-8"))
    parsed = cd.CriteriaSet.parse(iso.to_json())
    assert iso == from_json == from_dict == from_compact == parsed
    assert cd.CriteriaSet.from_compact(iso.to_compact()) == iso
    assert cd.CriteriaSet.from_dict(iso.to_dict()) == iso
    assert json.loads(iso.to_json(indent=True)) == iso.to_dict()
    assert iso != object()


def test_a_set_iterates_groups_and_criteria(iso: cd.CriteriaSet) -> None:
    assert iso.id == "iso-so-2026" and iso.revision == 1 and iso.precision == 2
    assert len(iso) == len(iso.criteria()) == 47
    assert [c.code for c in iso] == [c.code for c in iso.criteria()]
    assert "1.1" in iso and "9.9.9" not in iso
    top = iso.top_groups()
    assert [g.depth for g in top] == [0] * len(top)
    groups = iso.groups()
    assert {g.code for g in top} <= {g.code for g in groups}
    g = iso.group("1")
    assert g is not None and g.parent is None and g.kind == "standard"
    assert g.all_criteria[:2] == ["1.1", "1.2"]
    c = iso.criterion("1.1")
    assert c is not None and c.group == "1"
    assert isinstance(c.max, Decimal) and c.max == Decimal("2")
    assert [x.code for x in c.cases] == ["a", "b", "c"]
    case = c.case("b")
    assert case is not None and case.points == Decimal("1") and not case.not_applicable
    assert iso.criterion("nope") is None and iso.group("nope") is None
    assert [b.label for b in iso.bands][0] == "Xuất sắc"
    assert isinstance(iso.bands[0].min_percent, Decimal)
    assert c.to_dict()["code"] == "1.1" and g.to_dict()["code"] == "1"
    assert "CriteriaSet(" in repr(iso) and "Criterion(" in repr(c)


def test_valued_criteria_expose_their_range(cchc: cd.CriteriaSet) -> None:
    valued = [c for c in cchc if c.kind != "choice"]
    assert valued
    for c in valued:
        assert c.value_min is None or isinstance(c.value_min, Decimal)
    scaled = [c for c in cchc if c.kind == "scaled"]
    assert scaled and scaled[0].scale is not None
    banded = [c for c in cchc if c.kind == "banded"]
    assert banded and any(case.range for case in banded[0].cases)


def test_classify_compares_exactly(iso: cd.CriteriaSet) -> None:
    assert iso.classify(90, 100) == "Xuất sắc"
    assert iso.classify(Decimal("89.995"), 100) == "Tốt"
    assert iso.classify("1", "3") == "Yếu"
    with pytest.raises(TypeError, match="float"):
        iso.classify(89.9, 100)  # type: ignore[arg-type]


# -- dossiers and the workflow ----------------------------------------------------------------


def test_the_whole_workflow(iso: cd.CriteriaSet, dossier: cd.Dossier, actors: Dict[str, cd.Actor]) -> None:
    unit, reviewer = actors["unit"], actors["reviewer"]
    assert dossier.state == "self_assessment" and dossier.version == 1
    assert dossier.state_label == "Cấp Sở tự chấm"
    assert dossier.self_deadline == datetime.datetime(2026, 3, 31, 17, tzinfo=UTC)
    events = dossier.execute(iso, unit, {"type": "save_self", "base_version": 1,
                                         "entries": first_cases(iso)}, NOW)
    assert len(events) == 47 and {e.type for e in events} == {"self_saved"}
    assert dossier.version == 2
    attach_required(dossier, iso, unit)
    pre = dossier.precheck(iso)
    assert pre.ok and pre.blockers == []
    submitted = dossier.execute(iso, unit, cd.Command({"type": "submit"}), NOW)
    assert [e.type for e in submitted] == ["submitted"]
    assert submitted[0].from_state == "self_assessment" and submitted[0].to_state == "self_assessed"
    allowed = {a.command for a in dossier.available_actions(iso, reviewer, NOW) if a.allowed}
    assert "finish_review" not in allowed and "save_review" in allowed
    refused = {a.command: a for a in dossier.available_actions(iso, reviewer, NOW)}
    reason = refused["finish_review"].reason
    assert isinstance(reason, cd.GuardFailed) and reason.missing[0].code == "review_score"
    assert refused["finish_review"].label == "Tỉnh chấm xong"
    review = [{"criterion": c.code, "case": c.cases[-1].code} if c.kind == "choice"
              else {"criterion": c.code, "value": "10"} for c in iso]
    review[0]["request_explanation"] = True
    review[0]["request_note"] = "Bổ sung minh chứng"
    dossier.execute(iso, reviewer, json.dumps({"type": "save_review", "entries": review}), NOW)
    dossier.execute(iso, reviewer, {"type": "request_explanation",
                                    "deadline": datetime.datetime(2026, 4, 15, tzinfo=ICT)}, NOW)
    assert dossier.state == "explanation_requested"
    entry = dossier.entry("1.1")
    assert entry is not None and entry.flagged and entry.request_round == 1
    assert entry.request_note == "Bổ sung minh chứng"
    dossier.execute(iso, unit, {"type": "save_explanation", "entries": [
        {"criterion": "1.1", "explanation": "Đã bổ sung", "explained": True}]}, NOW)
    dossier.execute(iso, unit, {"type": "finish_explanation"}, NOW)
    dossier.execute(iso, reviewer, {"type": "finish_review"}, NOW)
    dossier.execute(iso, reviewer, {"type": "archive"}, NOW)
    assert dossier.state == "completed"
    r = dossier.results(iso)
    assert r.state == "completed" and r.review_visible
    assert r.total.first_review is not None and r.total.review is not None
    assert isinstance(r.total.final_track.points, Decimal)
    assert r.differences and isinstance(r.differences[0].difference, Decimal)
    assert r.unscored == {"self": [], "review": []}
    assert len(dossier.rounds) == 1 and dossier.rounds[0]["number"] == 1
    assert len(dossier.report) == 0
    hist = dossier.history()
    assert len(hist) == dossier.history().to_list().__len__()
    assert hist[0].type == "opened" and hist[-1].type == "archived"
    assert [e.version for e in dossier.history("1.1")] == sorted(e.version for e in dossier.history("1.1"))
    assert isinstance(hist[-1].at, datetime.datetime) and hist[-1].at.tzinfo is not None
    assert hist[1].actor == unit and hist[1].change["type"] == "self_saved"


def test_decide_does_not_change_and_apply_does(iso: cd.CriteriaSet, dossier: cd.Dossier, actors: Dict[str, cd.Actor]) -> None:
    before = dossier.to_json()
    events = dossier.decide(iso, actors["unit"], {"type": "save_self", "entries": [
        {"criterion": "1.1", "case": "a"}]}, NOW)
    assert dossier.to_json() == before and len(events) == 1
    dossier.apply(events)
    assert dossier.version == 2
    e = dossier.entry("1.1")
    assert e is not None and e.self_case == "a" and e.changed_by == "so.tc" and e.version == 2
    # Events given as dicts work too.
    other = cd.Dossier.replay([ev.to_dict() for ev in dossier.history()])
    assert other == dossier


def test_a_refused_command_changes_nothing(iso: cd.CriteriaSet, dossier: cd.Dossier, actors: Dict[str, cd.Actor]) -> None:
    before = dossier.to_json()
    with pytest.raises(cd.UnknownCase) as e:
        dossier.execute(iso, actors["unit"], {"type": "save_self", "entries": [
            {"criterion": "1.1", "case": "zz"}]}, NOW)
    assert e.value.known == ["a", "b", "c"]
    assert dossier.to_json() == before


def test_views_hide_the_review_until_released(iso: cd.CriteriaSet, dossier: cd.Dossier, actors: Dict[str, cd.Actor]) -> None:
    unit, reviewer = actors["unit"], actors["reviewer"]
    dossier.execute(iso, unit, {"type": "save_self", "entries": first_cases(iso)}, NOW)
    attach_required(dossier, iso, unit)
    dossier.execute(iso, unit, {"type": "submit"}, NOW)
    dossier.execute(iso, reviewer, {"type": "save_review", "entries": [{"criterion": "1.1", "case": "c"}]}, NOW)
    v = dossier.view(unit)
    assert v.role == "unit" and not v.review_visible
    entry = v.dossier.entry("1.1")
    assert entry is not None and entry.review_case is None
    assert dossier.results(iso, actor=unit).total.review is None
    assert v.results(iso).total.review is None
    assert dossier.view(reviewer).review_visible
    assert dossier.results(iso, actor=reviewer).total.review is not None
    with pytest.raises(cd.Forbidden):
        dossier.view(actors["other_unit"])
    assert v.to_dict()["review_visible"] is False and json.loads(v.to_json())["role"] == "unit"


def test_results_filter_by_group(iso: cd.CriteriaSet, dossier: cd.Dossier) -> None:
    r = dossier.results(iso, group="2")
    assert {g.code for g in r.groups} >= {"2"} and all(c.group.startswith("2") for c in r.criteria)
    assert r.filtered(explanation_requested=True).criteria == []
    with pytest.raises(cd.InvalidInput):
        dossier.results(iso, group="no-such-group")
    full = dossier.results(iso)
    assert full.group("1") is not None and full.criterion("1.1") is not None
    assert full.group("x") is None and full.criterion("x") is None
    assert cd.Results.from_json(full.to_json()) == full
    assert cd.results(iso, dossier) == full


def test_precheck_lists_blockers(iso: cd.CriteriaSet, dossier: cd.Dossier) -> None:
    p = dossier.precheck(iso)
    assert not p.ok and p.blockers[0].code == "self_score"
    assert isinstance(p.blockers[0], cd.Missing)
    assert p.to_dict()["blockers"][0]["code"] == "self_score"


def test_dossier_json_dict_and_copies(dossier: cd.Dossier) -> None:
    assert cd.Dossier.from_json(dossier.to_json()) == dossier
    assert cd.Dossier.from_dict(dossier.to_dict()) == dossier
    c = dossier.copy()
    assert c == dossier and c is not dossier
    assert copy.deepcopy(dossier) == dossier and copy.copy(dossier) == dossier
    assert dossier.criteria_set == ("iso-so-2026", 1)
    assert "<table" in dossier._repr_html_()


# -- conversions ------------------------------------------------------------------------------


def test_instants_aware_datetimes_and_strings(iso: cd.CriteriaSet, actors: Dict[str, cd.Actor]) -> None:
    a = cd.Dossier.open(SPEC, iso, actors["admin"], datetime.datetime(2026, 1, 5, 8, tzinfo=ICT))
    b = cd.Dossier.open(SPEC, iso, actors["admin"], "2026-01-05T01:00:00Z")
    assert a == b
    assert a.history()[0].at == datetime.datetime(2026, 1, 5, 1, tzinfo=UTC)
    with pytest.raises(TypeError, match="naive datetime"):
        cd.Dossier.open(SPEC, iso, actors["admin"], datetime.datetime(2026, 1, 5, 8))
    with pytest.raises(TypeError, match="date is not an instant"):
        cd.Dossier.open(SPEC, iso, actors["admin"], datetime.date(2026, 1, 5))  # type: ignore[arg-type]
    with pytest.raises(cd.InvalidInput) as e:
        cd.Dossier.open(SPEC, iso, actors["admin"], "2026-01-05")
    assert isinstance(e.value, ValueError) and e.value.path == "now"
    # Milliseconds survive; sub-milliseconds are truncated.
    t = datetime.datetime(2026, 1, 5, 1, 0, 0, 123456, tzinfo=UTC)
    c = cd.Dossier.open(SPEC, iso, actors["admin"], t)
    assert c.history()[0].at == datetime.datetime(2026, 1, 5, 1, 0, 0, 123000, tzinfo=UTC)


def test_decimals_never_floats(iso: cd.CriteriaSet, cchc: cd.CriteriaSet, actors: Dict[str, cd.Actor]) -> None:
    spec = dict(SPEC, id="2026/H-YD", unit="H-YD")
    d = cd.Dossier.open(spec, cchc, actors["admin"], NOW)
    officer = cd.Actor("h.yd", "unit", "H-YD")
    valued = next(c for c in cchc if c.kind != "choice")
    d.execute(cchc, officer, {"type": "save_self", "entries": [
        {"criterion": valued.code, "value": Decimal("92.5")}]}, NOW)
    e = d.entry(valued.code)
    assert e is not None and e.self_value == Decimal("92.5") and isinstance(e.self_value, Decimal)
    with pytest.raises(TypeError, match="float"):
        d.execute(cchc, officer, {"type": "save_self", "entries": [
            {"criterion": valued.code, "value": 92.5}]}, NOW)
    # Strings and ints are exact too.
    d.execute(cchc, officer, {"type": "save_self", "entries": [{"criterion": valued.code, "value": 91}]}, NOW)
    d.execute(cchc, officer, {"type": "save_self", "entries": [{"criterion": valued.code, "value": "90.25"}]}, NOW)
    e = d.entry(valued.code)
    assert e is not None and e.self_value == Decimal("90.25")


def test_commands_and_actors_in_every_form(iso: cd.CriteriaSet, dossier: cd.Dossier) -> None:
    unit_dict = {"user": "so.tc", "role": "unit", "unit": "SO-TC"}
    cmd = cd.Command({"type": "save_self", "entries": [{"criterion": "1.1", "case": "a"}]})
    assert cmd.name == "save_self" and cmd.role == "unit"
    assert cd.Command(cmd.to_json()).to_dict() == cmd.to_dict()
    dossier.execute(iso, unit_dict, cmd, NOW)
    with pytest.raises(TypeError, match="command"):
        dossier.execute(iso, unit_dict, 42, NOW)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="actor"):
        dossier.execute(iso, "so.tc", cmd, NOW)  # type: ignore[arg-type]
    with pytest.raises(cd.InvalidInput):
        dossier.execute(iso, unit_dict, "{not json", NOW)
    with pytest.raises(cd.InvalidInput, match="unknown command type"):
        dossier.execute(iso, unit_dict, {"type": "teleport"}, NOW)
    with pytest.raises(cd.InvalidInput, match="role"):
        cd.Actor("x", "superuser", "TINH")
    a = cd.Actor("so.tc", "unit", "SO-TC")
    assert a.to_dict() == unit_dict and hash(a) == hash(cd.Actor("so.tc", "unit", "SO-TC"))


def test_units_periods_and_opening_through_a_period(iso: cd.CriteriaSet, cchc: cd.CriteriaSet, actors: Dict[str, cd.Actor]) -> None:
    u = cd.Unit("SO-TC", "SO-TC", "Sở Tài chính", "department", parent="TINH")
    assert cd.Unit.from_dict(u.to_dict()) == u and u.kind == "department"
    with pytest.raises(cd.InvalidInput):
        cd.Unit("X", "X", "X", "galaxy")
    p = cd.Period("2026", "Năm 2026", "TINH", {"department": iso, "district": ("cchc-huyen-2026", 1)},
                  year=2026, self_deadline="2026-03-31T17:00:00Z")
    assert p.criteria_sets == {"department": ("iso-so-2026", 1), "district": ("cchc-huyen-2026", 1)}
    assert p.set_for("department") == ("iso-so-2026", 1) and p.set_for("commune") is None
    assert cd.Period.from_json(p.to_json()) == p and cd.Period.from_dict(p.to_dict()) == p
    d = p.open_dossier("2026/SO-TC", u, iso, actors["admin"], NOW)
    assert d.self_deadline == datetime.datetime(2026, 3, 31, 17, tzinfo=UTC)
    with pytest.raises(cd.InvalidInput):
        p.open_dossier("2026/SO-TC", u, cchc, actors["admin"], NOW)


def test_evaluate_and_rank(iso: cd.CriteriaSet, actors: Dict[str, cd.Actor]) -> None:
    units, dossiers = [], []
    for i, code in enumerate(["SO-A", "SO-B", "SO-C"]):
        units.append(cd.Unit(code, code, f"Sở {code}", "department"))
        d = cd.Dossier.open(dict(SPEC, id=f"2026/{code}", unit=code), iso, actors["admin"], NOW)
        entries = [{"criterion": c.code, "case": c.cases[min(i, len(c.cases) - 1)].code}
                   for c in iso if c.kind == "choice"]
        d.execute(iso, cd.Actor("u", "unit", code), {"type": "save_self", "entries": entries}, NOW)
        dossiers.append(d)
    ev = cd.evaluate([iso], units, dossiers)
    assert len(ev.results) == 3 and ev.results[0].dossier == "2026/SO-A"
    assert ev.results.get("2026/SO-B") is not None and ev.results.get("x") is None
    table = ev.ranking.tables[0]
    assert table.criteria_set == ("iso-so-2026", 1)
    assert [r.unit for r in table.rows] == ["SO-A", "SO-B", "SO-C"]
    assert [r.rank for r in table.rows] == [1, 2, 3]
    assert ev.ranking.table("iso-so-2026") is not None and ev.ranking.table("nope") is None
    again = cd.rank(zip(units, ev.results))
    assert again.to_dict() == ev.ranking.to_dict()
    assert "<table" in ev.ranking._repr_html_() and "<table" in ev.results[0]._repr_html_()
    # Without the per-criterion lists: the same totals and ranking.
    lean = cd.evaluate([iso], units, dossiers, criteria=False)
    assert lean.ranking.to_dict() == ev.ranking.to_dict()
    assert [r.to_dict()["total"] for r in lean.results] == [r.to_dict()["total"] for r in ev.results]
    assert lean.results[0].to_dict()["criteria"] == [] and ev.results[0].to_dict()["criteria"] != []
    with pytest.raises(cd.NotFound):
        cd.evaluate([iso], units[:1], dossiers)


def test_evaluate_releases_the_gil(iso: cd.CriteriaSet, actors: Dict[str, cd.Actor]) -> None:
    units = [cd.Unit("SO-A", "SO-A", "A", "department")]
    d = cd.Dossier.open(dict(SPEC, id="2026/SO-A", unit="SO-A"), iso, actors["admin"], NOW)
    errors = []

    def work() -> None:
        try:
            for _ in range(50):
                cd.evaluate([iso], units, [d])
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_module_constants() -> None:
    assert cd.ERROR_CODES[0] == "wrong_state" and "storage" in cd.ERROR_CODES
    assert cd.STATES[0] == "self_assessment" and cd.STATE_LABELS["completed"].startswith("Hoàn thành")
    assert cd.__version__
    for name in cd.__all__:
        assert hasattr(cd, name), name
