"""An analyst's look at a period: the ranking, self vs review per group, the change since the
previous year; an Excel workbook (or CSV files) and a PNG chart.

Run:  python examples/python/analyst.py STORE [--period 2026] [--compare 2025] [--out report]

STORE is the reference server's SQLite file (opened read-only) or a PostgreSQL URL.
Needs the analysis extra:  pip install './bindings-python[analysis]'
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from typing import Dict, List, Optional

import matplotlib

matplotlib.use("Agg")  # files only, no window

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import chamdiem as cd  # noqa: E402


def open_store(where: str) -> cd.Store:
    if where.startswith(("postgres://", "postgresql://")):
        return cd.PostgresStore(where)
    return cd.SqliteStore(where, read_only=True)


def ranking_table(store: cd.Store, period: str) -> pd.DataFrame:
    r = store.period_ranking(period).to_pandas()
    return r[["criteria_set", "rank", "unit_code", "unit_name", "points", "max", "percent",
              "classification", "self_points", "review_points"]]


def group_comparison(store: cd.Store, period: str) -> pd.DataFrame:
    """Per top-level group of each criteria set: mean self and review percentages."""
    g = store.period_results(period).to_pandas("groups")
    top = g[(g["depth"] == 0) & (g["kind"] == "standard")]
    return (
        top.groupby(["criteria_set", "group", "title"], sort=False)[["self_percent", "review_percent"]]
        .mean()
        .round(2)
        .reset_index()
    )


def year_over_year(store: cd.Store, period: str, previous: str) -> pd.DataFrame:
    now = store.period_results(period).to_pandas("total")[["unit", "final_percent"]]
    before = store.period_results(previous).to_pandas("total")[["unit", "final_percent"]]
    both = now.merge(before, on="unit", how="left", suffixes=("", "_before"))
    both["change"] = (both["final_percent"] - both["final_percent_before"]).round(2)
    return both.sort_values("change", ascending=False)


def chart(groups: pd.DataFrame, path: Path) -> None:
    sets = list(dict.fromkeys(groups["criteria_set"]))
    fig, axes = plt.subplots(len(sets), 1, figsize=(10, 4 * len(sets)), squeeze=False)
    for ax, name in zip(axes[:, 0], sets):
        part = groups[groups["criteria_set"] == name]
        x = range(len(part))
        ax.bar([i - 0.2 for i in x], part["self_percent"], width=0.4, label="Tự chấm (self)")
        ax.bar([i + 0.2 for i in x], part["review_percent"], width=0.4, label="Thẩm định (review)")
        ax.set_xticks(list(x), list(part["group"]))
        ax.set_ylim(0, 100)
        ax.set_ylabel("%")
        ax.set_title(name)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_tables(out: Path, sheets: Dict[str, pd.DataFrame]) -> Path:
    if importlib.util.find_spec("openpyxl") is None:  # no Excel writer: CSV files instead
        for name, frame in sheets.items():
            frame.to_csv(out / f"{name}.csv", index=False)
        return out
    book = out / "report.xlsx"
    with pd.ExcelWriter(book) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return book


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", help="a SQLite file or a PostgreSQL URL")
    parser.add_argument("--period", default="2026")
    parser.add_argument("--compare", default=None, help="the previous period, e.g. 2025")
    parser.add_argument("--out", type=Path, default=Path("report"))
    args = parser.parse_args(argv)
    store = open_store(args.store)
    args.out.mkdir(parents=True, exist_ok=True)

    ranking = ranking_table(store, args.period)
    print(f"Xếp hạng kỳ {args.period} (ranking)")
    print(ranking.to_string(index=False))
    groups = group_comparison(store, args.period)
    print("\nTự chấm và thẩm định theo nhóm (mean %, self vs review)")
    print(groups.to_string(index=False))
    sheets = {"ranking": ranking, "groups": groups}
    if args.compare:
        yoy = year_over_year(store, args.period, args.compare)
        print(f"\nSo với kỳ {args.compare} (final %, change)")
        print(yoy.to_string(index=False))
        sheets["change"] = yoy
    written = write_tables(args.out, sheets)
    chart(groups, args.out / "groups.png")
    print(f"\nwrote {written} and {args.out / 'groups.png'}")


if __name__ == "__main__":
    main()
