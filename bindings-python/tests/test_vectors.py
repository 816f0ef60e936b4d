"""Runs every language-neutral vector in tests/vectors/ through the Python API, as
tests/vectors/README.md specifies: one pytest test per file, each reporting every difference
with the dossier, the step and the path (``$.total.self.points: expected "80", actual "79.5"``).

Commands and sets go in as dicts (the Pythonic path). One whose JSON holds a number with a
fraction goes in as its JSON text instead: a Python dict cannot hold such a number without
turning it into a float, which the API refuses with TypeError before the core sees it (the
vector expects the core's own ``invalid_input``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

import chamdiem as cd
from matching import compare, error_value, normalize_results, normalize_view, short

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"
FILES = sorted(VECTORS.glob("*.json"))
MIN_VECTORS = 40

TOP_KEYS = {
    "format", "format_version", "name", "description", "tags", "criteria_set",
    "criteria_set_file", "criteria_set_compact", "criteria_set_compact_file",
    "expect_set_error", "actors", "dossiers", "ranking",
}
SET_KEYS = {"criteria_set", "criteria_set_file", "criteria_set_compact", "criteria_set_compact_file"}
DOSSIER_KEYS = {
    "name", "description", "unit", "open", "opened_by", "opened_at", "expect_open_error",
    "steps", "results",
} | SET_KEYS
STEP_KEYS = {"actor", "now", "command", "command_json", "expect", "comment"}
EXPECT_KEYS = {"state", "version", "events", "error", "missing", "details"}


class Problem(Exception):
    """The vector itself is malformed."""


def check_keys(obj: Dict[str, Any], allowed: set, what: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise Problem(f"{what} has unknown keys {unknown} (known: {sorted(allowed)})")


def has_float(v: Any) -> bool:
    if isinstance(v, float):
        return True
    if isinstance(v, dict):
        return any(has_float(x) for x in v.values())
    if isinstance(v, list):
        return any(has_float(x) for x in v)
    return False


class Runner:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.failures: List[str] = []
        self.actors: Dict[str, cd.Actor] = {}
        self.done: Dict[str, cd.Results] = {}

    def fail(self, place: str, lines: List[str]) -> None:
        if lines:
            self.failures.append(f"  {place}:\n" + "\n".join(f"    {x}" for x in lines))

    # -- sets -----------------------------------------------------------------------------
    def set_forms(self, o: Dict[str, Any]) -> List[Tuple[str, Any]]:
        forms: List[Tuple[str, Any]] = []
        if "criteria_set" in o and "criteria_set_file" in o:
            raise Problem("give criteria_set or criteria_set_file, not both")
        if "criteria_set" in o:
            doc = o["criteria_set"]
            if has_float(doc):
                forms.append(("criteria_set", lambda: cd.CriteriaSet.from_json(json.dumps(doc))))
            else:
                forms.append(("criteria_set", lambda: cd.CriteriaSet.from_dict(doc)))
        if "criteria_set_file" in o:
            p = VECTORS / o["criteria_set_file"]
            forms.append((o["criteria_set_file"], lambda: cd.CriteriaSet.from_json(p.read_text("utf-8"))))
        if "criteria_set_compact" in o and "criteria_set_compact_file" in o:
            raise Problem("give criteria_set_compact or criteria_set_compact_file, not both")
        if "criteria_set_compact" in o:
            text = o["criteria_set_compact"]
            forms.append(("criteria_set_compact", lambda: cd.CriteriaSet.from_compact(text)))
        if "criteria_set_compact_file" in o:
            p2 = VECTORS / o["criteria_set_compact_file"]
            forms.append((o["criteria_set_compact_file"], lambda: cd.CriteriaSet.load(p2)))
        return forms

    def load_set(self, forms: List[Tuple[str, Any]], place: str) -> Optional[cd.CriteriaSet]:
        loaded = []
        for name, load in forms:
            try:
                loaded.append((name, load()))
            except cd.Error as e:
                self.fail(place, [f"the set {name} does not load: {e}"])
                return None
        if len(loaded) == 2 and loaded[0][1] != loaded[1][1]:
            lines = [f"the sets {loaded[0][0]} and {loaded[1][0]} do not load equal:"]
            lines += compare(loaded[0][1].to_dict(), loaded[1][1].to_dict(), exact=True)
            self.fail(place, lines)
        return loaded[0][1] if loaded else None

    # -- the vector -----------------------------------------------------------------------
    def actor(self, v: Any) -> cd.Actor:
        if isinstance(v, str):
            if v not in self.actors:
                raise Problem(f"unknown actor `{v}`")
            return self.actors[v]
        if isinstance(v, dict):
            return cd.Actor(v["user"], v["role"], v["unit"])
        raise Problem(f"an actor is a name or an object, not {v!r}")

    def run(self) -> None:
        top = json.loads(self.path.read_text("utf-8"))
        check_keys(top, TOP_KEYS, "the vector")
        if top.get("format") != "chamdiem.vector" or top.get("format_version") != 1:
            raise Problem("format must be chamdiem.vector, version 1")
        if top.get("name") != self.path.stem:
            raise Problem(f"`name` must be the file's name, {self.path.stem!r}")
        forms = self.set_forms(top)
        if "expect_set_error" in top:
            if "dossiers" in top:
                raise Problem("a vector with expect_set_error has no dossiers")
            for name, load in forms:
                try:
                    load()
                except cd.Error as e:
                    self.fail(f"set ({name})", compare(top["expect_set_error"], error_value(e)))
                else:
                    self.fail("set", [f"the set {name} loaded, but it should fail"])
            return
        default_set = self.load_set(forms, "set") if forms else None
        if forms and default_set is None:
            return
        for name, a in top.get("actors", {}).items():
            self.actors[name] = cd.Actor(a["user"], a["role"], a["unit"])
        ranked: List[Tuple[cd.Unit, cd.Results]] = []
        for i, d in enumerate(top.get("dossiers", [])):
            name = d.get("name", f"#{i}")
            outcome = self.run_dossier(d, name, default_set)
            if outcome is not None:
                unit, results = outcome
                self.done[name] = results
                if unit is not None:
                    ranked.append((unit, results))
        if "ranking" in top:
            actual = cd.rank(ranked).to_dict()
            self.fail("ranking", compare(top["ranking"], actual))

    def run_dossier(
        self, o: Dict[str, Any], name: str, default_set: Optional[cd.CriteriaSet]
    ) -> Optional[Tuple[Optional[cd.Unit], cd.Results]]:
        check_keys(o, DOSSIER_KEYS, "the dossier")
        place = lambda s: f"dossier `{name}` {s}"  # noqa: E731
        forms = self.set_forms(o)
        if forms:
            cs = self.load_set(forms, place("set"))
            if cs is None:
                return None
        elif default_set is None:
            raise Problem("no criteria set for the vector or the dossier")
        else:
            cs = default_set
        unit = cd.Unit.from_dict(o["unit"]) if "unit" in o else None
        opener = self.actor(o.get("opened_by"))
        opened_at = o["opened_at"]
        try:
            dossier = cd.Dossier.open(o["open"], cs, opener, opened_at)
        except cd.Error as e:
            if "expect_open_error" in o:
                self.fail(place("open"), compare(o["expect_open_error"], error_value(e)))
            else:
                self.fail(place("open"), [f"the dossier does not open: {e}"])
            return None
        if "expect_open_error" in o:
            self.fail(place("open"), ["the dossier opened, but it should fail"])
            return None
        now = opened_at
        for i, step in enumerate(o.get("steps", [])):
            now = step.get("now", now)
            if "check" in step:
                self.run_check(step, cs, dossier, now, f"dossier `{name}` step {i} (check {step['check']})")
            else:
                self.run_command(step, cs, dossier, now, f"dossier `{name}` step {i}")
        full = dossier.results(cs)
        if "results" in o:
            self.fail(place("results"), compare(o["results"], normalize_results(full.to_dict())))
        replayed = cd.Dossier.replay(dossier.history())
        if replayed != dossier:
            self.fail(place("replay"), ["replaying the history does not rebuild the dossier:"]
                      + compare(dossier.to_dict(), replayed.to_dict(), exact=True))
        if cd.Dossier.from_json(dossier.to_json()) != dossier:
            self.fail(place("JSON"), ["the dossier's JSON does not read back equal"])
        if cd.Dossier.from_dict(dossier.to_dict()) != dossier:
            self.fail(place("dict"), ["the dossier's dict does not read back equal"])
        for e in dossier.history():
            if cd.Event.from_json(e.to_json()) != e or cd.Event.from_dict(e.to_dict()) != e:
                self.fail(place("JSON"), [f"event version {e.version} does not read back equal"])
        return unit, full

    def run_command(self, s: Dict[str, Any], cs: cd.CriteriaSet, dossier: cd.Dossier, now: str, place: str) -> None:
        check_keys(s, STEP_KEYS, "a command step")
        actor = self.actor(s.get("actor"))
        if "command" in s:
            command: Any = s["command"]
            if has_float(command):
                command = json.dumps(command)
            label = s["command"].get("type", "?") if isinstance(s["command"], dict) else "?"
        elif isinstance(s.get("command_json"), str):
            command = s["command_json"]
            label = "command_json"
        else:
            raise Problem("a step has `command`, `command_json` or `check`")
        place = f"{place} ({s.get('actor') if isinstance(s.get('actor'), str) else 'inline'}: {label})"
        expect = s.get("expect", {})
        check_keys(expect, EXPECT_KEYS, "a command's expect")
        before = dossier.to_json()
        try:
            events = dossier.execute(cs, actor, command, now)
        except cd.Error as err:
            if dossier.to_json() != before:
                self.fail(place, ["a refused command changed the dossier"])
            if "error" not in expect:
                self.fail(place, [f"expected success, but the command was refused: {short(err.to_dict())}"])
                return
            self.fail(place, self.match_error(expect, err))
            return
        if "error" in expect:
            self.fail(place, [f"expected error {short(expect['error'])}, but the command succeeded "
                              f"with events {[e.type for e in events]}"])
            return
        actual = {"state": dossier.state, "version": dossier.version, "events": [e.type for e in events]}
        want = {k: v for k, v in expect.items() if k not in ("missing", "details")}
        self.fail(place, compare(want, actual))

    @staticmethod
    def match_error(expect: Dict[str, Any], err: cd.Error) -> List[str]:
        if "error" in expect and expect["error"] != err.code:
            return [f"$.error: expected {short(expect['error'])}, actual {err.code!r} ({err})"]
        # The class of the code, with its typed attributes.
        if type(err) is not cd.exceptions.ERROR_CLASSES[err.code]:
            return [f"the error {err.code} is raised as {type(err).__name__}"]
        out: List[str] = []
        if "missing" in expect:
            assert isinstance(err, cd.GuardFailed)
            actual = [{k: v for k, v in m._asdict().items() if v is not None} for m in err.missing]
            out += compare(expect["missing"], actual, "$.missing")
        if "details" in expect:
            out += compare(expect["details"], err.details, "$.details")
        return out

    def run_check(self, s: Dict[str, Any], cs: cd.CriteriaSet, dossier: cd.Dossier, now: str, place: str) -> None:
        check = s["check"]
        expect = s.get("expect")
        if expect is None:
            raise Problem("a check needs `expect`")
        error_expected = isinstance(expect, dict) and "error" in expect

        def on_error(err: cd.Error) -> None:
            if error_expected:
                self.fail(place, self.match_error(expect, err))
            else:
                self.fail(place, [f"refused: {short(err.to_dict())}"])

        if check == "view":
            check_keys(s, {"check", "actor", "now", "expect", "comment"}, "a view check")
            try:
                v = dossier.view(self.actor(s.get("actor")))
            except cd.Error as err:
                on_error(err)
                return
            if error_expected:
                self.fail(place, [f"expected error {expect['error']}, but the check succeeded"])
            else:
                self.fail(place, compare(expect, normalize_view(v.to_dict())))
        elif check == "actions":
            check_keys(s, {"check", "actor", "now", "expect", "comment"}, "an actions check")
            check_keys(expect, {"allowed", "refused"}, "an actions check's expect")
            actions = dossier.available_actions(cs, self.actor(s.get("actor")), now)
            if "allowed" in expect:
                want = set(expect["allowed"])
                got = {a.command for a in actions if a.allowed}
                if want != got:
                    self.fail(place, [f"$.allowed: expected {sorted(want)}, actual {sorted(got)} "
                                      f"(missing {sorted(want - got)}, extra {sorted(got - want)})"])
            for command, w in expect.get("refused", {}).items():
                path = f"$.refused.{command}"
                found = [a for a in actions if a.command == command]
                if not found:
                    self.fail(place, [f"{path}: the actor has no such action"])
                    continue
                reason = found[0].reason
                if reason is None:
                    self.fail(place, [f"{path}: expected refused, actual allowed"])
                elif isinstance(w, str):
                    if w != reason.code:
                        self.fail(place, [f"{path}: expected {w!r}, actual {reason.code!r} ({reason})"])
                else:
                    self.fail(place, compare(w, error_value(reason), path))
        elif check == "results":
            check_keys(s, {"check", "actor", "now", "filter", "expect", "comment"}, "a results check")
            f = s.get("filter", {})
            check_keys(f, {"group", "explanation_requested"}, "a results filter")
            try:
                r = dossier.results(
                    cs,
                    actor=self.actor(s["actor"]) if "actor" in s else None,
                    group=f.get("group"),
                    explanation_requested=bool(f.get("explanation_requested", False)),
                )
            except cd.Error as err:
                on_error(err)
                return
            if error_expected:
                self.fail(place, [f"expected error {expect['error']}, but the check succeeded"])
            else:
                self.fail(place, compare(expect, normalize_results(r.to_dict())))
        elif check == "precheck":
            check_keys(s, {"check", "actor", "now", "previous", "expect", "comment"}, "a precheck check")
            previous = None
            if "previous" in s:
                if s["previous"] not in self.done:
                    raise Problem(f"`previous` names {s['previous']!r}, which has not run")
                previous = self.done[s["previous"]]
            try:
                p = dossier.precheck(cs, previous)
            except cd.Error as err:
                on_error(err)
                return
            self.fail(place, compare(expect, p.to_dict()))
        elif check == "history":
            check_keys(s, {"check", "actor", "now", "criterion", "expect", "comment"}, "a history check")
            events = dossier.history(s.get("criterion"))
            self.fail(place, compare(expect, events.to_list()))
        else:
            raise Problem(f"unknown check `{check}`")


def test_the_folder_holds_the_vectors() -> None:
    assert len(FILES) >= MIN_VECTORS, f"only {len(FILES)} vectors in {VECTORS}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_vector(path: Path) -> None:
    runner = Runner(path)
    runner.run()
    assert not runner.failures, f"{path.name}:\n" + "\n".join(runner.failures)


def test_the_matcher_refuses_differences() -> None:
    actual = {"total": {"self": {"points": "79.5"}}, "events": ["self_saved", "self_saved"], "flag": True}
    assert compare({"total": {"self": {"points": "79.5"}}}, actual) == []
    assert compare({"absent": None}, actual) == []
    for bad in [
        {"total": {"self": {"points": "80"}}},
        {"total": {"self": {"points": 79.5}}},
        {"total": {"review": {}}},
        {"events": ["self_saved"]},
        {"events": ["self_saved", "submitted"]},
        {"flag": False},
        {"flag": 1},
        {"flag": None},
        {"total": []},
    ]:
        assert compare(bad, actual), bad
    assert compare({"total": {"self": {"points": "80"}}}, actual) == [
        '$.total.self.points: expected "80", actual "79.5"'
    ]
