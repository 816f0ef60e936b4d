"""HTML tables for notebooks (``_repr_html_``), from the JSON form of results and rankings."""

from __future__ import annotations

from html import escape
from typing import Any, Dict, List, Optional

_STYLE = (
    "<style>.chamdiem td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".chamdiem tr.total td{font-weight:bold;border-top:1px solid #888}"
    ".chamdiem caption{text-align:left;font-weight:bold}</style>"
)


def _n(v: Any) -> str:
    return "" if v is None else escape(str(v))


def _track(t: Optional[Dict[str, Any]], key: str) -> str:
    return "" if t is None else _n(t.get(key))


def _row(cells: List[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<tr{attr}>" + "".join(cells) + "</tr>"


def _td(v: str, numeric: bool = False) -> str:
    return f'<td class="n">{v}</td>' if numeric else f"<td>{v}</td>"


def results_html(r: Dict[str, Any]) -> str:
    """The groups of one dossier's results, with self, review and final points side by side."""
    review_visible = bool(r.get("review_visible"))
    head = ["Nhóm / group", "Tên / title", "Tự chấm (self)"]
    if review_visible:
        head.append("Thẩm định (review)")
    head += ["Cuối cùng (final)", "Tối đa (max)", "%"]
    rows = []
    for g in r.get("groups", []):
        indent = "&nbsp;" * 4 * int(g.get("depth", 0))
        cells = [_td(indent + _n(g["code"])), _td(_n(g["title"])), _td(_track(g.get("self"), "points"), True)]
        if review_visible:
            cells.append(_td(_track(g.get("review"), "points"), True))
        fin = g.get("final")
        cells += [
            _td(_track(fin, "points"), True),
            _td(_track(fin, "max"), True),
            _td(_track(fin, "percent"), True),
        ]
        rows.append(_row(cells))
    t = r.get("total", {})
    cells = [_td("Tổng"), _td(escape(str(r.get("classification", {}).get("final") or ""))), _td(_track(t.get("self"), "points"), True)]
    if review_visible:
        cells.append(_td(_track(t.get("review"), "points"), True))
    fin = t.get("final")
    cells += [_td(_track(fin, "points"), True), _td(_track(fin, "max"), True), _td(_track(fin, "percent"), True)]
    rows.append(_row(cells, "total"))
    caption = f"{_n(r.get('dossier'))} — {_n(r.get('unit'))} — {_n(r.get('state'))}"
    return (
        _STYLE
        + f'<table class="chamdiem"><caption>{caption}</caption><thead>'
        + _row([f"<th>{h}</th>" for h in head])
        + "</thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def ranking_html(r: Dict[str, Any]) -> str:
    """Each table of a ranking."""
    out = [_STYLE]
    head = ["Hạng", "Đơn vị", "Điểm", "Tối đa", "%", "Xếp loại", "Tự chấm", "Thẩm định"]
    for table in r.get("tables", []):
        cs = table.get("criteria_set", {})
        caption = f"{_n(cs.get('id'))} (rev. {_n(cs.get('revision'))})"
        rows = [
            _row(
                [
                    _td(_n(row["rank"]), True),
                    _td(f"{_n(row['unit_name'])} ({_n(row['unit_code'])})"),
                    _td(_n(row["points"]), True),
                    _td(_n(row["max"]), True),
                    _td(_n(row.get("percent")), True),
                    _td(_n(row.get("classification"))),
                    _td(_n(row.get("self")), True),
                    _td(_n(row.get("review")), True),
                ]
            )
            for row in table.get("rows", [])
        ]
        out.append(
            f'<table class="chamdiem"><caption>{caption}</caption><thead>'
            + _row([f"<th>{h}</th>" for h in head])
            + "</thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )
    return "".join(out)


def dossier_html(d: Dict[str, Any]) -> str:
    """A dossier's header and the progress of its entries."""
    entries = d.get("entries", [])
    self_done = sum(1 for e in entries if e.get("self") is not None)
    review_done = sum(1 for e in entries if e.get("review") is not None)
    flagged = sum(1 for e in entries if e.get("request") is not None)
    cs = d.get("criteria_set", {})
    items = [
        ("Hồ sơ / dossier", d.get("id")),
        ("Đơn vị / unit", d.get("unit")),
        ("Kỳ / period", d.get("period")),
        ("Bộ chỉ tiêu / criteria set", f"{cs.get('id')} (rev. {cs.get('revision')})"),
        ("Trạng thái / state", d.get("state")),
        ("Phiên bản / version", d.get("version")),
        ("Tự chấm / self-scored", f"{self_done} / {len(entries)}"),
        ("Thẩm định / reviewed", f"{review_done} / {len(entries)}"),
        ("Yêu cầu giải trình / flagged", flagged),
    ]
    rows = "".join(_row([f"<th>{escape(k)}</th>", _td(_n(v))]) for k, v in items)
    return _STYLE + f'<table class="chamdiem">{rows}</table>'
