//! Criteria sets as Excel workbooks: [`write()`] makes the filled example template (any set can
//! be exported the same way); [`read()`] imports one, listing every problem with its sheet,
//! row, column and the offending code.
//!
//! The workbook (docs/server.md, "The criteria-set workbook"): five sheets whose first row
//! holds column keys, in any order —
//!
//! | sheet | columns |
//! | --- | --- |
//! | `set` | `field`, `value` — rows `id`, `revision`, `name`, `description`, `precision`, `explanation_instead_of_evidence` |
//! | `bands` | `label`, `min_percent` |
//! | `groups` | `code`, `parent`, `title`, `description`, `kind`, `cap` |
//! | `criteria` | `code`, `group`, `title`, `guidance`, `kind`, `evidence`, `max_points`, `min_points`, `value_unit`, `value_min`, `value_max`, `scale_low`, `scale_high` |
//! | `cases` | `criterion`, `code`, `label`, `points`, `not_applicable`, `range` |
//!
//! and a `README` sheet with these instructions in Vietnamese (ignored on import).

use crate::error::{AppError, AppResult, ImportProblem};
use calamine::{Data, Reader, Xlsx};
use chamdiem::criteria::{CriteriaSetDoc, Criterion, Group};
use chamdiem::{CriteriaSet, Decimal};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};
use std::io::Cursor;

/// The sheets and their columns.
pub const SHEETS: [(&str, &[&str]); 5] = [
    ("set", &["field", "value"]),
    ("bands", &["label", "min_percent"]),
    (
        "groups",
        &["code", "parent", "title", "description", "kind", "cap"],
    ),
    (
        "criteria",
        &[
            "code",
            "group",
            "title",
            "guidance",
            "kind",
            "evidence",
            "max_points",
            "min_points",
            "value_unit",
            "value_min",
            "value_max",
            "scale_low",
            "scale_high",
        ],
    ),
    (
        "cases",
        &[
            "criterion",
            "code",
            "label",
            "points",
            "not_applicable",
            "range",
        ],
    ),
];

const README: &[&str] = &[
    "Mẫu nhập bộ chỉ tiêu (chamdiem). Hàng đầu tiên của mỗi trang là tên cột; thứ tự cột tùy ý.",
    "Trang set: thông tin chung (field, value): id, revision, name, description, precision, explanation_instead_of_evidence.",
    "Trang bands: xếp loại (label, min_percent), từ cao xuống thấp.",
    "Trang groups: nhóm chỉ tiêu (code, parent = mã nhóm cha nếu lồng, title, description, kind = standard/bonus/penalty, cap = mức tối đa của nhóm thưởng/trừ).",
    "Trang criteria: chỉ tiêu (code, group = mã nhóm, title, guidance, kind = choice/banded/scaled, evidence = none/optional/required, max_points, min_points, value_unit, value_min, value_max, scale_low, scale_high).",
    "Trang cases: trường hợp đánh giá (criterion = mã chỉ tiêu, code, label, points, not_applicable = x nếu không áp dụng, range như [70, 90) cho chỉ tiêu theo khoảng giá trị).",
    "Điểm là số thập phân chính xác (0.75, -0.5). Mọi lỗi được báo kèm trang, hàng và mã chỉ tiêu.",
];

pub(crate) fn xerr(e: XlsxError) -> AppError {
    AppError::Internal(format!("writing the workbook: {e}"))
}

/// Writes a cell: a number when the text is a decimal that survives a binary float, else text.
pub(crate) fn put(ws: &mut Worksheet, row: u32, col: u16, v: &str) -> Result<(), XlsxError> {
    if v.is_empty() {
        return Ok(());
    }
    // Numbers that survive a trip through a binary float are written as numbers.
    if let Ok(d) = chamdiem::decimal::parse_decimal(v)
        && let Ok(f) = v.parse::<f64>()
        && format!("{f}") == d.normalize().to_string()
    {
        ws.write_number(row, col, f)?;
        return Ok(());
    }
    ws.write_string(row, col, v)?;
    Ok(())
}

fn dec(d: Option<Decimal>) -> String {
    d.map(|d| d.normalize().to_string()).unwrap_or_default()
}

fn walk<'a>(g: &'a Group, parent: Option<&'a str>, out: &mut Vec<(&'a Group, Option<&'a str>)>) {
    out.push((g, parent));
    for c in &g.groups {
        walk(c, Some(&g.code), out);
    }
}

/// The workbook of a criteria set (the filled example template is [`write()`] of the
/// departments' set).
pub fn write(set: &CriteriaSet) -> AppResult<Vec<u8>> {
    let doc: CriteriaSetDoc = set.to_doc();
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    {
        let ws = wb.add_worksheet();
        ws.set_name("README").map_err(xerr)?;
        ws.set_column_width(0, 120).map_err(xerr)?;
        for (i, line) in README.iter().enumerate() {
            ws.write_string(i as u32, 0, *line).map_err(xerr)?;
        }
    }
    let mut groups = Vec::new();
    for g in &doc.groups {
        walk(g, None, &mut groups);
    }
    for (name, cols) in SHEETS {
        let ws = wb.add_worksheet();
        ws.set_name(name).map_err(xerr)?;
        for (c, h) in cols.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(xerr)?;
            ws.set_column_width(
                c as u16,
                if matches!(*h, "title" | "guidance" | "label" | "value" | "description") {
                    50
                } else {
                    12
                },
            )
            .map_err(xerr)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xerr)?;
        let mut rows: Vec<Vec<String>> = Vec::new();
        match name {
            "set" => {
                for (k, v) in [
                    ("id", doc.id.clone()),
                    ("revision", doc.revision.to_string()),
                    ("name", doc.name.clone()),
                    ("description", doc.description.clone()),
                    ("precision", doc.precision.to_string()),
                    (
                        "explanation_instead_of_evidence",
                        if doc.explanation_instead_of_evidence {
                            "true"
                        } else {
                            "false"
                        }
                        .into(),
                    ),
                ] {
                    rows.push(vec![k.into(), v]);
                }
            }
            "bands" => {
                for b in &doc.bands {
                    rows.push(vec![b.label.clone(), dec(Some(b.min_percent))]);
                }
            }
            "groups" => {
                for (g, parent) in &groups {
                    rows.push(vec![
                        g.code.clone(),
                        parent.unwrap_or("").into(),
                        g.title.clone(),
                        g.description.clone(),
                        g.kind.as_str().into(),
                        dec(g.cap),
                    ]);
                }
            }
            "criteria" => {
                for (g, _) in &groups {
                    for c in &g.criteria {
                        rows.push(criterion_row(c, &g.code));
                    }
                }
            }
            _ => {
                for (g, _) in &groups {
                    for c in &g.criteria {
                        for k in &c.cases {
                            rows.push(vec![
                                c.code.clone(),
                                k.code.clone(),
                                k.label.clone(),
                                dec(k.points),
                                if k.not_applicable {
                                    "x".into()
                                } else {
                                    String::new()
                                },
                                k.range.as_ref().map(|r| r.to_string()).unwrap_or_default(),
                            ]);
                        }
                    }
                }
            }
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let keep_text = name == "set"
                    || cols[c] == "code"
                    || cols[c] == "parent"
                    || cols[c] == "group"
                    || cols[c] == "criterion";
                if keep_text {
                    if !v.is_empty() {
                        ws.write_string(r as u32 + 1, c as u16, v).map_err(xerr)?;
                    }
                } else {
                    put(ws, r as u32 + 1, c as u16, v).map_err(xerr)?;
                }
            }
        }
    }
    wb.save_to_buffer().map_err(xerr)
}

fn criterion_row(c: &Criterion, group: &str) -> Vec<String> {
    let kind = serde_json::to_value(c.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let evidence = serde_json::to_value(c.evidence)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let v = c.value.as_ref();
    vec![
        c.code.clone(),
        group.into(),
        c.title.clone(),
        c.guidance.clone(),
        kind,
        evidence,
        dec(c.max_points),
        dec(c.min_points),
        v.map(|v| v.unit.clone()).unwrap_or_default(),
        dec(v.and_then(|v| v.min)),
        dec(v.and_then(|v| v.max)),
        dec(c.scale.map(|s| s.low)),
        dec(c.scale.map(|s| s.high)),
    ]
}

/// One row of a sheet: its 1-based number and its cells by column key.
struct SheetRow {
    row: u32,
    cells: HashMap<String, String>,
}

impl SheetRow {
    fn get(&self, col: &str) -> &str {
        self.cells.get(col).map(String::as_str).unwrap_or("")
    }
}

struct Problems(Vec<ImportProblem>);

impl Problems {
    fn add(
        &mut self,
        sheet: &str,
        row: Option<u32>,
        column: Option<&str>,
        code: Option<&str>,
        message: impl Into<String>,
    ) {
        self.0.push(ImportProblem {
            sheet: Some(sheet.into()),
            row,
            column: column.map(str::to_owned),
            offending_code: code.filter(|c| !c.is_empty()).map(str::to_owned),
            path: None,
            message: message.into(),
        });
    }
}

fn cell_text(d: &Data) -> Result<String, String> {
    Ok(match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
            return Err(
                "a date where a number or text was expected (format the cell as text)".into(),
            );
        }
        Data::Error(e) => return Err(format!("the cell holds the Excel error {e:?}")),
    })
}

fn read_sheet(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    cols: &[&str],
    p: &mut Problems,
    required: bool,
) -> Vec<SheetRow> {
    let range = match wb.worksheet_range(name) {
        Ok(r) => r,
        Err(_) => {
            if required {
                p.add(name, None, None, None, format!("the workbook has no sheet `{name}` (download the template to see the layout)"));
            }
            return Vec::new();
        }
    };
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows();
    let Some(header) = rows.next() else {
        if required {
            p.add(
                name,
                Some(1),
                None,
                None,
                "the sheet is empty: its first row must name the columns",
            );
        }
        return Vec::new();
    };
    let mut keys: Vec<Option<String>> = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let key = cell_text(h).unwrap_or_default().to_ascii_lowercase();
        if key.is_empty() {
            keys.push(None);
        } else if cols.contains(&key.as_str()) {
            keys.push(Some(key));
        } else {
            p.add(
                name,
                Some(r0 + 1),
                None,
                None,
                format!(
                    "unknown column `{key}` (column {}); the columns are: {}",
                    c0 as usize + i + 1,
                    cols.join(", ")
                ),
            );
            keys.push(None);
        }
    }
    let mut out = Vec::new();
    for (i, cells) in rows.enumerate() {
        let row = r0 + i as u32 + 2;
        if out.len() >= 10_000 {
            p.add(
                name,
                Some(row),
                None,
                None,
                "more than 10 000 rows: the sheet is too large",
            );
            break;
        }
        let mut map = HashMap::new();
        for (c, d) in cells.iter().enumerate() {
            let Some(Some(k)) = keys.get(c) else { continue };
            match cell_text(d) {
                Ok(t) if !t.is_empty() => {
                    map.insert(k.clone(), t);
                }
                Ok(_) => {}
                Err(m) => p.add(name, Some(row), Some(k), None, m),
            }
        }
        if !map.is_empty() {
            out.push(SheetRow { row, cells: map });
        }
    }
    out
}

fn decimal(p: &mut Problems, sheet: &str, r: &SheetRow, col: &str, code: &str) -> Option<Value> {
    let v = r.get(col);
    if v.is_empty() {
        return None;
    }
    match chamdiem::decimal::parse_decimal(v) {
        Ok(d) => Some(Value::String(d.normalize().to_string())),
        Err(m) => {
            p.add(
                sheet,
                Some(r.row),
                Some(col),
                Some(code),
                format!("`{v}` is not a number: {m}"),
            );
            None
        }
    }
}

fn truthy(v: &str) -> Option<bool> {
    match v.trim().to_lowercase().as_str() {
        "" | "0" | "false" | "no" | "không" | "khong" => Some(false),
        "1" | "x" | "true" | "yes" | "có" | "co" => Some(true),
        _ => None,
    }
}

/// Reads a workbook into a validated criteria set, or every problem found.
pub fn read(bytes: &[u8]) -> AppResult<CriteriaSet> {
    let mut p = Problems(Vec::new());
    let mut wb: Xlsx<Cursor<&[u8]>> = match Xlsx::new(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(e) => {
            p.add(
                "",
                None,
                None,
                None,
                format!("the file is not an Excel workbook (.xlsx): {e}"),
            );
            return Err(AppError::Import(p.0));
        }
    };
    let mut sheets: HashMap<&str, Vec<SheetRow>> = HashMap::new();
    for (name, cols) in SHEETS {
        let required = name != "bands";
        sheets.insert(name, read_sheet(&mut wb, name, cols, &mut p, required));
    }
    // The set sheet.
    let mut meta: HashMap<String, (u32, String)> = HashMap::new();
    for r in &sheets["set"] {
        let field = r.get("field").to_ascii_lowercase();
        if ![
            "id",
            "revision",
            "name",
            "description",
            "precision",
            "explanation_instead_of_evidence",
        ]
        .contains(&field.as_str())
        {
            p.add(
                "set",
                Some(r.row),
                Some("field"),
                None,
                format!("unknown field `{field}`"),
            );
            continue;
        }
        meta.insert(field, (r.row, r.get("value").to_owned()));
    }
    let text = |k: &str| meta.get(k).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut doc = Map::new();
    doc.insert("format".into(), json!("chamdiem.criteria_set"));
    doc.insert("format_version".into(), json!(1));
    for k in ["id", "name"] {
        if text(k).is_empty() {
            p.add(
                "set",
                meta.get(k).map(|m| m.0),
                Some("value"),
                None,
                format!("the set needs a `{k}`"),
            );
        }
        doc.insert(k.into(), json!(text(k)));
    }
    if !text("description").is_empty() {
        doc.insert("description".into(), json!(text("description")));
    }
    for k in ["revision", "precision"] {
        let v = text(k);
        if v.is_empty() {
            continue;
        }
        match v.parse::<u32>() {
            Ok(n) => {
                doc.insert(k.into(), json!(n));
            }
            Err(_) => p.add(
                "set",
                meta.get(k).map(|m| m.0),
                Some("value"),
                None,
                format!("`{k}` must be a whole number, not `{v}`"),
            ),
        }
    }
    match truthy(&text("explanation_instead_of_evidence")) {
        Some(b) => {
            doc.insert("explanation_instead_of_evidence".into(), json!(b));
        }
        None => p.add(
            "set",
            meta.get("explanation_instead_of_evidence").map(|m| m.0),
            Some("value"),
            None,
            "explanation_instead_of_evidence is true or false",
        ),
    }
    // Bands.
    let mut bands = Vec::new();
    for r in &sheets["bands"] {
        let label = r.get("label");
        if label.is_empty() {
            p.add(
                "bands",
                Some(r.row),
                Some("label"),
                None,
                "a band needs a label",
            );
        }
        let min = decimal(&mut p, "bands", r, "min_percent", label);
        if min.is_none() && r.get("min_percent").is_empty() {
            p.add(
                "bands",
                Some(r.row),
                Some("min_percent"),
                Some(label),
                "a band needs min_percent",
            );
        }
        bands.push(json!({"label": label, "min_percent": min.unwrap_or(json!("0"))}));
    }
    if !bands.is_empty() {
        doc.insert("bands".into(), Value::Array(bands));
    }
    // Groups.
    let mut codes: HashMap<String, (&str, u32)> = HashMap::new();
    let mut group_rows: Vec<(&SheetRow, Map<String, Value>)> = Vec::new();
    for r in &sheets["groups"] {
        let code = r.get("code");
        if code.is_empty() {
            p.add(
                "groups",
                Some(r.row),
                Some("code"),
                None,
                "a group needs a code",
            );
            continue;
        }
        if let Some((s, row)) = codes.get(code) {
            p.add(
                "groups",
                Some(r.row),
                Some("code"),
                Some(code),
                format!("code `{code}` is already used on sheet `{s}`, row {row}"),
            );
            continue;
        }
        codes.insert(code.into(), ("groups", r.row));
        if r.get("title").is_empty() {
            p.add(
                "groups",
                Some(r.row),
                Some("title"),
                Some(code),
                format!("group `{code}` needs a title"),
            );
        }
        let mut g = Map::new();
        g.insert("code".into(), json!(code));
        g.insert("title".into(), json!(r.get("title")));
        if !r.get("description").is_empty() {
            g.insert("description".into(), json!(r.get("description")));
        }
        match r.get("kind").to_ascii_lowercase().as_str() {
            "" | "standard" => {}
            k @ ("bonus" | "penalty") => {
                g.insert("kind".into(), json!(k));
            }
            k => p.add(
                "groups",
                Some(r.row),
                Some("kind"),
                Some(code),
                format!("kind `{k}`: use standard, bonus or penalty"),
            ),
        }
        if let Some(cap) = decimal(&mut p, "groups", r, "cap", code) {
            g.insert("cap".into(), cap);
        }
        group_rows.push((r, g));
    }
    // Parents exist and do not loop.
    let parent_of: HashMap<&str, &str> = group_rows
        .iter()
        .filter(|(r, _)| !r.get("parent").is_empty())
        .map(|(r, _)| (r.get("code"), r.get("parent")))
        .collect();
    for (r, _) in &group_rows {
        let code = r.get("code");
        let parent = r.get("parent");
        if parent.is_empty() {
            continue;
        }
        if !parent_of.contains_key(parent)
            && !group_rows.iter().any(|(g, _)| g.get("code") == parent)
        {
            p.add(
                "groups",
                Some(r.row),
                Some("parent"),
                Some(code),
                format!("group `{code}`: its parent `{parent}` is not on the groups sheet"),
            );
            continue;
        }
        let mut seen = HashSet::new();
        let mut at = code;
        while let Some(up) = parent_of.get(at) {
            if !seen.insert(at) || *up == code {
                p.add(
                    "groups",
                    Some(r.row),
                    Some("parent"),
                    Some(code),
                    format!("group `{code}` is inside itself (its parents make a loop)"),
                );
                break;
            }
            at = up;
        }
    }
    // Criteria.
    let mut criteria: Vec<(String, String, Map<String, Value>)> = Vec::new();
    let group_codes: HashSet<&str> = group_rows.iter().map(|(r, _)| r.get("code")).collect();
    for r in &sheets["criteria"] {
        let code = r.get("code");
        if code.is_empty() {
            p.add(
                "criteria",
                Some(r.row),
                Some("code"),
                None,
                "a criterion needs a code",
            );
            continue;
        }
        if let Some((s, row)) = codes.get(code) {
            p.add(
                "criteria",
                Some(r.row),
                Some("code"),
                Some(code),
                format!("code `{code}` is already used on sheet `{s}`, row {row}"),
            );
            continue;
        }
        codes.insert(code.into(), ("criteria", r.row));
        let group = r.get("group");
        if group.is_empty() || !group_codes.contains(group) {
            p.add(
                "criteria",
                Some(r.row),
                Some("group"),
                Some(code),
                format!("criterion `{code}`: group `{group}` is not on the groups sheet"),
            );
        }
        if r.get("title").is_empty() {
            p.add(
                "criteria",
                Some(r.row),
                Some("title"),
                Some(code),
                format!("criterion `{code}` needs a title"),
            );
        }
        let mut c = Map::new();
        c.insert("code".into(), json!(code));
        c.insert("title".into(), json!(r.get("title")));
        if !r.get("guidance").is_empty() {
            c.insert("guidance".into(), json!(r.get("guidance")));
        }
        match r.get("kind").to_ascii_lowercase().as_str() {
            "" | "choice" => {}
            k @ ("banded" | "scaled") => {
                c.insert("kind".into(), json!(k));
            }
            k => p.add(
                "criteria",
                Some(r.row),
                Some("kind"),
                Some(code),
                format!("kind `{k}`: use choice, banded or scaled"),
            ),
        }
        match r.get("evidence").to_ascii_lowercase().as_str() {
            "" | "optional" => {}
            e @ ("none" | "required") => {
                c.insert("evidence".into(), json!(e));
            }
            e => p.add(
                "criteria",
                Some(r.row),
                Some("evidence"),
                Some(code),
                format!("evidence `{e}`: use none, optional or required"),
            ),
        }
        for (col, key) in [("max_points", "max_points"), ("min_points", "min_points")] {
            if let Some(v) = decimal(&mut p, "criteria", r, col, code) {
                c.insert(key.into(), v);
            }
        }
        let mut value = Map::new();
        if !r.get("value_unit").is_empty() {
            value.insert("unit".into(), json!(r.get("value_unit")));
        }
        for (col, key) in [("value_min", "min"), ("value_max", "max")] {
            if let Some(v) = decimal(&mut p, "criteria", r, col, code) {
                value.insert(key.into(), v);
            }
        }
        if !value.is_empty() {
            c.insert("value".into(), Value::Object(value));
        }
        let low = decimal(&mut p, "criteria", r, "scale_low", code);
        let high = decimal(&mut p, "criteria", r, "scale_high", code);
        match (low, high) {
            (Some(l), Some(h)) => {
                c.insert("scale".into(), json!({"low": l, "high": h}));
            }
            (None, None) => {}
            _ => p.add(
                "criteria",
                Some(r.row),
                Some("scale_low"),
                Some(code),
                "give both scale_low and scale_high, or neither",
            ),
        }
        c.insert("cases".into(), json!([]));
        criteria.push((code.into(), group.into(), c));
    }
    // Cases.
    let index: HashMap<String, usize> = criteria
        .iter()
        .enumerate()
        .map(|(i, (c, _, _))| (c.clone(), i))
        .collect();
    let mut case_codes: HashMap<(String, String), u32> = HashMap::new();
    for r in &sheets["cases"] {
        let crit = r.get("criterion");
        let code = r.get("code");
        let Some(&i) = index.get(crit) else {
            p.add(
                "cases",
                Some(r.row),
                Some("criterion"),
                Some(crit),
                format!("criterion `{crit}` is not on the criteria sheet"),
            );
            continue;
        };
        if code.is_empty() {
            p.add(
                "cases",
                Some(r.row),
                Some("code"),
                Some(crit),
                format!("a case of criterion `{crit}` needs a code"),
            );
            continue;
        }
        if let Some(row) = case_codes.insert((crit.into(), code.into()), r.row) {
            p.add(
                "cases",
                Some(r.row),
                Some("code"),
                Some(crit),
                format!("criterion `{crit}` has case `{code}` twice (also row {row})"),
            );
            continue;
        }
        if r.get("label").is_empty() {
            p.add(
                "cases",
                Some(r.row),
                Some("label"),
                Some(crit),
                format!("case `{code}` of criterion `{crit}` needs a label"),
            );
        }
        let mut k = Map::new();
        k.insert("code".into(), json!(code));
        k.insert("label".into(), json!(r.get("label")));
        if let Some(v) = decimal(&mut p, "cases", r, "points", crit) {
            k.insert("points".into(), v);
        }
        match truthy(r.get("not_applicable")) {
            Some(true) => {
                k.insert("not_applicable".into(), json!(true));
            }
            Some(false) => {}
            None => p.add(
                "cases",
                Some(r.row),
                Some("not_applicable"),
                Some(crit),
                "not_applicable is x (or true) when the case is not applicable, else empty",
            ),
        }
        if !r.get("range").is_empty() {
            k.insert("range".into(), json!(r.get("range")));
        }
        if let Some(Value::Array(cases)) = criteria[i].2.get_mut("cases") {
            cases.push(Value::Object(k));
        }
    }
    if !p.0.is_empty() {
        return Err(AppError::Import(p.0));
    }
    // Nest: criteria into their groups, groups into their parents (in sheet order).
    let mut by_group: HashMap<String, Vec<Value>> = HashMap::new();
    for (_, g, c) in criteria {
        by_group.entry(g).or_default().push(Value::Object(c));
    }
    fn build(
        code: &str,
        rows: &[(&SheetRow, Map<String, Value>)],
        by_group: &mut HashMap<String, Vec<Value>>,
    ) -> Value {
        let (_, g) = rows
            .iter()
            .find(|(r, _)| r.get("code") == code)
            .expect("a known group");
        let mut g = g.clone();
        let crits = by_group.remove(code).unwrap_or_default();
        if !crits.is_empty() {
            g.insert("criteria".into(), Value::Array(crits));
        }
        let children: Vec<Value> = rows
            .iter()
            .filter(|(r, _)| r.get("parent") == code)
            .map(|(r, _)| build(r.get("code"), rows, by_group))
            .collect();
        if !children.is_empty() {
            g.insert("groups".into(), Value::Array(children));
        }
        Value::Object(g)
    }
    let roots: Vec<Value> = group_rows
        .iter()
        .filter(|(r, _)| r.get("parent").is_empty())
        .map(|(r, _)| build(r.get("code"), &group_rows, &mut by_group))
        .collect();
    doc.insert("groups".into(), Value::Array(roots));
    CriteriaSet::from_json_value(Value::Object(doc)).map_err(|e| locate(e, &codes, &sheets))
}

/// Names the sheet and row of a validation error of the core.
fn locate(
    e: chamdiem::Error,
    codes: &HashMap<String, (&str, u32)>,
    sheets: &HashMap<&str, Vec<SheetRow>>,
) -> AppError {
    match e {
        chamdiem::Error::InvalidCriteriaSet {
            offending_code,
            path,
            message,
        } => {
            let (sheet, row) = offending_code
                .as_deref()
                .and_then(|c| codes.get(c).map(|(s, r)| (s.to_string(), Some(*r))))
                .or_else(|| {
                    let c = offending_code.as_deref()?;
                    sheets["bands"]
                        .iter()
                        .find(|r| r.get("label") == c)
                        .map(|r| ("bands".to_owned(), Some(r.row)))
                })
                .unwrap_or_else(|| ("set".into(), None));
            AppError::Import(vec![ImportProblem {
                sheet: Some(sheet),
                row,
                column: None,
                offending_code,
                path: Some(path).filter(|p| !p.is_empty()),
                message,
            }])
        }
        chamdiem::Error::InvalidInput { path, message } => AppError::Import(vec![ImportProblem {
            sheet: None,
            row: None,
            column: None,
            offending_code: None,
            path: Some(path).filter(|p| !p.is_empty()),
            message,
        }]),
        other => AppError::Core(other),
    }
}

/// The filled example template: the departments' criteria set of the demo.
pub fn template() -> AppResult<Vec<u8>> {
    let set = CriteriaSet::from_compact(crate::demo::ISO_SET)
        .map_err(|e| AppError::Internal(format!("the example set: {e}")))?;
    write(&set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_demo_sets_survive_a_round_trip() {
        for text in [crate::demo::ISO_SET, crate::demo::CCHC_SET] {
            let set = CriteriaSet::from_compact(text).unwrap();
            let bytes = write(&set).unwrap();
            let back = read(&bytes).unwrap_or_else(|e| panic!("{e:?}"));
            assert_eq!(back.to_doc(), set.to_doc());
        }
    }

    #[test]
    fn garbage_is_not_a_workbook() {
        let Err(AppError::Import(p)) = read(b"not a zip") else {
            panic!()
        };
        assert_eq!(p.len(), 1);
    }
}
