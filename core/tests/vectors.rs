//! Runs every language-neutral test vector in `tests/vectors/*.json`, as
//! `tests/vectors/README.md` specifies.
//!
//! One test runs all the files and reports every failure at the end, each with the file name,
//! the dossier, the step and a line per difference (`$.total.self.points: expected "80", actual
//! "79.5"`). A second test checks the matcher itself, so that a matcher that accepts everything
//! cannot make the vectors pass silently.
//!
//! Run one file: `VECTOR=story-explanation-two-rounds cargo test -p chamdiem --test vectors`.

use chamdiem::workflow::ActionStatus;
use chamdiem::{
    Actor, Command, CriteriaSet, Dossier, Error, OpenDossier, Results, ResultsFilter, Timestamp,
    Unit, available_actions, precheck, rank, results, view,
};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The folder of the vectors.
fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// Fewer vectors than this means files went missing.
const MIN_VECTORS: usize = 40;

// ------------------------------------------------------------------------------------------------
// Matching

/// Compares `expected` with `actual` and appends one line per difference to `out`.
///
/// Partial (the vectors' rule): every key of an expected object must match in the actual one
/// (extra actual keys are ignored; an expected `null` also matches an absent key); arrays must
/// have the same length and match element by element; scalars must be equal. Exact: objects
/// must have the same keys too.
fn compare(
    expected: &Value,
    actual: Option<&Value>,
    path: &str,
    exact: bool,
    out: &mut Vec<String>,
) {
    match (expected, actual) {
        (Value::Null, None) if !exact => {}
        (_, None) => out.push(format!("{path}: missing; expected {}", short(expected))),
        (Value::Object(e), Some(Value::Object(a))) => {
            for (k, ev) in e {
                compare(ev, a.get(k), &format!("{path}.{k}"), exact, out);
            }
            if exact {
                for k in a.keys().filter(|k| !e.contains_key(*k)) {
                    out.push(format!(
                        "{path}.{k}: unexpected key, actual {}",
                        short(&a[k])
                    ));
                }
            }
        }
        (Value::Array(e), Some(Value::Array(a))) => {
            if e.len() != a.len() {
                out.push(format!(
                    "{path}: expected {} items, actual {} items\n      expected: {}\n      actual:   {}",
                    e.len(),
                    a.len(),
                    short(expected),
                    short(&Value::Array(a.clone()))
                ));
                return;
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                compare(ev, Some(av), &format!("{path}[{i}]"), exact, out);
            }
        }
        (e, Some(a)) => {
            if e != a {
                out.push(format!(
                    "{path}: expected {}, actual {}",
                    short(e),
                    short(a)
                ));
            }
        }
    }
}

/// The differences between `expected` and `actual` under the partial match.
fn partial_diff(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    compare(expected, Some(actual), "$", false, &mut out);
    out
}

/// A value on one line, cut when long.
fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 300 {
        let cut: String = s.chars().take(300).collect();
        format!("{cut}…")
    } else {
        s
    }
}

/// Results with their `groups` and `criteria` arrays turned into objects keyed by code.
fn normalize_results(r: &Results) -> Value {
    let mut v = serde_json::to_value(r).expect("results serialize");
    key_by(&mut v, "groups", "code");
    key_by(&mut v, "criteria", "code");
    v
}

/// A view with its `dossier.entries` array turned into an object keyed by criterion.
fn normalize_view(v: &chamdiem::DossierView) -> Value {
    let mut v = serde_json::to_value(v).expect("a view serializes");
    if let Some(d) = v.get_mut("dossier") {
        key_by(d, "entries", "criterion");
    }
    v
}

fn key_by(v: &mut Value, field: &str, key: &str) {
    if let Some(Value::Array(items)) = v.get(field) {
        let mut m = Map::new();
        for item in items {
            let k = item.get(key).and_then(Value::as_str).unwrap_or_default();
            m.insert(k.to_owned(), item.clone());
        }
        v[field] = Value::Object(m);
    }
}

/// An error as vectors match it: `{code, message, details, ...details}` (the details' fields
/// are also given at the top level, so `{"code": "invalid_criteria_set", "offending_code": "1"}`
/// matches).
fn error_value(e: &Error) -> Value {
    let mut v = e.to_json();
    if let Some(Value::Object(d)) = v.get("details").cloned() {
        let o = v.as_object_mut().expect("an error is an object");
        for (k, x) in d {
            o.entry(k).or_insert(x);
        }
    }
    v
}

/// Matches a step's error expectation `{"error": code, "missing": [...], "details": {...}}`.
fn match_error(expect: &Map<String, Value>, e: &Error) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(code) = expect.get("error")
        && code != e.code()
    {
        out.push(format!(
            "$.error: expected {}, actual \"{}\" ({})",
            short(code),
            e.code(),
            e
        ));
        return out;
    }
    if let Some(m) = expect.get("missing") {
        let actual = serde_json::to_value(e.missing()).expect("missing items serialize");
        compare(m, Some(&actual), "$.missing", false, &mut out);
    }
    if let Some(d) = expect.get("details") {
        compare(d, Some(&e.details()), "$.details", false, &mut out);
    }
    out
}

// ------------------------------------------------------------------------------------------------
// Reading vectors

/// A failure: where, and what differed.
struct Failure {
    place: String,
    lines: Vec<String>,
}

struct Report {
    file: String,
    failures: Vec<Failure>,
    steps: usize,
}

impl Report {
    fn fail(&mut self, place: impl Into<String>, lines: Vec<String>) {
        if !lines.is_empty() {
            self.failures.push(Failure {
                place: place.into(),
                lines,
            });
        }
    }
    fn fail1(&mut self, place: impl Into<String>, line: impl Into<String>) {
        self.fail(place, vec![line.into()]);
    }
}

/// Refuses unknown keys, so that a misspelt expectation cannot be skipped silently.
fn check_keys(obj: &Map<String, Value>, allowed: &[&str], what: &str) -> Result<(), String> {
    let unknown: Vec<&str> = obj
        .keys()
        .map(String::as_str)
        .filter(|k| !allowed.contains(k))
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{what} has unknown keys {unknown:?} (known: {allowed:?})"
        ))
    }
}

fn obj<'a>(v: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("{what} must be an object"))
}

fn timestamp(v: Option<&Value>, what: &str) -> Result<Option<Timestamp>, String> {
    match v {
        None => Ok(None),
        Some(Value::String(s)) => Timestamp::parse(s)
            .map(Some)
            .map_err(|e| format!("{what}: {e}")),
        Some(other) => Err(format!("{what} must be an RFC 3339 string, not {other}")),
    }
}

const SET_KEYS: [&str; 4] = [
    "criteria_set",
    "criteria_set_file",
    "criteria_set_compact",
    "criteria_set_compact_file",
];

/// The forms of a criteria set an object gives (the vector itself, or one dossier).
struct SetForms {
    json: Option<(String, Value)>,
    compact: Option<(String, String)>,
}

impl SetForms {
    fn read(o: &Map<String, Value>, dir: &Path) -> Result<SetForms, String> {
        let read_file = |key: &str| -> Result<Option<(String, String)>, String> {
            match o.get(key) {
                None => Ok(None),
                Some(Value::String(p)) => std::fs::read_to_string(dir.join(p))
                    .map(|t| Some((p.clone(), t)))
                    .map_err(|e| format!("{key} `{p}`: {e}")),
                Some(other) => Err(format!("{key} must be a path, not {other}")),
            }
        };
        let json = match (o.get("criteria_set"), read_file("criteria_set_file")?) {
            (Some(_), Some(_)) => {
                return Err("give criteria_set or criteria_set_file, not both".into());
            }
            (Some(v), None) => Some(("criteria_set".to_owned(), v.clone())),
            (None, Some((p, text))) => Some((
                p.clone(),
                serde_json::from_str(&text).map_err(|e| format!("{p}: not JSON: {e}"))?,
            )),
            (None, None) => None,
        };
        let compact = match (
            o.get("criteria_set_compact"),
            read_file("criteria_set_compact_file")?,
        ) {
            (Some(_), Some(_)) => {
                return Err(
                    "give criteria_set_compact or criteria_set_compact_file, not both".into(),
                );
            }
            (Some(Value::String(t)), None) => Some(("criteria_set_compact".to_owned(), t.clone())),
            (Some(other), None) => {
                return Err(format!(
                    "criteria_set_compact must be a string, not {other}"
                ));
            }
            (None, f) => f,
        };
        Ok(SetForms { json, compact })
    }

    fn is_empty(&self) -> bool {
        self.json.is_none() && self.compact.is_none()
    }

    /// Each form given, loaded.
    fn load(&self) -> Vec<(String, Result<CriteriaSet, Error>)> {
        let mut out = Vec::new();
        if let Some((name, v)) = &self.json {
            out.push((name.clone(), CriteriaSet::from_json_value(v.clone())));
        }
        if let Some((name, t)) = &self.compact {
            out.push((name.clone(), CriteriaSet::from_compact(t)));
        }
        out
    }
}

/// Loads the set of `forms`: both forms, when both are given, must load equal.
fn load_set(forms: &SetForms, report: &mut Report, place: &str) -> Option<CriteriaSet> {
    let mut loaded = Vec::new();
    for (name, r) in forms.load() {
        match r {
            Ok(s) => loaded.push((name, s)),
            Err(e) => {
                report.fail1(place, format!("the set {name} does not load: {e}"));
                return None;
            }
        }
    }
    if let [(na, a), (nb, b)] = loaded.as_slice()
        && a != b
    {
        let va = serde_json::to_value(a.to_doc()).expect("a set serializes");
        let vb = serde_json::to_value(b.to_doc()).expect("a set serializes");
        let mut lines = vec![format!("the sets {na} and {nb} do not load equal:")];
        compare(&va, Some(&vb), "$", true, &mut lines);
        report.fail(place, lines);
    }
    loaded.into_iter().next().map(|(_, s)| s)
}

struct Ctx<'a> {
    actors: BTreeMap<String, Actor>,
    /// The full results of every dossier that already ran, by name.
    done: BTreeMap<String, Results>,
    dir: &'a Path,
}

impl Ctx<'_> {
    fn actor(&self, v: Option<&Value>) -> Result<Actor, String> {
        match v {
            Some(Value::String(name)) => self
                .actors
                .get(name)
                .cloned()
                .ok_or_else(|| format!("unknown actor `{name}`")),
            Some(v @ Value::Object(_)) => {
                serde_json::from_value(v.clone()).map_err(|e| format!("bad inline actor: {e}"))
            }
            Some(other) => Err(format!("an actor is a name or an object, not {other}")),
            None => Err("the step has no actor".into()),
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Running

fn run_file(path: &Path) -> Report {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut report = Report {
        file: file.clone(),
        failures: Vec::new(),
        steps: 0,
    };
    if let Err(msg) = run_vector(path, &mut report) {
        report.fail1("vector", msg);
    }
    report
}

fn run_vector(path: &Path, report: &mut Report) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    let top = obj(&v, "the vector")?;
    check_keys(
        top,
        &[
            "format",
            "format_version",
            "name",
            "description",
            "tags",
            "criteria_set",
            "criteria_set_file",
            "criteria_set_compact",
            "criteria_set_compact_file",
            "expect_set_error",
            "actors",
            "dossiers",
            "ranking",
        ],
        "the vector",
    )?;
    if top.get("format") != Some(&json!("chamdiem.vector")) {
        return Err("`format` must be \"chamdiem.vector\"".into());
    }
    if top.get("format_version") != Some(&json!(1)) {
        return Err("`format_version` must be 1".into());
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if top.get("name").and_then(Value::as_str) != Some(stem.as_str()) {
        return Err(format!("`name` must be the file's name, \"{stem}\""));
    }
    let dir = path.parent().expect("a vector lives in a folder");
    let forms = SetForms::read(top, dir)?;

    if let Some(expect) = top.get("expect_set_error") {
        if top.contains_key("dossiers") {
            return Err("a vector with expect_set_error has no dossiers".into());
        }
        if forms.is_empty() {
            return Err("expect_set_error needs a set".into());
        }
        for (name, r) in forms.load() {
            match r {
                Ok(_) => report.fail1(
                    "set",
                    format!(
                        "the set {name} loaded, but it should fail with {}",
                        short(expect)
                    ),
                ),
                Err(e) => report.fail(
                    format!("set ({name})"),
                    partial_diff(expect, &error_value(&e)),
                ),
            }
        }
        return Ok(());
    }

    let default_set = if forms.is_empty() {
        None
    } else {
        match load_set(&forms, report, "set") {
            Some(s) => Some(s),
            None => return Ok(()),
        }
    };

    let mut ctx = Ctx {
        actors: BTreeMap::new(),
        done: BTreeMap::new(),
        dir,
    };
    if let Some(a) = top.get("actors") {
        for (name, actor) in obj(a, "actors")? {
            let actor: Actor = serde_json::from_value(actor.clone())
                .map_err(|e| format!("actor `{name}`: {e}"))?;
            ctx.actors.insert(name.clone(), actor);
        }
    }

    let dossiers = match top.get("dossiers") {
        Some(Value::Array(d)) => d.as_slice(),
        Some(_) => return Err("`dossiers` must be an array".into()),
        None => &[],
    };
    let mut ranked: Vec<(Unit, Results)> = Vec::new();
    for (i, d) in dossiers.iter().enumerate() {
        let o = obj(d, "a dossier")?;
        let name = o
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("#{i}"));
        let outcome = run_dossier(o, &name, default_set.as_ref(), &mut ctx, report)
            .map_err(|m| format!("dossier `{name}`: {m}"))?;
        if let Some((unit, results)) = outcome {
            ctx.done.insert(name.clone(), results.clone());
            if let Some(unit) = unit {
                ranked.push((unit, results));
            }
        }
    }

    if let Some(expect) = top.get("ranking") {
        let ranking = rank(ranked.iter().map(|(u, r)| (u, r)));
        let actual = serde_json::to_value(&ranking).expect("a ranking serializes");
        report.fail("ranking", partial_diff(expect, &actual));
    }
    Ok(())
}

type DossierOutcome = Option<(Option<Unit>, Results)>;

fn run_dossier(
    o: &Map<String, Value>,
    name: &str,
    default_set: Option<&CriteriaSet>,
    ctx: &mut Ctx<'_>,
    report: &mut Report,
) -> Result<DossierOutcome, String> {
    let mut keys = vec![
        "name",
        "description",
        "unit",
        "open",
        "opened_by",
        "opened_at",
        "expect_open_error",
        "steps",
        "results",
    ];
    keys.extend(SET_KEYS);
    check_keys(o, &keys, "the dossier")?;
    let place = |s: &str| format!("dossier `{name}` {s}");

    // Its own set, or the vector's.
    let forms = SetForms::read(o, ctx.dir)?;
    let own;
    let set = if forms.is_empty() {
        default_set.ok_or("no criteria set: give one for the vector or for the dossier")?
    } else {
        match load_set(&forms, report, &place("set")) {
            Some(s) => {
                own = s;
                &own
            }
            None => return Ok(None),
        }
    };

    let unit: Option<Unit> = match o.get("unit") {
        Some(u) => Some(serde_json::from_value(u.clone()).map_err(|e| format!("unit: {e}"))?),
        None => None,
    };
    let spec: OpenDossier = serde_json::from_value(o.get("open").cloned().ok_or("no `open`")?)
        .map_err(|e| format!("open: {e}"))?;
    let opener = ctx.actor(o.get("opened_by"))?;
    let opened_at = timestamp(o.get("opened_at"), "opened_at")?.ok_or("no `opened_at` instant")?;

    let opened = Dossier::open(spec, set, &opener, opened_at);
    if let Some(expect) = o.get("expect_open_error") {
        match opened {
            Ok(_) => report.fail1(place("open"), "the dossier opened, but it should fail"),
            Err(e) => report.fail(place("open"), partial_diff(expect, &error_value(&e))),
        }
        return Ok(None);
    }
    let mut dossier = match opened {
        Ok(d) => d,
        Err(e) => {
            report.fail1(place("open"), format!("the dossier does not open: {e}"));
            return Ok(None);
        }
    };

    let mut now = opened_at;
    let steps = match o.get("steps") {
        Some(Value::Array(s)) => s.as_slice(),
        Some(_) => return Err("`steps` must be an array".into()),
        None => &[],
    };
    for (i, step) in steps.iter().enumerate() {
        report.steps += 1;
        let s = obj(step, "a step").map_err(|m| format!("step {i}: {m}"))?;
        if let Some(t) = timestamp(s.get("now"), "now").map_err(|m| format!("step {i}: {m}"))? {
            now = t;
        }
        run_step(s, i, set, &mut dossier, now, ctx, report, name)
            .map_err(|m| format!("step {i}: {m}"))?;
    }

    // The end of the dossier: expected results, replay, JSON round trips.
    let full = match results(set, &dossier) {
        Ok(r) => r,
        Err(e) => {
            report.fail1(place("results"), format!("results fail: {e}"));
            return Ok(None);
        }
    };
    if let Some(expect) = o.get("results") {
        report.fail(
            place("results"),
            partial_diff(expect, &normalize_results(&full)),
        );
    }
    match Dossier::replay(dossier.history().iter().cloned()) {
        Ok(r) if r == dossier => {}
        Ok(r) => {
            let mut lines = vec!["replaying the history does not rebuild the dossier:".into()];
            let a: Value = serde_json::from_str(&dossier.to_json()).expect("JSON");
            let b: Value = serde_json::from_str(&r.to_json()).expect("JSON");
            compare(&a, Some(&b), "$", true, &mut lines);
            report.fail(place("replay"), lines);
        }
        Err(e) => report.fail1(place("replay"), format!("replay fails: {e}")),
    }
    match Dossier::from_json(&dossier.to_json()) {
        Ok(back) if back == dossier => {}
        Ok(_) => report.fail1(place("JSON"), "the dossier's JSON does not read back equal"),
        Err(e) => report.fail1(
            place("JSON"),
            format!("the dossier's JSON does not read back: {e}"),
        ),
    }
    for e in dossier.history() {
        match chamdiem::Event::from_json(&e.to_json()) {
            Ok(back) if &back == e => {}
            _ => report.fail1(
                place("JSON"),
                format!(
                    "event version {} does not read back equal from its JSON",
                    e.version
                ),
            ),
        }
    }
    Ok(Some((unit, full)))
}

#[allow(clippy::too_many_arguments)]
fn run_step(
    s: &Map<String, Value>,
    i: usize,
    set: &CriteriaSet,
    dossier: &mut Dossier,
    now: Timestamp,
    ctx: &Ctx<'_>,
    report: &mut Report,
    dossier_name: &str,
) -> Result<(), String> {
    let actor_label = match s.get("actor") {
        Some(Value::String(n)) => n.clone(),
        Some(Value::Object(a)) => a
            .get("user")
            .and_then(Value::as_str)
            .unwrap_or("inline actor")
            .to_owned(),
        _ => String::new(),
    };
    if let Some(check) = s.get("check") {
        let check = check.as_str().ok_or("`check` must be a string")?;
        let place = format!("dossier `{dossier_name}` step {i} (check {check})");
        return run_check(s, check, set, dossier, now, ctx, report, &place);
    }
    check_keys(
        s,
        &[
            "actor",
            "now",
            "command",
            "command_json",
            "expect",
            "comment",
        ],
        "a command step",
    )?;
    let actor = ctx.actor(s.get("actor"))?;
    let command: Result<Command, Error> = match (s.get("command"), s.get("command_json")) {
        (Some(c), None) => Command::from_json_value(c.clone()),
        (None, Some(Value::String(t))) => Command::from_json(t),
        (None, Some(_)) => return Err("`command_json` must be a string".into()),
        _ => return Err("a step has `command`, `command_json` or `check`".into()),
    };
    let type_label = s
        .get("command")
        .and_then(|c| c.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("command_json");
    let place = format!("dossier `{dossier_name}` step {i} ({actor_label}: {type_label})");
    let expect = match s.get("expect") {
        Some(e) => obj(e, "expect")?.clone(),
        None => Map::new(),
    };
    check_keys(
        &expect,
        &["state", "version", "events", "error", "missing", "details"],
        "a command's expect",
    )?;
    let wants_error = expect.contains_key("error");
    let before = dossier.to_json();
    let outcome = command.and_then(|c| dossier.execute(set, &actor, &c, now));
    match outcome {
        Ok(events) => {
            if wants_error {
                report.fail1(
                    &place,
                    format!(
                        "expected error {}, but the command succeeded with events {:?}",
                        short(&expect["error"]),
                        events
                            .iter()
                            .map(|e| e.change.type_name())
                            .collect::<Vec<_>>()
                    ),
                );
                return Ok(());
            }
            let actual = json!({
                "state": dossier.state(),
                "version": dossier.version(),
                "events": events.iter().map(|e| e.change.type_name()).collect::<Vec<_>>(),
            });
            let mut e = expect.clone();
            e.remove("missing");
            e.remove("details");
            report.fail(&place, partial_diff(&Value::Object(e), &actual));
        }
        Err(err) => {
            if dossier.to_json() != before {
                report.fail1(&place, "a refused command changed the dossier");
            }
            if !wants_error {
                report.fail1(
                    &place,
                    format!(
                        "expected success, but the command was refused: {}",
                        short(&err.to_json())
                    ),
                );
                return Ok(());
            }
            report.fail(&place, match_error(&expect, &err));
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn run_check(
    s: &Map<String, Value>,
    check: &str,
    set: &CriteriaSet,
    dossier: &Dossier,
    now: Timestamp,
    ctx: &Ctx<'_>,
    report: &mut Report,
    place: &str,
) -> Result<(), String> {
    let expect = s.get("expect").ok_or("a check needs `expect`")?;
    let error_expected = expect.get("error").filter(|_| expect.is_object());
    let on_error = |report: &mut Report, e: Error| match error_expected {
        Some(_) => report.fail(place, match_error(expect.as_object().expect("object"), &e)),
        None => report.fail1(place, format!("refused: {}", short(&e.to_json()))),
    };
    let succeeded_but_error_expected = |report: &mut Report| {
        report.fail1(
            place,
            format!(
                "expected error {}, but the check succeeded",
                short(error_expected.expect("checked"))
            ),
        )
    };
    match check {
        "view" => {
            check_keys(
                s,
                &["check", "actor", "now", "expect", "comment"],
                "a view check",
            )?;
            let actor = ctx.actor(s.get("actor"))?;
            match view(dossier, &actor) {
                Ok(v) if error_expected.is_none() => {
                    report.fail(place, partial_diff(expect, &normalize_view(&v)))
                }
                Ok(_) => succeeded_but_error_expected(report),
                Err(e) => on_error(report, e),
            }
        }
        "actions" => {
            check_keys(
                s,
                &["check", "actor", "now", "expect", "comment"],
                "an actions check",
            )?;
            let actor = ctx.actor(s.get("actor"))?;
            let e = obj(expect, "expect")?;
            check_keys(e, &["allowed", "refused"], "an actions check's expect")?;
            let actions = available_actions(set, dossier, &actor, now);
            run_actions_check(e, &actions, report, place)?;
        }
        "results" => {
            check_keys(
                s,
                &["check", "actor", "now", "filter", "expect", "comment"],
                "a results check",
            )?;
            let computed = match s.get("actor") {
                None => results(set, dossier),
                Some(a) => {
                    let actor = ctx.actor(Some(a))?;
                    view(dossier, &actor).and_then(|v| v.results(set))
                }
            };
            let filtered = match s.get("filter") {
                None => computed,
                Some(f) => {
                    let filter: ResultsFilter =
                        serde_json::from_value(f.clone()).map_err(|e| format!("filter: {e}"))?;
                    computed.and_then(|r| r.filtered(&filter))
                }
            };
            match filtered {
                Ok(r) if error_expected.is_none() => {
                    report.fail(place, partial_diff(expect, &normalize_results(&r)))
                }
                Ok(_) => succeeded_but_error_expected(report),
                Err(e) => on_error(report, e),
            }
        }
        "precheck" => {
            check_keys(
                s,
                &["check", "actor", "now", "previous", "expect", "comment"],
                "a precheck check",
            )?;
            let previous = match s.get("previous") {
                None => None,
                Some(Value::String(n)) => Some(
                    ctx.done
                        .get(n)
                        .ok_or_else(|| format!("`previous` names `{n}`, which has not run"))?,
                ),
                Some(other) => return Err(format!("`previous` must be a name, not {other}")),
            };
            match precheck(set, dossier, previous) {
                Ok(p) => {
                    let actual = serde_json::to_value(&p).expect("a precheck serializes");
                    report.fail(place, partial_diff(expect, &actual));
                }
                Err(e) => on_error(report, e),
            }
        }
        "history" => {
            check_keys(
                s,
                &["check", "actor", "now", "criterion", "expect", "comment"],
                "a history check",
            )?;
            let events: Vec<&chamdiem::Event> = match s.get("criterion") {
                None => dossier.history().iter().collect(),
                Some(Value::String(c)) => dossier.history_of(c),
                Some(other) => return Err(format!("`criterion` must be a code, not {other}")),
            };
            let actual = serde_json::to_value(&events).expect("events serialize");
            report.fail(place, partial_diff(expect, &actual));
        }
        other => return Err(format!("unknown check `{other}`")),
    }
    Ok(())
}

fn run_actions_check(
    e: &Map<String, Value>,
    actions: &[ActionStatus],
    report: &mut Report,
    place: &str,
) -> Result<(), String> {
    if let Some(allowed) = e.get("allowed") {
        let expected: BTreeSet<String> = allowed
            .as_array()
            .ok_or("`allowed` must be an array")?
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or("`allowed` lists names"))
            .collect::<Result<_, _>>()?;
        let actual: BTreeSet<String> = actions
            .iter()
            .filter(|a| a.allowed)
            .map(|a| a.command.as_str().to_owned())
            .collect();
        if expected != actual {
            report.fail1(
                place,
                format!(
                    "$.allowed: expected {expected:?}, actual {actual:?} (missing {:?}, extra {:?})",
                    expected.difference(&actual).collect::<Vec<_>>(),
                    actual.difference(&expected).collect::<Vec<_>>()
                ),
            );
        }
    }
    if let Some(refused) = e.get("refused") {
        for (command, want) in obj(refused, "`refused`")? {
            let path = format!("$.refused.{command}");
            let Some(a) = actions.iter().find(|a| a.command.as_str() == command) else {
                report.fail1(place, format!("{path}: the actor has no such action"));
                continue;
            };
            let Some(reason) = &a.reason else {
                report.fail1(place, format!("{path}: expected refused, actual allowed"));
                continue;
            };
            let lines = match want {
                Value::String(code) if code != reason.code() => vec![format!(
                    "{path}: expected \"{code}\", actual \"{}\" ({reason})",
                    reason.code()
                )],
                Value::String(_) => Vec::new(),
                other => {
                    let mut out = Vec::new();
                    compare(other, Some(&error_value(reason)), &path, false, &mut out);
                    out
                }
            };
            report.fail(place, lines);
        }
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------------
// The tests

fn vector_files() -> Vec<PathBuf> {
    let dir = vectors_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn vectors() {
    let files = vector_files();
    let only = std::env::var("VECTOR").ok();
    let selected: Vec<&PathBuf> = files
        .iter()
        .filter(|p| {
            only.as_deref().is_none_or(|o| {
                p.file_stem()
                    .is_some_and(|s| s.to_string_lossy() == o.trim_end_matches(".json"))
            })
        })
        .collect();
    let reports: Vec<Report> = selected.iter().map(|p| run_file(p)).collect();
    let steps: usize = reports.iter().map(|r| r.steps).sum();
    let failed: Vec<&Report> = reports.iter().filter(|r| !r.failures.is_empty()).collect();

    let mut out = String::new();
    for r in &failed {
        let _ = writeln!(out, "\n✗ {}", r.file);
        for f in &r.failures {
            let _ = writeln!(out, "  {}:", f.place);
            for l in &f.lines {
                let _ = writeln!(out, "    {l}");
            }
        }
    }
    println!(
        "{} vectors, {} steps, {} failed",
        reports.len(),
        steps,
        failed.len()
    );
    let mut problems = Vec::new();
    if !failed.is_empty() {
        problems.push(format!(
            "{} of {} vectors failed:\n{out}",
            failed.len(),
            reports.len()
        ));
    }
    match &only {
        None if files.len() < MIN_VECTORS => problems.push(format!(
            "only {} vectors in tests/vectors; at least {MIN_VECTORS} are expected",
            files.len()
        )),
        Some(name) if reports.is_empty() => problems.push(format!("no vector named `{name}`")),
        _ => {}
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The matcher must refuse what differs; otherwise every vector would pass.
#[test]
fn matcher_refuses_differences() {
    let actual = json!({
        "total": {"self": {"points": "79.5", "percent": "79.50"}},
        "events": ["self_saved", "self_saved"],
        "flag": true,
    });
    // Matches: a subset, an expected null for an absent key.
    assert!(partial_diff(&json!({"total": {"self": {"points": "79.5"}}}), &actual).is_empty());
    assert!(partial_diff(&json!({"absent": null}), &actual).is_empty());
    assert!(partial_diff(&json!({"events": ["self_saved", "self_saved"]}), &actual).is_empty());
    // Must not match.
    let must_fail = [
        json!({"total": {"self": {"points": "80"}}}),
        json!({"total": {"self": {"points": 79.5}}}),
        json!({"total": {"review": {}}}),
        json!({"events": ["self_saved"]}),
        json!({"events": ["self_saved", "submitted"]}),
        json!({"flag": false}),
        json!({"flag": null}),
        json!({"total": []}),
    ];
    for e in &must_fail {
        let diff = partial_diff(e, &actual);
        assert!(!diff.is_empty(), "{e} must not match {actual}");
    }
    // The difference names the path and both values.
    let diff = partial_diff(&json!({"total": {"self": {"points": "80"}}}), &actual);
    assert_eq!(
        diff,
        vec![r#"$.total.self.points: expected "80", actual "79.5""#]
    );
    // The exact comparison also refuses extra keys.
    let mut out = Vec::new();
    compare(
        &json!({"a": 1}),
        Some(&json!({"a": 1, "b": 2})),
        "$",
        true,
        &mut out,
    );
    assert_eq!(out.len(), 1);
    // An error expectation with the wrong code fails.
    let err = Error::invalid_input("type", "unknown command type");
    let mut e = Map::new();
    e.insert("error".into(), json!("wrong_state"));
    assert!(!match_error(&e, &err).is_empty());
    e.insert("error".into(), json!("invalid_input"));
    assert!(match_error(&e, &err).is_empty());
    e.insert("details".into(), json!({"path": "entries"}));
    assert!(!match_error(&e, &err).is_empty());
}
