//! The compact, hand-writable TOML form of a criteria set.
//!
//! Groups and criteria are flat lists (`[[group]]`, `[[criterion]]`) that name their parent, so
//! a long set stays shallow and diffs well. Numbers are read from their literal text, so
//! `points = 0.1` is exactly 0.1: no binary float is involved. See `docs/formats.md`.

use super::{Band, CriteriaSet, CriteriaSetDoc, Criterion, Group, GroupKind};
use crate::error::{Error, Result};
use crate::format::{CriteriaSetFormat, Format, Tag, Version};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

/// The TOML document converted to JSON, with the byte span of every path.
struct Converted {
    value: Value,
    spans: HashMap<String, Range<usize>>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn convert_value(
    v: &toml_edit::Value,
    raw: &str,
    path: &str,
    spans: &mut HashMap<String, Range<usize>>,
) -> Value {
    if let Some(s) = v.span() {
        spans.insert(path.to_owned(), s);
    }
    match v {
        toml_edit::Value::String(s) => Value::String(s.value().clone()),
        toml_edit::Value::Integer(i) => Value::from(*i.value()),
        // A float's literal text, so that decimals are exact.
        toml_edit::Value::Float(f) => Value::String(
            f.span()
                .and_then(|s| raw.get(s))
                .map(str::to_owned)
                .unwrap_or_else(|| f.value().to_string()),
        ),
        toml_edit::Value::Boolean(b) => Value::Bool(*b.value()),
        toml_edit::Value::Datetime(d) => Value::String(d.value().to_string()),
        toml_edit::Value::Array(a) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, x)| convert_value(x, raw, &format!("{path}[{i}]"), spans))
                .collect(),
        ),
        toml_edit::Value::InlineTable(t) => {
            let mut m = Map::new();
            for (k, x) in t.iter() {
                let p = join(path, k);
                m.insert(k.to_owned(), convert_value(x, raw, &p, spans));
            }
            Value::Object(m)
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn convert_table(
    t: &toml_edit::Table,
    raw: &str,
    path: &str,
    spans: &mut HashMap<String, Range<usize>>,
) -> Value {
    if let Some(s) = t.span() {
        spans.insert(path.to_owned(), s);
    }
    let mut m = Map::new();
    for (k, item) in t.iter() {
        let p = join(path, k);
        let v = match item {
            toml_edit::Item::None => continue,
            toml_edit::Item::Value(v) => convert_value(v, raw, &p, spans),
            toml_edit::Item::Table(t) => convert_table(t, raw, &p, spans),
            toml_edit::Item::ArrayOfTables(a) => Value::Array(
                a.iter()
                    .enumerate()
                    .map(|(i, t)| convert_table(t, raw, &format!("{p}[{i}]"), spans))
                    .collect(),
            ),
        };
        m.insert(k.to_owned(), v);
    }
    Value::Object(m)
}

fn convert(text: &str) -> Result<Converted> {
    let doc = toml_edit::Document::parse(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        Error::InvalidCriteriaSet {
            offending_code: None,
            path: line.map(|l| format!("line {l}")).unwrap_or_default(),
            message: format!(
                "the compact form is not valid TOML: {}",
                e.message().trim_end()
            ),
        }
    })?;
    let mut spans = HashMap::new();
    let value = convert_table(doc.as_table(), text, "", &mut spans);
    Ok(Converted { value, spans })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompactHeader {
    #[serde(default)]
    format: Option<Tag<CriteriaSetFormat>>,
    #[serde(default)]
    format_version: Option<Version<CriteriaSetFormat>>,
    id: String,
    #[serde(default = "one")]
    revision: u32,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default = "two")]
    precision: u32,
    #[serde(default)]
    explanation_instead_of_evidence: bool,
    #[serde(default)]
    band: Vec<Band>,
    #[serde(default)]
    group: Vec<Value>,
    #[serde(default)]
    criterion: Vec<Value>,
}

fn one() -> u32 {
    1
}
fn two() -> u32 {
    2
}

struct Located<'a> {
    text: &'a str,
    spans: &'a HashMap<String, Range<usize>>,
    doc: &'a Value,
}

impl Located<'_> {
    fn at(&self, path: &str) -> String {
        // The closest enclosing path with a known position.
        let mut p = path.to_owned();
        loop {
            if let Some(s) = self.spans.get(&p) {
                return format!("line {} ({path})", line_of(self.text, s.start));
            }
            match p.rfind(['.', '[']) {
                Some(i) => p.truncate(i),
                None => return path.to_owned(),
            }
        }
    }

    fn error(&self, base: &str, e: Error) -> Error {
        match e {
            Error::InvalidInput { path, message } => {
                let full = match (base.is_empty(), path.is_empty()) {
                    (true, _) => path,
                    (false, true) => base.to_owned(),
                    (false, false) => format!("{base}.{path}"),
                };
                Error::InvalidCriteriaSet {
                    offending_code: super::code_at_path(self.doc, &full),
                    path: self.at(&full),
                    message,
                }
            }
            other => other,
        }
    }
}

fn take_str(
    obj: &mut Map<String, Value>,
    key: &str,
) -> std::result::Result<Option<String>, String> {
    match obj.remove(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("`{key}` must be a string, not {other}")),
    }
}

/// Parses the compact form into a validated set.
pub(crate) fn parse(text: &str) -> Result<CriteriaSet> {
    let conv = convert(text)?;
    let loc = Located {
        text,
        spans: &conv.spans,
        doc: &conv.value,
    };
    let header: CompactHeader =
        crate::error::from_json_value(conv.value.clone()).map_err(|e| loc.error("", e))?;
    let _ = (header.format, header.format_version);

    // Groups: each names its parent (or none for a top-level group).
    struct G {
        group: Group,
        parent: Option<String>,
        path: String,
    }
    let mut groups: Vec<G> = Vec::with_capacity(header.group.len());
    for (i, v) in header.group.into_iter().enumerate() {
        let path = format!("group[{i}]");
        let Value::Object(mut obj) = v else {
            return Err(Error::invalid_set(
                None,
                loc.at(&path),
                "a [[group]] must be a table",
            ));
        };
        for nested in ["criteria", "groups"] {
            if obj.contains_key(nested) {
                return Err(Error::invalid_set(
                    None,
                    loc.at(&format!("{path}.{nested}")),
                    format!(
                        "in the compact form a group lists no `{nested}`: give each \
                         [[criterion]] a `group = \"…\"` and each nested [[group]] a `parent = \"…\"`"
                    ),
                ));
            }
        }
        let parent = take_str(&mut obj, "parent")
            .map_err(|m| Error::invalid_set(None, loc.at(&format!("{path}.parent")), m))?;
        let group: Group =
            crate::error::from_json_value(Value::Object(obj)).map_err(|e| loc.error(&path, e))?;
        groups.push(G {
            group,
            parent,
            path,
        });
    }
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, g) in groups.iter().enumerate() {
        if index.insert(g.group.code.clone(), i).is_some() {
            return Err(Error::invalid_set(
                Some(&g.group.code),
                loc.at(&g.path),
                format!("group code `{}` is used twice", g.group.code),
            ));
        }
    }

    // Criteria: each names its group.
    for (i, v) in header.criterion.into_iter().enumerate() {
        let path = format!("criterion[{i}]");
        let Value::Object(mut obj) = v else {
            return Err(Error::invalid_set(
                None,
                loc.at(&path),
                "a [[criterion]] must be a table",
            ));
        };
        let group = take_str(&mut obj, "group")
            .map_err(|m| Error::invalid_set(None, loc.at(&format!("{path}.group")), m))?;
        let criterion: Criterion =
            crate::error::from_json_value(Value::Object(obj)).map_err(|e| loc.error(&path, e))?;
        let Some(group) = group else {
            return Err(Error::invalid_set(
                Some(&criterion.code),
                loc.at(&path),
                format!(
                    "criterion `{}` does not say which group it belongs to: add `group = \"…\"`",
                    criterion.code
                ),
            ));
        };
        let Some(&gi) = index.get(&group) else {
            return Err(Error::invalid_set(
                Some(&criterion.code),
                loc.at(&format!("{path}.group")),
                format!(
                    "criterion `{}` names group `{group}`, which is not declared",
                    criterion.code
                ),
            ));
        };
        groups[gi].group.criteria.push(criterion);
    }

    // Assemble the tree, children in order of appearance; refuse unknown parents and cycles.
    let n = groups.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        match &g.parent {
            None => roots.push(i),
            Some(p) => match index.get(p) {
                Some(&pi) => children[pi].push(i),
                None => {
                    return Err(Error::invalid_set(
                        Some(&g.group.code),
                        loc.at(&format!("{}.parent", g.path)),
                        format!(
                            "group `{}` names parent `{p}`, which is not declared",
                            g.group.code
                        ),
                    ));
                }
            },
        }
    }
    let mut slots: Vec<Option<Group>> = groups.iter().map(|g| Some(g.group.clone())).collect();
    let mut placed = vec![false; n];
    fn build(
        i: usize,
        children: &[Vec<usize>],
        slots: &mut [Option<Group>],
        placed: &mut [bool],
    ) -> Group {
        placed[i] = true;
        let mut g = slots[i].take().expect("each group is placed once");
        for &c in &children[i] {
            g.groups.push(build(c, children, slots, placed));
        }
        g
    }
    let tree: Vec<Group> = roots
        .iter()
        .map(|&r| build(r, &children, &mut slots, &mut placed))
        .collect();
    if let Some(i) = placed.iter().position(|p| !p) {
        let g = &groups[i];
        return Err(Error::invalid_set(
            Some(&g.group.code),
            loc.at(&g.path),
            format!(
                "group `{}` is its own ancestor: the `parent` links form a cycle",
                g.group.code
            ),
        ));
    }

    let doc = CriteriaSetDoc {
        format: Tag::default(),
        format_version: Version::default(),
        id: header.id,
        revision: header.revision,
        name: header.name,
        description: header.description,
        precision: header.precision,
        explanation_instead_of_evidence: header.explanation_instead_of_evidence,
        bands: header.band,
        groups: tree,
    };
    CriteriaSet::from_doc(doc).map_err(|e| match e {
        // Point validation errors at the line that declares the offending code.
        Error::InvalidCriteriaSet {
            offending_code: Some(code),
            path,
            message,
        } => {
            let line = find_declaration(text, &conv.spans, &code);
            Error::InvalidCriteriaSet {
                offending_code: Some(code),
                path: line.unwrap_or(path),
                message,
            }
        }
        other => other,
    })
}

fn find_declaration(
    text: &str,
    spans: &HashMap<String, Range<usize>>,
    code: &str,
) -> Option<String> {
    // Every `...code` / `...label` value whose text is the code. When the code is declared
    // more than once, the second declaration is the offending one; otherwise the only one.
    let mut found: Vec<usize> = spans
        .iter()
        .filter(|(path, _)| {
            (path.ends_with(".code") || path.ends_with(".label")) && !path.contains(".cases[")
        })
        .filter(|(_, span)| {
            text.get((*span).clone())
                .unwrap_or("")
                .trim_matches(['"', '\''])
                == code
        })
        .map(|(_, span)| span.start)
        .collect();
    found.sort_unstable();
    found
        .get(1)
        .or(found.first())
        .map(|&o| format!("line {}", line_of(text, o)))
}

fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes the compact form.
pub(crate) fn write(set: &CriteriaSet) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "format = {}", q(CriteriaSetFormat::NAME));
    let _ = writeln!(o, "format_version = {}", CriteriaSetFormat::VERSION);
    let _ = writeln!(o, "id = {}", q(set.id()));
    let _ = writeln!(o, "revision = {}", set.revision());
    let _ = writeln!(o, "name = {}", q(set.name()));
    if !set.description().is_empty() {
        let _ = writeln!(o, "description = {}", q(set.description()));
    }
    let _ = writeln!(o, "precision = {}", set.precision());
    if set.explanation_instead_of_evidence() {
        let _ = writeln!(o, "explanation_instead_of_evidence = true");
    }
    for b in set.bands() {
        let _ = writeln!(
            o,
            "\n[[band]]\nlabel = {}\nmin_percent = {}",
            q(&b.label),
            b.min_percent
        );
    }
    for g in set.groups() {
        let _ = writeln!(o, "\n[[group]]\ncode = {}", q(&g.code));
        if let Some(p) = g.parent {
            let _ = writeln!(o, "parent = {}", q(&set.groups()[p].code));
        }
        let _ = writeln!(o, "title = {}", q(&g.title));
        if !g.description.is_empty() {
            let _ = writeln!(o, "description = {}", q(&g.description));
        }
        if g.kind != GroupKind::Standard {
            let _ = writeln!(o, "kind = {}", q(g.kind.as_str()));
        }
        if let Some(cap) = g.cap {
            let _ = writeln!(o, "cap = {cap}");
        }
    }
    for node in set.criteria() {
        let c = &node.criterion;
        let _ = writeln!(
            o,
            "\n[[criterion]]\ncode = {}\ngroup = {}\ntitle = {}",
            q(&c.code),
            q(&set.groups()[node.group].code),
            q(&c.title)
        );
        if !c.guidance.is_empty() {
            let _ = writeln!(o, "guidance = {}", q(&c.guidance));
        }
        if c.kind != super::CriterionKind::Choice {
            let kind = serde_json::to_value(c.kind).expect("kind serializes");
            let _ = writeln!(o, "kind = {}", q(kind.as_str().unwrap_or_default()));
        }
        if c.evidence != super::EvidenceRule::Optional {
            let ev = serde_json::to_value(c.evidence).expect("rule serializes");
            let _ = writeln!(o, "evidence = {}", q(ev.as_str().unwrap_or_default()));
        }
        if let Some(m) = c.max_points {
            let _ = writeln!(o, "max_points = {m}");
        }
        if let Some(m) = c.min_points {
            let _ = writeln!(o, "min_points = {m}");
        }
        if let Some(v) = &c.value {
            let mut parts = Vec::new();
            if !v.unit.is_empty() {
                parts.push(format!("unit = {}", q(&v.unit)));
            }
            if let Some(m) = v.min {
                parts.push(format!("min = {m}"));
            }
            if let Some(m) = v.max {
                parts.push(format!("max = {m}"));
            }
            let _ = writeln!(o, "value = {{ {} }}", parts.join(", "));
        }
        if let Some(s) = c.scale {
            let _ = writeln!(o, "scale = {{ low = {}, high = {} }}", s.low, s.high);
        }
        if !c.cases.is_empty() {
            let _ = writeln!(o, "cases = [");
            for k in &c.cases {
                let mut parts = vec![
                    format!("code = {}", q(&k.code)),
                    format!("label = {}", q(&k.label)),
                ];
                if let Some(p) = k.points {
                    parts.push(format!("points = {p}"));
                }
                if k.not_applicable {
                    parts.push("not_applicable = true".into());
                }
                if let Some(r) = k.range {
                    parts.push(format!("range = {}", q(&r.to_string())));
                }
                let _ = writeln!(o, "  {{ {} }},", parts.join(", "));
            }
            let _ = writeln!(o, "]");
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "id = \"x\"\nname = \"y\"\n[[group]]\ncode = \"1\"\ntitle = \"G\"\n";

    fn err(text: &str) -> (Option<String>, String) {
        match parse(text) {
            Err(Error::InvalidCriteriaSet {
                offending_code,
                path,
                ..
            }) => (offending_code, path),
            other => panic!("expected invalid_criteria_set, got {other:?}"),
        }
    }

    #[test]
    fn a_duplicate_code_points_at_its_second_declaration() {
        let text = format!(
            "{HEAD}[[criterion]]\ncode = \"1.1\"\ngroup = \"1\"\ntitle = \"A\"\n\
             cases = [{{ code = \"a\", label = \"A\", points = 1 }}]\n\
             [[criterion]]\ncode = \"1.1\"\ngroup = \"1\"\ntitle = \"B\"\n\
             cases = [{{ code = \"a\", label = \"A\", points = 1 }}]\n"
        );
        let (code, path) = err(&text);
        assert_eq!(code.as_deref(), Some("1.1"));
        assert_eq!(path, "line 12");
    }

    #[test]
    fn a_type_error_names_the_line_and_the_criterion() {
        let text = format!(
            "{HEAD}[[criterion]]\ncode = \"1.1\"\ngroup = \"1\"\ntitle = \"A\"\n\
             cases = [{{ code = \"a\", label = \"A\", points = \"zz\" }}]\n"
        );
        let (code, path) = err(&text);
        assert_eq!(code.as_deref(), Some("1.1"));
        assert!(path.starts_with("line 10 "), "{path}");
    }

    #[test]
    fn floats_are_read_from_their_text() {
        let text = format!(
            "{HEAD}[[criterion]]\ncode = \"1.1\"\ngroup = \"1\"\ntitle = \"A\"\n\
             cases = [{{ code = \"a\", label = \"A\", points = 0.1 }}, \
             {{ code = \"b\", label = \"B\", points = 1_000.25 }}, \
             {{ code = \"c\", label = \"C\", points = 5e-1 }}]\n"
        );
        let set = parse(&text).expect("valid");
        let c = &set.criteria()[0].criterion;
        let pts: Vec<String> = c.cases.iter().map(|k| k.points().to_string()).collect();
        assert_eq!(pts, ["0.1", "1000.25", "0.5"]);
    }
}
