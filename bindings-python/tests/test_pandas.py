"""DataFrames: results, a period's results, rankings and histories; the optional extra."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from typing import Dict

import pytest

import chamdiem as cd
from conftest import NOW, attach_required, first_cases

pd = pytest.importorskip("pandas")


@pytest.fixture()
def reviewed(iso: cd.CriteriaSet, dossier: cd.Dossier, actors: Dict[str, cd.Actor]) -> cd.Dossier:
    dossier.execute(iso, actors["unit"], {"type": "save_self", "entries": first_cases(iso)}, NOW)
    attach_required(dossier, iso, actors["unit"])
    dossier.execute(iso, actors["unit"], {"type": "submit"}, NOW)
    dossier.execute(iso, actors["reviewer"], {"type": "save_review", "entries": [
        {"criterion": c.code, "case": c.cases[-1].code} for c in iso if c.kind == "choice"]}, NOW)
    return dossier


def test_results_frames_at_every_level(iso: cd.CriteriaSet, reviewed: cd.Dossier) -> None:
    r = reviewed.results(iso)
    groups = r.to_pandas()
    assert list(groups["group"]) == [g.code for g in r.groups]
    assert groups["self_points"].dtype == "float64"
    first = r.groups[0]
    assert groups.loc[0, "self_points"] == float(first.self_track.points)
    assert groups.loc[0, "final_max"] == float(first.final_track.max)
    assert pd.isna(groups.loc[0, "first_review_points"])
    crit = r.to_pandas("criteria")
    choice = [c.code for c in iso if c.kind == "choice"]
    assert len(crit) == len(iso) and crit["review_case"].notna().sum() == len(choice)
    assert list(crit.loc[crit["review_case"].notna(), "criterion"]) == choice
    assert crit["explanation_requested"].dtype == bool
    total = r.to_pandas("total")
    assert len(total) == 1 and total.loc[0, "self_points"] == float(r.total.self_track.points)
    exact = r.to_pandas("groups", exact=True)
    assert exact.loc[0, "self_points"] == first.self_track.points
    assert isinstance(exact.loc[0, "self_points"], Decimal)
    with pytest.raises(ValueError, match="level"):
        r.to_pandas("everything")  # type: ignore[arg-type]


def test_a_period_frame_compares_self_and_review_per_group(iso: cd.CriteriaSet, reviewed: cd.Dossier, actors: Dict[str, cd.Actor]) -> None:
    spec = {"id": "2026/SO-TP", "period": "2026", "unit": "SO-TP", "assessing_unit": "TINH"}
    other = cd.Dossier.open(spec, iso, actors["admin"], NOW)
    ev = cd.evaluate([iso], [cd.Unit("SO-TC", "SO-TC", "Sở Tài chính", "department"),
                             cd.Unit("SO-TP", "SO-TP", "Sở Tư pháp", "department")], [reviewed, other])
    frame = ev.results.to_pandas("groups")
    assert len(frame) == 2 * len(iso.groups())
    top = frame[frame["depth"] == 0]
    pivot = top.pivot_table(index="group", columns="unit", values=["self_points", "review_points"])
    assert pivot.shape[0] == len(iso.top_groups())
    ranks = ev.ranking.to_pandas()
    assert list(ranks["rank"]) == [1, 2] and list(ranks["unit"]) == ["SO-TC", "SO-TP"]
    assert ranks["points"].dtype == "float64"


def test_history_frame(reviewed: cd.Dossier) -> None:
    h = reviewed.history().to_pandas()
    assert len(h) == len(reviewed.history())
    assert str(h["at"].dtype).startswith("datetime64") and str(h["at"].dt.tz) == "UTC"
    saves = h[h["type"] == "self_saved"]
    assert saves["new_points"].notna().all()
    assert (h["type"] == "submitted").sum() == 1


def test_a_clear_message_names_the_extra_when_pandas_is_missing() -> None:
    code = (
        "import sys\n"
        "sys.modules['pandas'] = None\n"
        "import chamdiem as cd\n"
        "try:\n"
        "    cd.evaluate([], [], []).ranking.to_pandas()\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install 'chamdiem[pandas]'" in out
