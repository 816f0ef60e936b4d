//! Validation of criteria set documents. Every error names the offending code.

use super::interval::{Interval, Meeting, meeting};
use super::{CriteriaSetDoc, Criterion, CriterionKind, Group, GroupKind};
use crate::error::{Error, Result};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// The most decimal places a set may ask scaled values to be rounded to.
pub const MAX_PRECISION: u32 = 10;
/// The longest code accepted.
pub const MAX_CODE_LEN: usize = 64;

/// The derived (min, max) points of a criterion: explicit bounds where given, else from the
/// cases (the minimum never above zero).
pub(crate) fn bounds(c: &Criterion) -> (Decimal, Decimal) {
    let scored = c.cases.iter().filter(|k| !k.not_applicable);
    let case_max = scored.clone().map(|k| k.points()).max();
    let case_min = scored.map(|k| k.points()).min();
    let max = c.max_points.or(case_max).unwrap_or(Decimal::ZERO);
    let min = c
        .min_points
        .or_else(|| case_min.map(|m| m.min(Decimal::ZERO)))
        .unwrap_or(Decimal::ZERO);
    (min, max)
}

fn check_code(code: &str, what: &str, path: &str) -> Result<()> {
    if code.trim().is_empty() {
        return Err(Error::invalid_set(
            None,
            path,
            format!("a {what} has an empty code"),
        ));
    }
    if code.trim() != code || code.chars().any(char::is_control) {
        return Err(Error::invalid_set(
            Some(code),
            path,
            format!("{what} code `{code}` has leading or trailing spaces or control characters"),
        ));
    }
    if code.chars().count() > MAX_CODE_LEN {
        return Err(Error::invalid_set(
            Some(code),
            path,
            format!("{what} code `{code}` is longer than {MAX_CODE_LEN} characters"),
        ));
    }
    Ok(())
}

fn non_empty(text: &str, code: &str, what: &str, path: &str) -> Result<()> {
    if text.trim().is_empty() {
        Err(Error::invalid_set(
            Some(code),
            path,
            format!("{what} `{code}` has an empty title or label"),
        ))
    } else {
        Ok(())
    }
}

/// Validates the whole document.
pub(crate) fn validate(doc: &CriteriaSetDoc) -> Result<()> {
    if doc.id.trim().is_empty() {
        return Err(Error::invalid_set(None, "id", "the criteria set has no id"));
    }
    if doc.name.trim().is_empty() {
        return Err(Error::invalid_set(
            None,
            "name",
            "the criteria set has no name",
        ));
    }
    if doc.revision == 0 {
        return Err(Error::invalid_set(None, "revision", "revisions start at 1"));
    }
    if doc.precision > MAX_PRECISION {
        return Err(Error::invalid_set(
            None,
            "precision",
            format!(
                "precision {} is too high: at most {MAX_PRECISION} decimal places",
                doc.precision
            ),
        ));
    }
    validate_bands(doc)?;
    if doc.groups.is_empty() {
        return Err(Error::invalid_set(
            None,
            "groups",
            "the criteria set has no groups: add at least one group with one criterion",
        ));
    }
    let mut codes: HashMap<&str, String> = HashMap::new();
    for (i, g) in doc.groups.iter().enumerate() {
        validate_group(g, None, &format!("groups[{i}]"), &mut codes)?;
    }
    Ok(())
}

fn validate_bands(doc: &CriteriaSetDoc) -> Result<()> {
    let mut labels = HashSet::new();
    let mut previous: Option<(&str, Decimal)> = None;
    for (i, b) in doc.bands.iter().enumerate() {
        let path = format!("bands[{i}]");
        if b.label.trim().is_empty() {
            return Err(Error::invalid_set(None, path, "a band has an empty label"));
        }
        if !labels.insert(b.label.as_str()) {
            return Err(Error::invalid_set(
                Some(&b.label),
                path,
                format!("band `{}` is listed twice", b.label),
            ));
        }
        if b.min_percent < Decimal::ZERO || b.min_percent > Decimal::ONE_HUNDRED {
            return Err(Error::invalid_set(
                Some(&b.label),
                path,
                format!(
                    "band `{}` has threshold {}%, outside 0–100",
                    b.label, b.min_percent
                ),
            ));
        }
        if let Some((prev_label, prev)) = previous
            && b.min_percent >= prev
        {
            return Err(Error::invalid_set(
                Some(&b.label),
                path,
                format!(
                    "band `{}` ({}%) must come before band `{prev_label}` ({prev}%): list bands \
                     from the highest threshold to the lowest, each strictly lower",
                    b.label, b.min_percent
                ),
            ));
        }
        previous = Some((&b.label, b.min_percent));
    }
    Ok(())
}

fn validate_group<'a>(
    g: &'a Group,
    parent: Option<&Group>,
    path: &str,
    codes: &mut HashMap<&'a str, String>,
) -> Result<()> {
    check_code(&g.code, "group", path)?;
    if let Some(first) = codes.insert(&g.code, path.to_owned()) {
        return Err(Error::invalid_set(
            Some(&g.code),
            path,
            format!(
                "code `{}` is used twice (also at {first}): codes of groups and criteria must be \
                 unique",
                g.code
            ),
        ));
    }
    non_empty(&g.title, &g.code, "group", path)?;
    if g.criteria.is_empty() && g.groups.is_empty() {
        return Err(Error::invalid_set(
            Some(&g.code),
            path,
            format!("group `{}` has no criteria", g.code),
        ));
    }
    if let Some(p) = parent
        && p.kind != GroupKind::Standard
        && g.kind != p.kind
    {
        return Err(Error::invalid_set(
            Some(&g.code),
            path,
            format!(
                "group `{}` is inside {} group `{}` and must be declared {} too",
                g.code,
                p.kind.as_str(),
                p.code,
                p.kind.as_str()
            ),
        ));
    }
    match (g.kind, g.cap) {
        (GroupKind::Standard, Some(_)) => {
            return Err(Error::invalid_set(
                Some(&g.code),
                path,
                format!(
                    "group `{}` has a cap, but only bonus and penalty groups are capped",
                    g.code
                ),
            ));
        }
        (_, Some(cap)) if cap < Decimal::ZERO => {
            return Err(Error::invalid_set(
                Some(&g.code),
                path,
                format!(
                    "group `{}` has a negative cap {cap}: write the cap as a positive number \
                     (a penalty cap limits how much is taken away)",
                    g.code
                ),
            ));
        }
        _ => {}
    }
    for (i, c) in g.criteria.iter().enumerate() {
        let cpath = format!("{path}.criteria[{i}]");
        check_code(&c.code, "criterion", &cpath)?;
        if let Some(first) = codes.insert(&c.code, cpath.clone()) {
            return Err(Error::invalid_set(
                Some(&c.code),
                cpath,
                format!(
                    "code `{}` is used twice (also at {first}): codes of groups and criteria \
                     must be unique",
                    c.code
                ),
            ));
        }
        validate_criterion(c, g.kind, &cpath)?;
    }
    for (i, sub) in g.groups.iter().enumerate() {
        validate_group(sub, Some(g), &format!("{path}.groups[{i}]"), codes)?;
    }
    Ok(())
}

fn validate_criterion(c: &Criterion, kind: GroupKind, path: &str) -> Result<()> {
    let code = c.code.as_str();
    let err = |m: String| Err(Error::invalid_set(Some(code), path, m));
    non_empty(&c.title, code, "criterion", path)?;

    // Cases: codes, labels, points.
    let mut case_codes = HashSet::new();
    for (i, k) in c.cases.iter().enumerate() {
        let kpath = format!("{path}.cases[{i}]");
        check_code(&k.code, "case", &kpath)?;
        if !case_codes.insert(k.code.as_str()) {
            return err(format!(
                "criterion `{code}` has two cases with code `{}`",
                k.code
            ));
        }
        if k.label.trim().is_empty() {
            return err(format!(
                "case `{}` of criterion `{code}` has an empty label",
                k.code
            ));
        }
        match (k.not_applicable, k.points) {
            (false, None) => {
                return err(format!(
                    "case `{}` of criterion `{code}` has no points",
                    k.code
                ));
            }
            (true, Some(p)) if !p.is_zero() => {
                return err(format!(
                    "case `{}` of criterion `{code}` is not applicable and cannot give points ({p})",
                    k.code
                ));
            }
            _ => {}
        }
        if k.not_applicable && k.range.is_some() {
            return err(format!(
                "case `{}` of criterion `{code}` is not applicable and cannot have a value range",
                k.code
            ));
        }
    }
    let scored: Vec<_> = c.cases.iter().filter(|k| !k.not_applicable).collect();

    // Kind-specific shape.
    match c.kind {
        CriterionKind::Choice => {
            if scored.is_empty() {
                return err(format!(
                    "criterion `{code}` has no evaluation cases with points"
                ));
            }
            if c.scale.is_some() || c.value.is_some() {
                return err(format!(
                    "criterion `{code}` is a choice criterion: `scale` and `value` belong to banded \
                     or scaled criteria"
                ));
            }
            if let Some(k) = scored.iter().find(|k| k.range.is_some()) {
                return err(format!(
                    "case `{}` of choice criterion `{code}` has a range: ranges belong to banded \
                     criteria",
                    k.code
                ));
            }
        }
        CriterionKind::Banded => {
            if scored.is_empty() {
                return err(format!(
                    "banded criterion `{code}` has no evaluation cases with points"
                ));
            }
            if c.scale.is_some() {
                return err(format!(
                    "banded criterion `{code}` cannot have a scale (that is for scaled criteria)"
                ));
            }
            validate_value_spec(c, path)?;
            validate_bands_of(c, &scored, path)?;
        }
        CriterionKind::Scaled => {
            if !scored.is_empty() {
                return err(format!(
                    "scaled criterion `{code}` computes its points from the value: its cases may \
                     only be not applicable (case `{}` has points)",
                    scored[0].code
                ));
            }
            let Some(scale) = c.scale else {
                return err(format!(
                    "scaled criterion `{code}` needs a scale {{ low, high }}"
                ));
            };
            if scale.low == scale.high {
                return err(format!(
                    "scaled criterion `{code}` has a scale with low = high = {}",
                    scale.low
                ));
            }
            if c.max_points.is_none() {
                return err(format!(
                    "scaled criterion `{code}` needs max_points (the points at the high end of \
                     the scale)"
                ));
            }
            validate_value_spec(c, path)?;
        }
    }

    // Bounds.
    if let (Some(min), Some(max)) = (c.min_points, c.max_points)
        && min > max
    {
        return err(format!(
            "criterion `{code}` has min_points {min} above max_points {max}"
        ));
    }
    let (min, max) = bounds(c);
    for k in &scored {
        let p = k.points();
        if p > max || p < min {
            return err(format!(
                "case `{}` of criterion `{code}` gives {p} points, outside the criterion's bounds \
                 [{min}, {max}]",
                k.code
            ));
        }
    }
    match kind {
        GroupKind::Bonus if min < Decimal::ZERO => err(format!(
            "criterion `{code}` is in a bonus group but can give negative points ({min})"
        )),
        GroupKind::Penalty if max > Decimal::ZERO => err(format!(
            "criterion `{code}` is in a penalty group but can give positive points ({max})"
        )),
        _ => Ok(()),
    }
}

fn validate_value_spec(c: &Criterion, path: &str) -> Result<()> {
    if let Some(v) = &c.value
        && let (Some(min), Some(max)) = (v.min, v.max)
        && min > max
    {
        return Err(Error::invalid_set(
            Some(&c.code),
            path,
            format!(
                "criterion `{}` allows values from {min} to {max}: the minimum is above the maximum",
                c.code
            ),
        ));
    }
    Ok(())
}

/// The ranges of a banded criterion's cases must cover its allowed values exactly once.
fn validate_bands_of(c: &Criterion, scored: &[&super::Case], path: &str) -> Result<()> {
    let code = c.code.as_str();
    let err = |m: String| Err(Error::invalid_set(Some(code), path, m));
    let allowed = c.value_range();
    let mut ranges: Vec<(&str, Interval)> = Vec::with_capacity(scored.len());
    for k in scored {
        let Some(r) = k.range else {
            return err(format!(
                "case `{}` of banded criterion `{code}` has no range (e.g. \"[70, 90)\")",
                k.code
            ));
        };
        if r.is_empty() {
            return err(format!(
                "case `{}` of criterion `{code}` has the empty range {r}",
                k.code
            ));
        }
        let clipped = r.intersect(&allowed);
        if clipped.is_empty() {
            return err(format!(
                "case `{}` of criterion `{code}` has range {r}, entirely outside the allowed \
                 values {allowed}",
                k.code
            ));
        }
        ranges.push((&k.code, clipped));
    }
    ranges.sort_by(|a, b| a.1.cmp_lower(&b.1));
    // The first range must start at the lowest allowed value.
    let first = ranges[0].1;
    if first.lower != allowed.lower {
        return err(format!(
            "the ranges of criterion `{code}` leave a gap: values from {} up to {} match no case",
            allowed
                .lower
                .map(|b| b.value.to_string())
                .unwrap_or_else(|| "-∞".into()),
            first.lower.map(|b| b.value.to_string()).unwrap_or_default()
        ));
    }
    for w in ranges.windows(2) {
        let ((ka, a), (kb, b)) = (w[0], w[1]);
        match meeting(&a, &b) {
            Meeting::Adjacent => {}
            Meeting::Overlap => {
                return err(format!(
                    "the ranges of cases `{ka}` {a} and `{kb}` {b} of criterion `{code}` overlap"
                ));
            }
            Meeting::Gap => {
                return err(format!(
                    "the ranges of criterion `{code}` leave a gap between case `{ka}` {a} and \
                     case `{kb}` {b}"
                ));
            }
        }
    }
    let last = ranges[ranges.len() - 1].1;
    if last.upper != allowed.upper {
        return err(format!(
            "the ranges of criterion `{code}` leave a gap: values above {} up to {} match no case",
            last.upper.map(|b| b.value.to_string()).unwrap_or_default(),
            allowed
                .upper
                .map(|b| b.value.to_string())
                .unwrap_or_else(|| "+∞".into())
        ));
    }
    Ok(())
}
