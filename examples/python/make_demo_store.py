"""Builds a demo SQLite store like the reference server's: a province, departments and
districts, the 2025 and 2026 periods, every dossier walked through the workflow.

Run:  python examples/python/make_demo_store.py demo.db
"""

from __future__ import annotations

import argparse
import datetime
import random
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List

import chamdiem as cd

SETS = Path(__file__).resolve().parents[2] / "tests" / "vectors" / "sets"
DEPARTMENTS = [("SO-TC", "Sở Tài chính"), ("SO-TP", "Sở Tư pháp"), ("SO-YT", "Sở Y tế"),
               ("SO-GD", "Sở Giáo dục và Đào tạo"), ("SO-NV", "Sở Nội vụ"), ("SO-XD", "Sở Xây dựng")]
DISTRICTS = [("H-YD", "Huyện Yên Dũng"), ("H-LN", "Huyện Lục Nam"), ("TX-VY", "Thị xã Việt Yên")]


def set_for_year(base: cd.CriteriaSet, year: int) -> cd.CriteriaSet:
    """The same criteria, under the year's id and name."""
    doc: Dict[str, Any] = base.to_dict()
    doc["id"] = base.id.replace("2026", str(year))
    doc["name"] = base.name.replace("2026", str(year))
    return cd.CriteriaSet.from_dict(doc)


def scores(cs: cd.CriteriaSet, rng: random.Random, skill: float) -> List[Dict[str, Any]]:
    """A score per criterion; a higher skill picks better cases and higher values."""
    out: List[Dict[str, Any]] = []
    for c in cs:
        if c.kind == "choice":
            ranked = sorted(c.cases, key=lambda k: k.points, reverse=True)
            i = min(len(ranked) - 1, int(rng.random() * (1 - skill) * len(ranked) * 1.5))
            out.append({"criterion": c.code, "case": ranked[i].code})
        else:
            low = c.value_min if c.value_min is not None else Decimal(0)
            high = c.value_max if c.value_max is not None else Decimal(100)
            share = Decimal(str(round(min(1.0, max(0.0, rng.gauss(skill, 0.1))), 3)))
            out.append({"criterion": c.code, "value": (low + (high - low) * share).quantize(Decimal("0.1"))})
    return out


def walk(store: cd.Store, cs: cd.CriteriaSet, dossier_id: str, unit: str, year: int, rng: random.Random) -> None:
    officer = cd.Actor(f"{unit.lower()}.officer", "unit", unit)
    reviewer = cd.Actor("tinh.thamdinh", "reviewer", "TINH")
    day = datetime.datetime(year, 3, 1, 2, tzinfo=datetime.timezone.utc)
    skill = rng.uniform(0.55, 0.95)
    store.execute(dossier_id, officer, {"type": "save_self", "entries": scores(cs, rng, skill)}, day)
    for c in cs:
        if c.evidence == "required":
            store.execute(dossier_id, officer, {"type": "attach_evidence", "criterion": c.code, "evidence": {
                "id": f"{dossier_id}/{c.code}", "file_name": f"minh-chung-{c.code}.pdf", "size": 120_000,
                "media_type": "application/pdf", "sha256": f"{rng.getrandbits(256):064x}"}}, day)
    store.execute(dossier_id, officer, {"type": "submit"}, day)
    # The province usually scores a little lower than the unit.
    review = scores(cs, rng, skill - rng.uniform(0.0, 0.2))
    store.execute(dossier_id, reviewer, {"type": "save_review", "entries": review}, day + datetime.timedelta(days=20))
    store.execute(dossier_id, reviewer, {"type": "finish_review"}, day + datetime.timedelta(days=30))
    if year < 2026:
        store.execute(dossier_id, reviewer, {"type": "archive"}, day + datetime.timedelta(days=60))


def build(path: Path, seed: int = 2026) -> None:
    rng = random.Random(seed)
    store = cd.SqliteStore(path)
    iso26 = cd.CriteriaSet.load(SETS / "iso-so-2026.json")
    cchc26 = cd.CriteriaSet.load(SETS / "cchc-huyen-2026.json")
    store.insert_unit(cd.Unit("TINH", "TINH", "UBND tỉnh", "province"))
    for code, name in DEPARTMENTS:
        store.insert_unit(cd.Unit(code, code, name, "department", parent="TINH"))
    for code, name in DISTRICTS:
        store.insert_unit(cd.Unit(code, code, name, "district", parent="TINH"))
    admin = cd.Actor("admin", "admin", "TINH")
    for year in (2025, 2026):
        iso, cchc = set_for_year(iso26, year), set_for_year(cchc26, year)
        store.insert_criteria_set(iso)
        store.insert_criteria_set(cchc)
        period = cd.Period(str(year), f"Đánh giá năm {year}", "TINH", {"department": iso, "district": cchc},
                           year=year, self_deadline=f"{year}-03-31T10:00:00Z")
        store.insert_period(period)
        for code, _ in DEPARTMENTS + DISTRICTS:
            unit = store.unit(code)
            cs = iso if unit.kind == "department" else cchc
            dossier_id = f"{year}/{code}"
            opened = datetime.datetime(year, 1, 5, 1, tzinfo=datetime.timezone.utc)
            store.insert_dossier(period.open_dossier(dossier_id, unit, cs, admin, opened))
            walk(store, cs, dossier_id, code, year, rng)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path, help="the SQLite file to create")
    args = parser.parse_args()
    if args.path.exists():
        parser.error(f"{args.path} exists; choose a new file")
    build(args.path)
    print(f"wrote {args.path}")


if __name__ == "__main__":
    main()
