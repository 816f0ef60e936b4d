"""Benchmarks of the Python package (figures go to BENCHMARKS.md, section "Python").

Run:  python bindings-python/bench/bench.py [--dossiers 2000] [--criteria 300] [--calls 20000]

1. The per-call overhead of ``Dossier.execute``: the same save loop through Python (with a
   parsed ``Command``, and with a dict) and inside Rust; the difference per call is the
   binding's cost (argument conversion, the events returned as Python objects).
2. Results and ranking of a period of N dossiers × M criteria, the period already loaded, in
   one run, on the same data:
   - chamdiem: ``cd.evaluate(sets, units, dossiers)``;
   - pandas, vectorised (joins, groupby, clip, rank), the data already in DataFrames;
   - pure Python (dicts, loops, ``decimal.Decimal`` as chamdiem is exact);
   the three answers are checked against each other (totals of every dossier and the ranking).
3. Conversions, separately: dossiers to and from JSON, results to DataFrames and to dicts.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import platform
import random
import statistics
import time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

import chamdiem as cd
from chamdiem import _native

NOW = datetime.datetime(2026, 3, 1, 2, tzinfo=datetime.timezone.utc)
BANDS = [("Xuất sắc", 90), ("Tốt", 80), ("Khá", 65), ("Trung bình", 50), ("Yếu", 0)]


# -- data -------------------------------------------------------------------------------------


def make_set(n_criteria: int) -> cd.CriteriaSet:
    """Ten standard groups of two subgroups, a capped bonus group and a capped penalty group;
    choice criteria, every seventh with a not-applicable case."""
    n_bonus = n_penalty = max(1, n_criteria // 30)
    n_standard = n_criteria - n_bonus - n_penalty
    per_sub = -(-n_standard // 20)
    made = 0

    def criterion(code: str, kind: str) -> Dict[str, Any]:
        if kind == "bonus":
            cases = [{"code": "a", "label": "Có", "points": "1"}, {"code": "b", "label": "Không", "points": "0"}]
        elif kind == "penalty":
            cases = [{"code": "a", "label": "Không vi phạm", "points": "0"},
                     {"code": "b", "label": "Vi phạm", "points": "-1"},
                     {"code": "c", "label": "Vi phạm nặng", "points": "-2.5"}]
        else:
            cases = [{"code": "a", "label": "Tốt", "points": "2"}, {"code": "b", "label": "Đạt", "points": "1.25"},
                     {"code": "c", "label": "Chưa đạt", "points": "0"}]
            if int(code.split(".")[-1]) % 7 == 0:
                cases.append({"code": "kad", "label": "Không áp dụng", "not_applicable": True})
        return {"code": code, "title": f"Chỉ tiêu {code}", "cases": cases}

    groups = []
    for g in range(1, 11):
        subs = []
        for s in range(1, 3):
            crits = []
            for k in range(1, per_sub + 1):
                if made < n_standard:
                    crits.append(criterion(f"{g}.{s}.{k}", "standard"))
                    made += 1
            subs.append({"code": f"{g}.{s}", "title": f"Nhóm {g}.{s}", "criteria": crits})
        groups.append({"code": str(g), "title": f"Nhóm {g}", "groups": subs})
    groups.append({"code": "B", "title": "Điểm thưởng", "kind": "bonus", "cap": "5",
                   "criteria": [criterion(f"B.{k}", "bonus") for k in range(1, n_bonus + 1)]})
    groups.append({"code": "P", "title": "Điểm trừ", "kind": "penalty", "cap": "5",
                   "criteria": [criterion(f"P.{k}", "penalty") for k in range(1, n_penalty + 1)]})
    doc = {"format": "chamdiem.criteria_set", "format_version": 1, "id": "bench", "name": "Bench",
           "bands": [{"label": label, "min_percent": str(p)} for label, p in BANDS], "groups": groups}
    return cd.CriteriaSet.from_dict(doc)


def make_period(cs: cd.CriteriaSet, n: int, seed: int = 7) -> Tuple[List[cd.Unit], List[cd.Dossier]]:
    rng = random.Random(seed)
    admin = cd.Actor("admin", "admin", "TINH")
    reviewer = cd.Actor("tinh", "reviewer", "TINH")
    criteria = [(c.code, [k.code for k in c.cases]) for c in cs]
    units, dossiers = [], []
    for i in range(n):
        code = f"U{i:05d}"
        units.append(cd.Unit(code, code, f"Đơn vị {i}", "department"))
        d = cd.Dossier.open({"id": f"2026/{code}", "period": "2026", "unit": code, "assessing_unit": "TINH"},
                            cs, admin, NOW)
        officer = cd.Actor(f"u{i}", "unit", code)
        d.execute(cs, officer, {"type": "save_self", "entries": [
            {"criterion": c, "case": rng.choice(cases)} for c, cases in criteria]}, NOW)
        d.execute(cs, officer, {"type": "submit"}, NOW)
        if rng.random() < 0.9:  # one dossier in ten is not reviewed yet
            d.execute(cs, reviewer, {"type": "save_review", "entries": [
                {"criterion": c, "case": rng.choice(cases)} for c, cases in criteria if rng.random() < 0.95]}, NOW)
        dossiers.append(d)
    return units, dossiers


class Tables:
    """The same period as plain data: DataFrames for pandas, tuples for pure Python."""

    def __init__(self, cs: cd.CriteriaSet, units: List[cd.Unit], dossiers: List[cd.Dossier]) -> None:
        self.group_codes = [g.code for g in cs.groups()]
        gi = {c: i for i, c in enumerate(self.group_codes)}
        self.groups = pd.DataFrame({
            "group": np.arange(len(self.group_codes)),
            "parent": [gi[g.parent] if g.parent is not None else -1 for g in cs.groups()],
            "depth": [g.depth for g in cs.groups()],
            "kind": [g.kind for g in cs.groups()],
            "cap": [float(g.cap) if g.cap is not None else np.nan for g in cs.groups()],
        })
        crits = cs.criteria()
        self.crit_codes = [c.code for c in crits]
        ci = {c: i for i, c in enumerate(self.crit_codes)}
        self.case_codes = sorted({k.code for c in crits for k in c.cases})
        ki = {k: i for i, k in enumerate(self.case_codes)}
        self.crit = pd.DataFrame({"criterion": np.arange(len(crits)), "group": [gi[c.group] for c in crits],
                                  "max": [float(c.max) for c in crits]})
        rows = [(ci[c.code], ki[k.code], float(k.points), k.not_applicable) for c in crits for k in c.cases]
        self.cases = pd.DataFrame(rows, columns=["criterion", "case", "points", "na"])
        d_idx, c_idx, s_case, r_case = [], [], [], []
        for di, d in enumerate(dossiers):
            for e in d.entries:
                d_idx.append(di)
                c_idx.append(ci[e.criterion])
                s_case.append(ki[e.self_case] if e.self_case is not None else -1)
                r_case.append(ki[e.review_case] if e.review_case is not None else -1)
        self.entries = pd.DataFrame({"dossier": np.array(d_idx, dtype=np.int32),
                                     "criterion": np.array(c_idx, dtype=np.int32),
                                     "self_case": np.array(s_case, dtype=np.int16),
                                     "review_case": np.array(r_case, dtype=np.int16)})
        self.dossiers = pd.DataFrame({"dossier": np.arange(len(dossiers)), "unit_code": [u.code for u in units]})
        # Pure Python: the same as tuples and dicts, decimals exact.
        self.py_cases = {(c.code, k.code): (k.points, k.not_applicable) for c in crits for k in c.cases}
        self.py_crit = [(c.code, c.group, c.max) for c in crits]
        self.py_groups = [(g.code, g.parent, g.kind, g.cap) for g in cs.groups()]
        self.py_entries = [(u.code, [(e.self_case, e.review_case) for e in d.entries]) for u, d in zip(units, dossiers)]


# -- the computation in pandas -----------------------------------------------------------------


def pandas_results(t: Tables) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """Per dossier and group (every level) and in total: self, review and final points, max,
    percent; the final classification; the ranking."""
    pts = t.cases.set_index(["criterion", "case"])
    e = t.entries.join(t.crit.set_index("criterion"), on="criterion")
    reviewed = e.groupby("dossier")["review_case"].transform("max") >= 0
    e["final_case"] = e["review_case"].where(e["review_case"] >= 0, e["self_case"])
    cols = {}
    for track in ("self", "review", "final"):
        m = pts.reindex(pd.MultiIndex.from_arrays([e["criterion"], e[f"{track}_case"]]))
        na = m["na"].to_numpy(dtype=bool, na_value=False)
        cols[f"{track}_points"] = np.where(na, 0.0, np.nan_to_num(m["points"].to_numpy(dtype=float)))
        cols[f"{track}_max"] = np.where(na, 0.0, e["max"].to_numpy())
        cols[f"{track}_app"] = ~na
    leaf = pd.DataFrame(cols).assign(dossier=e["dossier"].to_numpy(), group=e["group"].to_numpy())
    agg = {f"{tr}_{x}": ("sum" if x != "app" else "any") for tr in ("self", "review", "final") for x in ("points", "max", "app")}
    level = leaf.groupby(["dossier", "group"], sort=False).agg(agg).reset_index()
    level = level.join(t.groups.set_index("group"), on="group")
    tracks = ("self", "review", "final")

    def finish(df: pd.DataFrame) -> pd.DataFrame:
        for tr in tracks:
            bonus, penalty = df["kind"] == "bonus", df["kind"] == "penalty"
            df[f"{tr}_points"] = np.where(bonus, np.minimum(df[f"{tr}_points"], df["cap"].fillna(np.inf)),
                                          np.where(penalty, np.maximum(df[f"{tr}_points"], -df["cap"].fillna(np.inf)),
                                                   df[f"{tr}_points"]))
            df[f"{tr}_max"] = np.where(df[f"{tr}_app"] & (df["kind"] == "standard"), df[f"{tr}_max"], 0.0)
        return df

    out = [finish(level)]
    for depth in sorted(t.groups["depth"].unique(), reverse=True):
        if depth == 0:
            break
        children = out[-1] if depth == out[-1]["depth"].max() else pd.concat(out)
        children = children[children["depth"] == depth]
        up = children.assign(group=children["parent"]).groupby(["dossier", "group"], sort=False).agg(agg).reset_index()
        up = up.join(t.groups.set_index("group"), on="group")
        out.append(finish(up))
    groups = pd.concat(out, ignore_index=True)
    roots = groups[groups["depth"] == 0]
    total = roots.groupby("dossier").agg({f"{tr}_{x}": "sum" for tr in tracks for x in ("points", "max")})
    for tr in tracks:
        for df in (groups, total):
            df[f"{tr}_percent"] = np.where(df[f"{tr}_max"] > 0,
                                           np.floor(df[f"{tr}_points"] / df[f"{tr}_max"].where(df[f"{tr}_max"] > 0) * 10000 + 0.5) / 100,
                                           np.nan)
    rev = reviewed.groupby(e["dossier"]).first()
    for df, idx in ((total, total.index), (groups, groups["dossier"])):
        mask = ~rev.reindex(idx).to_numpy()
        for x in ("points", "max", "percent"):
            df.loc[mask, f"review_{x}"] = np.nan
    p, mx = total["final_points"], total["final_max"]
    total["classification"] = np.select([p * 100 >= thr * mx for _, thr in BANDS], [b for b, _ in BANDS], None)
    total = total.join(t.dossiers.set_index("dossier"))
    total["rank"] = total["final_points"].rank(method="min", ascending=False).astype(int)
    ranking = total.sort_values(["final_points", "unit_code"], ascending=[False, True])
    return groups, ranking


# -- the computation in pure Python ------------------------------------------------------------


def python_results(t: Tables) -> Tuple[Dict[str, Dict[str, Any]], List[Tuple[int, str, Decimal]]]:
    cases, crit = t.py_cases, t.py_crit
    children: Dict[Optional[str], List[str]] = {}
    kind, cap = {}, {}
    for code, parent, k, c in t.py_groups:
        children.setdefault(parent, []).append(code)
        kind[code], cap[code] = k, c
    order = [g for g, _, _, _ in t.py_groups]  # pre-order: children come after parents
    parent_of = {g: p for g, p, _, _ in t.py_groups}
    hundred, cent = Decimal(100), Decimal("0.01")
    totals: Dict[str, Dict[str, Any]] = {}
    for unit, entries in t.py_entries:
        reviewed = any(r is not None for _, r in entries)
        acc: Dict[str, Dict[str, List[Any]]] = {g: {tr: [Decimal(0), Decimal(0), False] for tr in ("self", "review", "final")} for g in order}
        for (code, group, mx), (s, r) in zip(crit, entries):
            f = r if r is not None else s
            for tr, case in (("self", s), ("review", r), ("final", f)):
                a = acc[group][tr]
                if case is None:
                    a[1] += mx
                    a[2] = True
                    continue
                points, na = cases[(code, case)]
                if na:
                    continue
                a[0] += points
                a[1] += mx
                a[2] = True
        for g in reversed(order):
            for tr in ("self", "review", "final"):
                a = acc[g][tr]
                if kind[g] == "bonus" and cap[g] is not None and a[0] > cap[g]:
                    a[0] = cap[g]
                elif kind[g] == "penalty" and cap[g] is not None and a[0] < -cap[g]:
                    a[0] = -cap[g]
                if not a[2] or kind[g] != "standard":
                    a[1] = Decimal(0)
                p = parent_of[g]
                if p is not None:
                    b = acc[p][tr]
                    b[0] += a[0]
                    b[1] += a[1]
                    b[2] = b[2] or a[2]
        row: Dict[str, Any] = {"unit": unit}
        for tr in ("self", "review", "final"):
            if tr == "review" and not reviewed:
                continue
            points = sum((acc[g][tr][0] for g in children[None]), Decimal(0))
            mx = sum((acc[g][tr][1] for g in children[None]), Decimal(0))
            row[f"{tr}_points"], row[f"{tr}_max"] = points, mx
            row[f"{tr}_percent"] = (points * hundred / mx).quantize(cent, ROUND_HALF_UP) if mx > 0 else None
            row[f"{tr}_groups"] = {g: (acc[g][tr][0], acc[g][tr][1]) for g in order}
        p, mx = row["final_points"], row["final_max"]
        row["classification"] = next((b for b, thr in BANDS if p * 100 >= thr * mx), None)
        totals[unit] = row
    ordered = sorted(totals.values(), key=lambda r: (-r["final_points"], r["unit"]))
    ranking, prev, rank = [], None, 0
    for i, r in enumerate(ordered):
        if r["final_points"] != prev:
            rank, prev = i + 1, r["final_points"]
        ranking.append((rank, r["unit"], r["final_points"]))
    return totals, ranking


# -- timing -----------------------------------------------------------------------------------


def best_of(fn: Callable[[], Any], repeat: int) -> Tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def overhead(cs: cd.CriteriaSet, calls: int) -> Dict[str, float]:
    admin, unit = cd.Actor("admin", "admin", "TINH"), cd.Actor("u", "unit", "SO-TC")
    spec = {"id": "2026/SO-TC", "period": "2026", "unit": "SO-TC", "assessing_unit": "TINH"}
    code = cs.criteria()[0].code
    dicts = [{"type": "save_self", "entries": [{"criterion": code, "case": k}]} for k in ("a", "b")]
    commands = [cd.Command(x) for x in dicts]
    out: Dict[str, float] = {}
    rust = []
    for _ in range(5):
        d = cd.Dossier.open(spec, cs, admin, NOW)
        rust.append(_native._execute_loop(d, cs, unit, commands, NOW, calls) / calls)
    out["rust_execute_us"] = min(rust) * 1e6
    for name, cmds, now in (("command_str", commands, "2026-03-01T02:00:00Z"), ("command_datetime", commands, NOW),
                            ("dict_str", dicts, "2026-03-01T02:00:00Z")):
        runs = []
        for _ in range(5):
            d = cd.Dossier.open(spec, cs, admin, NOW)
            execute = d.execute
            gc.collect()
            start = time.perf_counter()
            for i in range(calls):
                execute(cs, unit, cmds[i & 1], now)
            runs.append((time.perf_counter() - start) / calls)
        out[f"python_{name}_us"] = min(runs) * 1e6
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dossiers", type=int, default=2000)
    ap.add_argument("--criteria", type=int, default=300)
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--python-repeat", type=int, default=1)
    args = ap.parse_args()
    print(f"chamdiem {cd.__version__}; Python {platform.python_version()}; pandas {pd.__version__}; "
          f"numpy {np.__version__}; {platform.machine()}")

    cs = make_set(args.criteria)
    print(f"\n1. per-call overhead of Dossier.execute (save_self of one criterion, {args.calls} calls)")
    o = overhead(cs, args.calls)
    rust = o["rust_execute_us"]
    print(f"   core, the same loop in Rust         {rust:7.2f} µs/call")
    for key, label in (("python_command_str_us", "Python, Command + RFC 3339 string"),
                       ("python_command_datetime_us", "Python, Command + aware datetime"),
                       ("python_dict_str_us", "Python, dict command + string")):
        print(f"   {label:35s} {o[key]:7.2f} µs/call   overhead {o[key] - rust:5.2f} µs")

    print(f"\n2. results and ranking of {args.dossiers} dossiers × {len(cs)} criteria (period loaded)")
    start = time.perf_counter()
    units, dossiers = make_period(cs, args.dossiers)
    print(f"   (building the period through the workflow took {time.perf_counter() - start:.1f} s)")
    tables = Tables(cs, units, dossiers)
    t_cd, ev = best_of(lambda: cd.evaluate([cs], units, dossiers), args.repeat)
    # What pandas and pure Python compute: totals, groups and the ranking, no per-criterion list.
    t_lean, lean = best_of(lambda: cd.evaluate([cs], units, dossiers, criteria=False), args.repeat)
    assert lean.ranking.to_dict() == ev.ranking.to_dict()
    t_pd, (pd_groups, pd_rank) = best_of(lambda: pandas_results(tables), args.repeat)
    t_py, (py_totals, py_rank) = best_of(lambda: python_results(tables), args.python_repeat)

    # The three agree.
    rows = ev.ranking.tables[0].rows
    assert [(r.rank, r.unit, r.points) for r in rows] == py_rank, "pure Python ranking differs"
    assert list(pd_rank["unit_code"]) == [r.unit for r in rows], "pandas ranking order differs"
    assert list(pd_rank["rank"]) == [r.rank for r in rows], "pandas ranks differ"
    for r in ev.results:
        p = py_totals[r.unit]
        for tr, track in (("self", r.total.self_track), ("final", r.total.final_track), ("review", r.total.review)):
            if track is None:
                assert f"{tr}_points" not in p
                continue
            assert (track.points, track.max, track.percent) == (p[f"{tr}_points"], p[f"{tr}_max"], p[f"{tr}_percent"])
        assert r.classification["final"] == p["classification"]
    chk = pd_rank.set_index("unit_code")
    cd_total = ev.results.to_pandas("total").set_index("unit")
    for col in ("self_points", "final_points", "final_max", "final_percent", "review_points"):
        diff = (chk[col] - cd_total[col]).abs().max()
        assert diff < 1e-9 or np.isnan(diff), (col, diff)
    assert list(chk["classification"]) == list(cd_total.loc[chk.index, "final_classification"])
    print("   (the three agree: every dossier's totals and classification, and the ranking)")
    print(f"   chamdiem  cd.evaluate            {t_cd * 1000:9.1f} ms   (with every criterion's results)")
    print(f"   chamdiem  criteria=False         {t_lean * 1000:9.1f} ms   (totals, groups, ranking: what the others compute)")
    print(f"   pandas    vectorised             {t_pd * 1000:9.1f} ms   chamdiem is {t_pd / t_cd:5.1f}× faster "
          f"({t_pd / t_lean:5.1f}× with criteria=False)")
    print(f"   Python    loops + Decimal        {t_py * 1000:9.1f} ms   chamdiem is {t_py / t_cd:5.1f}× faster "
          f"({t_py / t_lean:5.1f}× with criteria=False)")

    print("\n3. conversions (separately)")
    t, texts = best_of(lambda: [d.to_json() for d in dossiers], 1)
    mb = sum(len(x) for x in texts) / 1e6
    print(f"   dossiers → JSON text ({mb:.0f} MB)        {t * 1000:9.1f} ms")
    t, _ = best_of(lambda: [cd.Dossier.from_json(x) for x in texts], 1)
    print(f"   JSON text → dossiers                  {t * 1000:9.1f} ms")
    states = [cd.Dossier.from_dict(d.to_dict()) for d in dossiers[:1]]
    assert states[0] == dossiers[0]
    t, _ = best_of(lambda: ev.ranking.to_pandas(), args.repeat)
    print(f"   ranking → DataFrame                   {t * 1000:9.1f} ms")
    t, frame = best_of(lambda: ev.results.to_pandas("total"), args.repeat)
    print(f"   results → DataFrame, totals           {t * 1000:9.1f} ms   ({len(frame)} rows)")
    t, frame = best_of(lambda: ev.results.to_pandas("groups"), args.repeat)
    print(f"   results → DataFrame, groups           {t * 1000:9.1f} ms   ({len(frame)} rows)")
    t, frame = best_of(lambda: ev.results.to_pandas("criteria"), 1)
    print(f"   results → DataFrame, criteria         {t * 1000:9.1f} ms   ({len(frame)} rows)")
    t, _ = best_of(lambda: ev.results.to_pandas("groups", exact=True), 1)
    print(f"   results → DataFrame, groups, Decimal  {t * 1000:9.1f} ms")
    t, _ = best_of(lambda: [(r.unit, r.total.final_track.points) for r in ev.results], args.repeat)
    print(f"   results → (unit, Decimal) pairs       {t * 1000:9.1f} ms")
    t, _ = best_of(lambda: ev.results.to_list(), 1)
    print(f"   results → dicts (the JSON form)       {t * 1000:9.1f} ms")
    t, _ = best_of(lambda: Tables(cs, units, dossiers), 1)
    print(f"   dossiers → pandas/Python input tables {t * 1000:9.1f} ms   (what 2. gave pandas and Python)")
    print(f"\n   median of the chamdiem runs: {statistics.median([best_of(lambda: cd.evaluate([cs], units, dossiers), 1)[0] for _ in range(3)]) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
