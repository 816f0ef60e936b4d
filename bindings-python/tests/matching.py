"""The partial deep match of tests/vectors/README.md, for the Python runner."""

from __future__ import annotations

import json
from typing import Any, Dict, List

_MISSING = object()


def short(v: Any) -> str:
    s = json.dumps(v, ensure_ascii=False, default=str)
    return s if len(s) <= 300 else s[:300] + "…"


def compare(expected: Any, actual: Any, path: str = "$", exact: bool = False) -> List[str]:
    """One line per difference. Partial: every expected key must match (extra actual keys are
    ignored; an expected null also matches an absent key); arrays match element by element;
    scalars must be equal, and a bool never equals a number."""
    out: List[str] = []
    _compare(expected, actual, path, exact, out)
    return out


def _compare(e: Any, a: Any, path: str, exact: bool, out: List[str]) -> None:
    if a is _MISSING:
        if e is None and not exact:
            return
        out.append(f"{path}: missing; expected {short(e)}")
        return
    if isinstance(e, dict):
        if not isinstance(a, dict):
            out.append(f"{path}: expected an object {short(e)}, actual {short(a)}")
            return
        for k, ev in e.items():
            _compare(ev, a.get(k, _MISSING), f"{path}.{k}", exact, out)
        if exact:
            for k in a:
                if k not in e:
                    out.append(f"{path}.{k}: unexpected key, actual {short(a[k])}")
        return
    if isinstance(e, list):
        if not isinstance(a, list):
            out.append(f"{path}: expected an array {short(e)}, actual {short(a)}")
            return
        if len(e) != len(a):
            out.append(
                f"{path}: expected {len(e)} items, actual {len(a)} items\n"
                f"      expected: {short(e)}\n      actual:   {short(a)}"
            )
            return
        for i, (ev, av) in enumerate(zip(e, a)):
            _compare(ev, av, f"{path}[{i}]", exact, out)
        return
    same_kind = isinstance(e, bool) == isinstance(a, bool)
    if not same_kind or type(e) is not type(a) and not (
        isinstance(e, (int, float)) and isinstance(a, (int, float)) and not isinstance(e, bool)
    ):
        out.append(f"{path}: expected {short(e)}, actual {short(a)}")
        return
    if e != a:
        out.append(f"{path}: expected {short(e)}, actual {short(a)}")


def key_by(doc: Dict[str, Any], field: str, key: str) -> None:
    items = doc.get(field)
    if isinstance(items, list):
        doc[field] = {item.get(key, ""): item for item in items}


def normalize_results(d: Dict[str, Any]) -> Dict[str, Any]:
    key_by(d, "groups", "code")
    key_by(d, "criteria", "code")
    return d


def normalize_view(v: Dict[str, Any]) -> Dict[str, Any]:
    dossier = v.get("dossier")
    if isinstance(dossier, dict):
        key_by(dossier, "entries", "criterion")
    return v


def error_value(err: Any) -> Dict[str, Any]:
    """An error as vectors match it: ``{code, message, details, ...details}``."""
    v: Dict[str, Any] = err.to_dict()
    for k, x in v["details"].items():
        v.setdefault(k, x)
    return v
