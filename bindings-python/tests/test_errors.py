"""Error mapping: one class per stable code, typed attributes, built-in bases, pickling."""

from __future__ import annotations

import datetime
import pickle
from decimal import Decimal
from typing import Dict

import pytest

import chamdiem as cd
from chamdiem import exceptions
from conftest import NOW, SPEC, first_cases

UTC = datetime.timezone.utc


def test_every_core_code_has_its_own_class() -> None:
    assert set(cd.ERROR_CODES) == set(exceptions.ERROR_CLASSES)
    for code, cls in exceptions.ERROR_CLASSES.items():
        assert cls.code == code and issubclass(cls, cd.Error)
        assert cls.__name__ in exceptions.__all__
    assert len(set(exceptions.ERROR_CLASSES.values())) == len(cd.ERROR_CODES)


@pytest.mark.parametrize(
    "cls, base",
    [
        (cd.InvalidInput, ValueError),
        (cd.InvalidCriteriaSet, ValueError),
        (cd.UnknownCriterion, ValueError),
        (cd.UnknownCase, ValueError),
        (cd.ValueOutOfRange, ValueError),
        (cd.NotFound, LookupError),
    ],
)
def test_builtin_bases(cls: type, base: type) -> None:
    assert issubclass(cls, base) and issubclass(cls, cd.Error)


def test_wrong_state(iso: cd.CriteriaSet, dossier: cd.Dossier, actors: Dict[str, cd.Actor]) -> None:
    with pytest.raises(cd.WrongState) as e:
        dossier.execute(iso, actors["unit"], {"type": "withdraw"}, NOW)
    err = e.value
    assert err.code == "wrong_state" and err.command == "withdraw"
    assert err.state == "self_assessment" and err.allowed == ["self_assessed"]
    assert err.details == {"command": "withdraw", "state": "self_assessment", "allowed": ["self_assessed"]}
    assert str(err) == err.message and "withdraw" in err.message
    assert err.to_dict()["code"] == "wrong_state"


def test_forbidden(iso: cd.CriteriaSet, dossier: cd.Dossier, actors: Dict[str, cd.Actor]) -> None:
    with pytest.raises(cd.Forbidden) as e:
        dossier.execute(iso, actors["other_unit"], {"type": "submit"}, NOW)
    assert e.value.command == "submit" and "SO-TC" in e.value.reason


def test_guard_failed_lists_everything(iso: cd.CriteriaSet, dossier: cd.Dossier, actors: Dict[str, cd.Actor]) -> None:
    with pytest.raises(cd.GuardFailed) as e:
        dossier.execute(iso, actors["unit"], {"type": "submit"}, NOW)
    missing = e.value.missing
    assert e.value.command == "submit"
    assert all(isinstance(m, cd.Missing) for m in missing)
    assert {m.code for m in missing} == {"self_score"} and len(missing) == len(iso)
    assert missing[0].criterion == "1.1" and missing[0].message
    assert len(e.value.details["missing"]) == len(missing)


def test_unknown_criterion_and_value_out_of_range(cchc: cd.CriteriaSet, actors: Dict[str, cd.Actor]) -> None:
    d = cd.Dossier.open(dict(SPEC, unit="H-YD"), cchc, actors["admin"], NOW)
    officer = cd.Actor("h", "unit", "H-YD")
    with pytest.raises(cd.UnknownCriterion) as e:
        d.execute(cchc, officer, {"type": "save_self", "entries": [{"criterion": "99", "case": "a"}]}, NOW)
    assert e.value.criterion == "99"
    valued = next(c for c in cchc if c.kind != "choice" and c.value_max is not None)
    with pytest.raises(cd.ValueOutOfRange) as e2:
        d.execute(cchc, officer, {"type": "save_self", "entries": [
            {"criterion": valued.code, "value": "1000"}]}, NOW)
    err = e2.value
    assert err.value == Decimal("1000") and isinstance(err.max, Decimal) and err.max == valued.value_max
    assert err.details["value"] == "1000"
    with pytest.raises(ValueError):
        d.execute(cchc, officer, {"type": "save_self", "entries": [{"criterion": valued.code, "value": "-5"}]}, NOW)


def test_deadline_passed(iso: cd.CriteriaSet, dossier: cd.Dossier, actors: Dict[str, cd.Actor]) -> None:
    late = datetime.datetime(2026, 4, 2, tzinfo=UTC)
    with pytest.raises(cd.DeadlinePassed) as e:
        dossier.execute(iso, actors["unit"], {"type": "save_self", "entries": first_cases(iso)}, late)
    assert e.value.deadline == datetime.datetime(2026, 3, 31, 17, tzinfo=UTC)
    assert e.value.now == late and e.value.command == "save_self"
    # An admin moves the deadline; the unit works again.
    dossier.execute(iso, actors["admin"], {"type": "unlock", "reason": "ốm", "deadline": "2026-04-30T17:00:00Z"}, late)
    dossier.execute(iso, actors["unit"], {"type": "save_self", "entries": first_cases(iso)[:1]}, late)


def test_version_conflict(iso: cd.CriteriaSet, dossier: cd.Dossier) -> None:
    a = cd.Actor("a", "unit", "SO-TC")
    b = cd.Actor("b", "unit", "SO-TC")
    dossier.execute(iso, a, {"type": "save_self", "base_version": 1, "entries": [{"criterion": "1.1", "case": "a"}]}, NOW)
    with pytest.raises(cd.VersionConflict) as e:
        dossier.execute(iso, b, {"type": "save_self", "base_version": 1, "entries": [{"criterion": "1.1", "case": "b"}]}, NOW)
    err = e.value
    assert (err.criterion, err.base_version, err.current_version, err.changed_by) == ("1.1", 1, 2, "a")


def test_invalid_criteria_set_names_the_offending_code() -> None:
    text = """
id = "x"
name = "X"
[[group]]
code = "1"
title = "Một"
[[criterion]]
code = "1.1"
group = "1"
title = "A"
cases = [ { code = "a", label = "A", points = 1 } ]
[[criterion]]
code = "1.1"
group = "1"
title = "B"
cases = [ { code = "a", label = "A", points = 1 } ]
"""
    with pytest.raises(cd.InvalidCriteriaSet) as e:
        cd.CriteriaSet.from_compact(text)
    assert e.value.offending_code == "1.1" and isinstance(e.value, ValueError)
    assert e.value.path
    with pytest.raises(cd.InvalidCriteriaSet):
        cd.CriteriaSet.from_json('{"format": "chamdiem.criteria_set"}')


def test_not_found_and_already_exists() -> None:
    store = cd.MemoryStore()
    with pytest.raises(cd.NotFound) as e:
        store.dossier("nope")
    assert (e.value.kind, e.value.id) == ("dossier", "nope") and isinstance(e.value, LookupError)
    store.insert_unit(cd.Unit("TINH", "TINH", "Tỉnh", "province"))
    with pytest.raises(cd.AlreadyExists) as e2:
        store.insert_unit(cd.Unit("TINH", "TINH", "Tỉnh", "province"))
    assert e2.value.kind == "unit"


def test_storage_errors(tmp_path: "object") -> None:
    import pathlib

    p = pathlib.Path(str(tmp_path)) / "not-a-db.sqlite"
    p.write_bytes(b"this is not a database, only text" * 100)
    with pytest.raises(cd.Storage) as e:
        cd.SqliteStore(p)
    assert e.value.transient is False and e.value.code == "storage"


def test_errors_pickle_with_their_attributes(iso: cd.CriteriaSet, dossier: cd.Dossier, actors: Dict[str, cd.Actor]) -> None:
    with pytest.raises(cd.GuardFailed) as e:
        dossier.execute(iso, actors["unit"], {"type": "submit"}, NOW)
    back = pickle.loads(pickle.dumps(e.value))
    assert type(back) is cd.GuardFailed and back.missing == e.value.missing
    assert back.message == e.value.message and back.details == e.value.details
    assert repr(back).startswith("GuardFailed(")


def test_errors_can_be_caught_as_the_base(iso: cd.CriteriaSet, dossier: cd.Dossier, actors: Dict[str, cd.Actor]) -> None:
    try:
        dossier.execute(iso, actors["unit"], {"type": "withdraw"}, NOW)
    except cd.Error as err:
        assert err.code in cd.ERROR_CODES
    else:  # pragma: no cover
        pytest.fail("no error")
