"""Stores through Python: the same behaviour on MemoryStore, SqliteStore and PostgresStore; and
a SQLite file written by the Rust core reads back with exactly the Rust side's results."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import threading
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

import chamdiem as cd
from conftest import NOW, ROOT, attach_required, first_cases, skip_or_fail


def postgres_url() -> str:
    url = os.environ.get("CHAMDIEM_TEST_POSTGRES_URL", "")
    if not url:
        skip_or_fail("CHAMDIEM_TEST_POSTGRES_URL is not set: the PostgreSQL store is not tested "
                     "(scripts/postgres.sh start prints one)")
    return url


@pytest.fixture(params=["memory", "sqlite", "sqlite-file", "postgres"])
def store(request: Any, tmp_path: Path) -> Iterator[cd.Store]:
    kind = request.param
    if kind == "memory":
        yield cd.MemoryStore()
    elif kind == "sqlite":
        yield cd.SqliteStore(":memory:")
    elif kind == "sqlite-file":
        yield cd.SqliteStore(tmp_path / "chamdiem.db")
    else:
        # A schema of its own per test, so tests never see each other's rows.
        yield cd.PostgresStore(postgres_url(), schema=f"py_{uuid.uuid4().hex[:12]}")


def seed(store: cd.Store, iso: cd.CriteriaSet, cchc: cd.CriteriaSet) -> cd.Period:
    store.insert_criteria_set(iso)
    store.insert_criteria_set(cchc)
    store.insert_unit(cd.Unit("TINH", "TINH", "UBND tỉnh", "province"))
    for code, kind in [("SO-TC", "department"), ("SO-TP", "department"), ("H-YD", "district")]:
        store.insert_unit(cd.Unit(code, code, f"Đơn vị {code}", kind, parent="TINH"))
    period = cd.Period("2026", "Năm 2026", "TINH", {"department": iso, "district": cchc},
                       year=2026, self_deadline="2026-03-31T17:00:00Z")
    store.insert_period(period)
    admin = cd.Actor("admin", "admin", "TINH")
    for code in ["SO-TC", "SO-TP", "H-YD"]:
        unit = store.unit(code)
        cs = iso if unit.kind == "department" else cchc
        store.insert_dossier(period.open_dossier(f"2026/{code}", unit, cs, admin, "2026-01-05T01:00:00Z"))
    return period


def test_a_store_round(store: cd.Store, iso: cd.CriteriaSet, cchc: cd.CriteriaSet) -> None:
    seed(store, iso, cchc)
    assert [u.id for u in store.units()] == ["H-YD", "SO-TC", "SO-TP", "TINH"]
    assert store.criteria_sets() == [("cchc-huyen-2026", 1, cchc.name), ("iso-so-2026", 1, iso.name)]
    assert store.criteria_set("iso-so-2026") == iso
    assert store.period("2026").year == 2026 and [p.id for p in store.periods()] == ["2026"]
    listed = store.dossiers(period="2026")
    assert [s.id for s in listed] == ["2026/H-YD", "2026/SO-TC", "2026/SO-TP"]
    assert listed[0].criteria_set == ("cchc-huyen-2026", 1) and listed[0].state == "self_assessment"
    assert isinstance(listed[0].updated_at, datetime.datetime)
    assert [s.id for s in store.dossiers(period="2026", limit=1, after="2026/H-YD")] == ["2026/SO-TC"]

    unit = cd.Actor("so.tc", "unit", "SO-TC")
    done = store.execute("2026/SO-TC", unit, {"type": "save_self", "base_version": 1,
                                              "entries": first_cases(iso)}, NOW)
    assert done.version == 2 and done.state == "self_assessment" and len(done.events) == 47
    with pytest.raises(cd.GuardFailed):
        store.execute("2026/SO-TC", unit, {"type": "submit"}, NOW)
    assert store.dossier("2026/SO-TC").version == 2

    # A host that decides itself: load, execute locally, compare-and-set.
    d = store.dossier("2026/SO-TC")
    attach_required(d, iso, unit)
    d.execute(iso, unit, {"type": "submit"}, NOW)
    store.save_dossier(d, 2)
    with pytest.raises(cd.VersionConflict):
        store.save_dossier(d, 2)
    assert store.dossier_state("2026/SO-TC").state == "self_assessed"
    assert len(store.dossier_state("2026/SO-TC").history()) == 0
    assert store.dossier("2026/SO-TC") == d

    history = store.history("2026/SO-TC")
    assert history[0].type == "opened" and history[-1].type == "submitted"
    assert [e.type for e in store.history("2026/SO-TC", "1.1")][:2] == ["self_saved", "evidence_attached"]

    results = store.period_results("2026")
    assert [r.dossier for r in results] == ["2026/H-YD", "2026/SO-TC", "2026/SO-TP"]
    assert results.get("2026/SO-TC") == cd.results(iso, d)
    ranking = store.period_ranking("2026")
    assert [t.criteria_set[0] for t in ranking.tables] == ["cchc-huyen-2026", "iso-so-2026"]
    iso_table = ranking.table("iso-so-2026")
    assert iso_table is not None and iso_table.rows[0].unit == "SO-TC" and iso_table.rows[0].rank == 1

    with pytest.raises(cd.NotFound):
        store.execute("2026/NOPE", unit, {"type": "submit"}, NOW)
    with pytest.raises(cd.AlreadyExists):
        store.insert_period(store.period("2026"))
    with pytest.raises(cd.InvalidInput):
        store.dossiers(state="nowhere")


def test_store_calls_run_from_many_threads(store: cd.Store, iso: cd.CriteriaSet, cchc: cd.CriteriaSet) -> None:
    seed(store, iso, cchc)
    errors = []

    def work(code: str) -> None:
        try:
            actor = cd.Actor(f"{code}.officer", "unit", code)
            for c in first_cases(iso)[:10]:
                store.execute(f"2026/{code}", actor, {"type": "save_self", "entries": [c]}, NOW)
                store.period_ranking("2026")
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=work, args=(c,)) for c in ["SO-TC", "SO-TP"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.dossier("2026/SO-TC").version == 11 and store.dossier("2026/SO-TP").version == 11


def test_sqlite_file_survives_and_opens_read_only(tmp_path: Path, iso: cd.CriteriaSet, cchc: cd.CriteriaSet) -> None:
    path = tmp_path / "server.db"
    s = cd.SqliteStore(path, synchronous="normal")
    seed(s, iso, cchc)
    assert s.path == path and s.integrity_check() == ["ok"]
    assert s.schema_versions()[0][0] == "core"
    s.backup_to(tmp_path / "copy.db")
    del s
    ro = cd.SqliteStore(path, read_only=True)
    assert len(ro.dossiers()) == 3
    with pytest.raises(cd.Storage):
        ro.insert_unit(cd.Unit("X", "X", "X", "department", parent="TINH"))
    assert len(cd.SqliteStore(tmp_path / "copy.db").dossiers()) == 3
    with pytest.raises(ValueError):
        cd.SqliteStore(path, synchronous="sometimes")  # type: ignore[arg-type]
    assert "SqliteStore(" in repr(ro)


def test_postgres_store_specifics() -> None:
    url = postgres_url()
    schema = f"py_{uuid.uuid4().hex[:12]}"
    s = cd.PostgresStore(url, schema=schema, pool_size=2, connect_timeout=5)
    assert s.schema == schema and s.schema_versions()[0][0] == "core"
    with pytest.raises(cd.Storage):
        cd.PostgresStore("postgresql://nobody@127.0.0.1:1/none", connect_timeout=1)


# -- a SQLite file written by the Rust core ---------------------------------------------------


@pytest.fixture(scope="session")
def rust_fixture(tmp_path_factory: Any) -> Path:
    """Runs the Rust program that writes store.db and expected.json."""
    cargo = shutil.which("cargo")
    if cargo is None:
        skip_or_fail("cargo is not on PATH: the SQLite file written by the Rust store cannot be made")
    out = tmp_path_factory.mktemp("rust-store")
    subprocess.run(
        [str(cargo), "run", "--quiet", "--locked", "-p", "chamdiem-python-fixtures",
         "--", str(out)],
        cwd=ROOT, check=True,
    )
    return out


def test_a_sqlite_file_written_by_rust_gives_the_rust_results(rust_fixture: Path) -> None:
    expected: Dict[str, Any] = json.loads((rust_fixture / "expected.json").read_text("utf-8"))
    store = cd.SqliteStore(rust_fixture / "store.db", read_only=True)
    period = expected["period"]
    assert store.period_results(period).to_list() == expected["results"]
    assert store.period_ranking(period).to_dict() == expected["ranking"]
    states = set()
    for summary in store.dossiers(period=period):
        d = store.dossier(summary.id)
        cs = store.criteria_set(*d.criteria_set)
        assert cd.results(cs, d).to_dict() == expected["dossiers"][summary.id], summary.id
        assert cd.Dossier.replay(d.history()) == d
        states.add(d.state)
    assert states == {"self_assessment", "self_assessed", "reviewed", "completed"}
    # And the analyst's view of it.
    frame = store.period_results(period).to_pandas("total")
    assert len(frame) == len(expected["results"])

