//! Administration: units (a tree), users (create, disable, reset password, role, unit),
//! criteria sets (import from JSON, the compact TOML form or an Excel workbook), periods
//! (create with criteria sets, deadlines, open dossiers for chosen units).
//!
//! The functions here are shared by the JSON API ([`crate::api::admin`]) and the pages
//! ([`crate::web::admin`]); the callers have checked that the actor is an administrator.

pub mod xlsx;

use crate::app::AppState;
use crate::auth;
use crate::db::users::{self, User};
use crate::db::{sessions, tokens};
use crate::error::{AppError, AppResult, ImportProblem};
use chamdiem::store::SetInfo;
use chamdiem::{CriteriaSet, Period, PeriodSet, Role, SetRef, Timestamp, Unit, UnitKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Checks an id of a unit or a period: 1–64 letters, digits, `_` or `-` (they appear in
/// dossier ids and URLs).
pub fn check_id(field: &str, id: &str) -> AppResult<()> {
    if id.is_empty()
        || id.len() > 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(AppError::invalid(
            field,
            format!("`{id}`: use 1 to 64 letters, digits, `_` or `-`"),
        ));
    }
    Ok(())
}

fn non_empty(field: &str, v: &str, max: usize) -> AppResult<String> {
    let v = v.trim();
    if v.is_empty() {
        return Err(AppError::invalid(field, format!("{field} cannot be empty")));
    }
    if v.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("{field} has at most {max} characters"),
        ));
    }
    Ok(v.to_owned())
}

/// Parses a unit kind.
pub fn parse_kind(s: &str) -> AppResult<UnitKind> {
    UnitKind::parse(s).ok_or_else(|| {
        AppError::invalid(
            "kind",
            format!(
                "unknown kind `{s}`; use one of: province, department, sub_department, district, commune"
            ),
        )
    })
}

/// A dossier's id in the server: `<period>.<unit>`.
pub fn dossier_id(period: &str, unit: &str) -> String {
    format!("{period}.{unit}")
}

/// A new unit.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    /// Stable id (letters, digits, `_`, `-`).
    pub id: String,
    /// Short code (orders rankings).
    pub code: String,
    /// Name.
    pub name: String,
    /// `province`, `department`, `sub_department`, `district` or `commune`.
    pub kind: String,
    /// The parent unit's id (absent for a province).
    pub parent: Option<String>,
}

/// A unit's new fields.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitChange {
    /// Short code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// The parent unit's id.
    pub parent: Option<String>,
}

fn build_unit(id: String, c: UnitChange) -> AppResult<Unit> {
    let parent = c
        .parent
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    let unit = Unit {
        code: non_empty("code", &c.code, 32)?,
        name: non_empty("name", &c.name, 200)?,
        kind: parse_kind(c.kind.trim())?,
        parent,
        id,
    };
    unit.validate()?;
    Ok(unit)
}

/// Creates a unit.
pub async fn create_unit(state: &AppState, u: NewUnit) -> AppResult<Unit> {
    let id = u.id.trim().to_owned();
    check_id("id", &id)?;
    let unit = build_unit(
        id,
        UnitChange {
            code: u.code,
            name: u.name,
            kind: u.kind,
            parent: u.parent,
        },
    )?;
    let stored = unit.clone();
    state.store(move |s| s.insert_unit(&stored)).await?;
    Ok(unit)
}

/// Changes a unit; refuses a parent that would make a cycle.
pub async fn update_unit(state: &AppState, id: String, c: UnitChange) -> AppResult<Unit> {
    let unit = build_unit(id, c)?;
    let stored = unit.clone();
    state
        .store(move |s| {
            s.unit(&stored.id)?;
            if let Some(p) = &stored.parent {
                s.unit(p)?;
                let tree = crate::api::scope::Tree::load(s)?;
                if tree.within(p, &stored.id) {
                    return Err(chamdiem::Error::invalid_input(
                        "parent",
                        format!(
                            "unit `{p}` is below `{}`: that would make a cycle",
                            stored.id
                        ),
                    ));
                }
            }
            s.update_unit(&stored)
        })
        .await?;
    Ok(unit)
}

/// A new account.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// The account name (letters a–z, digits, `.`, `_`, `-`).
    pub login: String,
    /// The person's name.
    pub name: String,
    /// E-mail address.
    #[serde(default)]
    pub email: String,
    /// Phone number.
    #[serde(default)]
    pub phone: String,
    /// `unit`, `reviewer`, `admin` or `viewer`.
    pub role: String,
    /// The unit's id.
    pub unit: String,
}

/// An account's new fields (absent fields are left as they are).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    /// The person's name.
    pub name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// The role.
    pub role: Option<String>,
    /// The unit's id.
    pub unit: Option<String>,
    /// `true` disables the account (its sessions and tokens end); `false` enables it.
    pub disabled: Option<bool>,
}

/// A password made for someone else: 16 letters and digits in groups of four, without the
/// look-alikes.
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let bytes = auth::random_bytes::<16>();
    let mut s = String::new();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i.is_multiple_of(4) {
            s.push('-');
        }
        s.push(ALPHABET[*b as usize % ALPHABET.len()] as char);
    }
    s
}

/// Creates an account. With `password` (the first administrator, the demo) it is set as
/// given; without, a temporary password is made, returned once, and must be changed at the
/// first login (administrators never choose other people's passwords).
pub async fn create_user(
    state: &AppState,
    u: NewUser,
    password: Option<String>,
) -> AppResult<(User, Option<String>)> {
    let login = users::normalize_login(&u.login);
    users::check_login(&login)?;
    let role = users::parse_role(u.role.trim())?;
    let name = non_empty("name", &u.name, 200)?;
    crate::api::account::check_field("email", &u.email, 254)?;
    crate::api::account::check_field("phone", &u.phone, 32)?;
    let unit = u.unit.trim().to_owned();
    let unit_check = unit.clone();
    state.store(move |s| s.unit(&unit_check)).await?;
    let (pw, temp) = match password {
        Some(p) => {
            auth::password::check_policy(&p)?;
            (p, None)
        }
        None => {
            let t = temporary_password();
            (t.clone(), Some(t))
        }
    };
    let hash = state.passwords.hash(pw).await?;
    let now = state.now().as_millis();
    let user = User {
        login,
        name,
        email: u.email.trim().to_owned(),
        phone: u.phone.trim().to_owned(),
        role,
        unit,
        password_hash: hash,
        disabled: false,
        must_change_password: temp.is_some(),
        created_at: now,
        updated_at: now,
    };
    let stored = user.clone();
    state
        .db
        .run(move |db| db.write(|tx| users::insert(tx, &stored)))
        .await?;
    tracing::info!(target: "chamdiem_server::audit", login = %user.login, role = %user.role, unit = %user.unit, "account created");
    Ok((user, temp))
}

/// Changes an account. Disabling ends its sessions and API tokens. An administrator cannot
/// disable or demote their own account (so there is always one left).
pub async fn update_user(
    state: &AppState,
    by: &User,
    login: String,
    c: UserChange,
) -> AppResult<User> {
    if login == by.login
        && (c.disabled == Some(true) || c.role.as_deref().is_some_and(|r| r != "admin"))
    {
        return Err(AppError::forbidden(
            "you cannot disable your own account or give up your own administrator role",
        ));
    }
    let role = c
        .role
        .as_deref()
        .map(|r| users::parse_role(r.trim()))
        .transpose()?;
    let name = c
        .name
        .as_deref()
        .map(|n| non_empty("name", n, 200))
        .transpose()?;
    if let Some(e) = &c.email {
        crate::api::account::check_field("email", e, 254)?;
    }
    if let Some(p) = &c.phone {
        crate::api::account::check_field("phone", p, 32)?;
    }
    if let Some(unit) = c.unit.clone() {
        state.store(move |s| s.unit(unit.trim())).await?;
    }
    let now = state.now().as_millis();
    let user = state
        .db
        .run(move |db| {
            db.write(|tx| {
                let mut u =
                    users::get(tx, &login)?.ok_or_else(|| AppError::not_found("user", &login))?;
                if let Some(n) = name {
                    u.name = n;
                }
                if let Some(e) = c.email {
                    u.email = e.trim().to_owned();
                }
                if let Some(p) = c.phone {
                    u.phone = p.trim().to_owned();
                }
                if let Some(r) = role {
                    u.role = r;
                }
                if let Some(unit) = c.unit {
                    u.unit = unit.trim().to_owned();
                }
                if let Some(d) = c.disabled {
                    u.disabled = d;
                }
                u.updated_at = now;
                users::update(tx, &u)?;
                if u.disabled {
                    sessions::delete_for_user(tx, &u.login, None)?;
                    tokens::delete_for_user(tx, &u.login)?;
                }
                Ok(u)
            })
        })
        .await?;
    tracing::info!(target: "chamdiem_server::audit", by = %by.login, login = %user.login, role = %user.role, unit = %user.unit, disabled = user.disabled, "account changed");
    Ok(user)
}

/// Resets an account's password to a new temporary one (returned once); its sessions end and
/// it must choose a new password at the next login.
pub async fn reset_password(state: &AppState, by: &User, login: String) -> AppResult<String> {
    let temp = temporary_password();
    let hash = state.passwords.hash(temp.clone()).await?;
    let now = state.now().as_millis();
    let l = login.clone();
    state
        .db
        .run(move |db| {
            db.write(|tx| {
                let mut u = users::get(tx, &l)?.ok_or_else(|| AppError::not_found("user", &l))?;
                u.password_hash = hash;
                u.must_change_password = true;
                u.updated_at = now;
                users::update(tx, &u)?;
                sessions::delete_for_user(tx, &l, None)?;
                Ok(())
            })
        })
        .await?;
    tracing::info!(target: "chamdiem_server::audit", by = %by.login, %login, "password reset");
    Ok(temp)
}

/// The format of an imported criteria set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetFormat {
    /// The JSON document.
    Json,
    /// The compact TOML form.
    Toml,
    /// An Excel workbook (docs/server.md describes the template).
    Xlsx,
}

impl SetFormat {
    /// The format of a body from its media type, else from a file name.
    pub fn detect(
        content_type: Option<&str>,
        file_name: Option<&str>,
        bytes: &[u8],
    ) -> Option<Self> {
        let ct = content_type
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim();
        match ct {
            "application/json" => return Some(SetFormat::Json),
            "application/toml" | "text/plain" | "text/x-toml" => return Some(SetFormat::Toml),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
                return Some(SetFormat::Xlsx);
            }
            _ => {}
        }
        let name = file_name.unwrap_or("").to_ascii_lowercase();
        if name.ends_with(".json") {
            Some(SetFormat::Json)
        } else if name.ends_with(".toml") {
            Some(SetFormat::Toml)
        } else if name.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
            Some(SetFormat::Xlsx)
        } else if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            Some(SetFormat::Json)
        } else if !bytes.is_empty() {
            Some(SetFormat::Toml)
        } else {
            None
        }
    }
}

fn problem_of(e: chamdiem::Error) -> AppError {
    match e {
        chamdiem::Error::InvalidCriteriaSet {
            offending_code,
            path,
            message,
        } => AppError::Import(vec![ImportProblem {
            sheet: None,
            row: None,
            column: None,
            offending_code,
            path: Some(path).filter(|p| !p.is_empty()),
            message,
        }]),
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

/// Reads and validates a criteria set; every problem is listed (with the sheet and row of a
/// workbook).
pub fn parse_set(format: SetFormat, bytes: &[u8]) -> AppResult<CriteriaSet> {
    match format {
        SetFormat::Json | SetFormat::Toml => {
            let text = std::str::from_utf8(bytes).map_err(|_| {
                AppError::Import(vec![ImportProblem {
                    sheet: None,
                    row: None,
                    column: None,
                    offending_code: None,
                    path: None,
                    message: "the file is not UTF-8 text".into(),
                }])
            })?;
            let r = if format == SetFormat::Json {
                CriteriaSet::from_json(text)
            } else {
                CriteriaSet::from_compact(text)
            };
            r.map_err(problem_of)
        }
        SetFormat::Xlsx => xlsx::read(bytes),
    }
}

/// Imports a criteria set (immutable once stored: importing the same id and revision again
/// with other content is `already_exists`).
pub async fn import_set(
    state: &AppState,
    by: &User,
    format: SetFormat,
    bytes: Vec<u8>,
) -> AppResult<SetInfo> {
    let set = tokio::task::spawn_blocking(move || parse_set(format, &bytes)).await??;
    let info = SetInfo {
        id: set.id().to_owned(),
        revision: set.revision(),
        name: set.name().to_owned(),
    };
    state.store(move |s| s.insert_criteria_set(&set)).await?;
    tracing::info!(target: "chamdiem_server::audit", by = %by.login, set = %info.id, revision = info.revision, "criteria set imported");
    Ok(info)
}

/// A period's criteria set for one kind of unit.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodSetInput {
    /// The kind of assessed unit.
    pub unit_kind: String,
    /// The criteria set's id.
    pub criteria_set: String,
    /// Its revision.
    pub revision: u32,
}

/// A new period.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPeriod {
    /// Stable id (`2026`).
    pub id: String,
    /// Name (`Đánh giá năm 2026`).
    pub name: String,
    /// The year assessed.
    pub year: Option<i32>,
    /// The assessing unit (the province).
    pub assessing_unit: String,
    /// One criteria set per kind of assessed unit.
    pub criteria_sets: Vec<PeriodSetInput>,
    /// The self-assessment deadline (RFC 3339).
    pub self_deadline: Option<String>,
    /// Whether the signed self-assessment report is required to submit.
    #[serde(default)]
    pub requires_report: bool,
}

/// A period's new fields (absent fields are left as they are).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodChange {
    /// Name.
    pub name: Option<String>,
    /// The self-assessment deadline for dossiers opened from now on (RFC 3339); an empty
    /// string removes it. Dossiers already opened keep theirs (move one with `unlock`).
    pub self_deadline: Option<String>,
}

fn parse_instant(field: &str, s: &str) -> AppResult<Timestamp> {
    Timestamp::parse(s.trim()).map_err(|m| AppError::invalid(field, m))
}

/// Creates a period.
pub async fn create_period(state: &AppState, p: NewPeriod) -> AppResult<Period> {
    let id = p.id.trim().to_owned();
    check_id("id", &id)?;
    let mut sets = Vec::new();
    for (i, s) in p.criteria_sets.iter().enumerate() {
        sets.push(PeriodSet {
            unit_kind: parse_kind(s.unit_kind.trim()).map_err(|_| {
                AppError::invalid(
                    format!("criteria_sets[{i}].unit_kind"),
                    format!("unknown kind `{}`", s.unit_kind),
                )
            })?,
            criteria_set: SetRef {
                id: s.criteria_set.trim().to_owned(),
                revision: s.revision,
            },
        });
    }
    let mut period = Period::new(
        id,
        non_empty("name", &p.name, 200)?,
        p.assessing_unit.trim(),
        sets,
    );
    period.year = p.year;
    period.requires_report = p.requires_report;
    period.self_deadline = p
        .self_deadline
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse_instant("self_deadline", s))
        .transpose()?;
    period.validate()?;
    let stored = period.clone();
    state.store(move |s| s.insert_period(&stored)).await?;
    Ok(period)
}

/// Changes a period's name or deadline.
pub async fn update_period(state: &AppState, id: String, c: PeriodChange) -> AppResult<Period> {
    let name = c
        .name
        .as_deref()
        .map(|n| non_empty("name", n, 200))
        .transpose()?;
    let deadline = match c.self_deadline.as_deref() {
        None => None,
        Some(s) if s.trim().is_empty() => Some(None),
        Some(s) => Some(Some(parse_instant("self_deadline", s)?)),
    };
    state
        .store(move |s| {
            let mut p = s.period(&id)?;
            if let Some(n) = name {
                p.name = n;
            }
            if let Some(d) = deadline {
                p.self_deadline = d;
            }
            p.validate()?;
            s.update_period(&p)?;
            Ok(p)
        })
        .await
}

/// Opens the dossiers of the chosen units in a period (ids `<period>.<unit>`); units that
/// already have one are refused with `already_exists` before anything is opened.
pub async fn open_dossiers(
    state: &AppState,
    by: &User,
    period: String,
    units: Vec<String>,
) -> AppResult<Vec<String>> {
    if units.is_empty() {
        return Err(AppError::invalid("units", "choose at least one unit"));
    }
    let actor = chamdiem::Actor::new(by.login.clone(), Role::Admin, by.unit.clone());
    let now = state.now();
    state
        .store(move |s| {
            let p = s.period(&period)?;
            let mut dossiers = Vec::new();
            for (i, u) in units.iter().enumerate() {
                let unit = s.unit(u.trim())?;
                let set_ref = p.set_for(unit.kind).ok_or_else(|| {
                    chamdiem::Error::invalid_input(
                        format!("units[{i}]"),
                        format!(
                            "period `{}` has no criteria set for units of kind `{}` (unit `{}`)",
                            p.id, unit.kind, unit.id
                        ),
                    )
                })?;
                let set = s.criteria_set(&set_ref.id, set_ref.revision)?;
                let id = dossier_id(&p.id, &unit.id);
                if s.dossier_state(&id).is_ok() {
                    return Err(chamdiem::Error::AlreadyExists {
                        kind: "dossier".into(),
                        id,
                    });
                }
                dossiers.push(p.open_dossier(id, &unit, &set, &actor, now)?);
            }
            let mut ids = Vec::new();
            for d in dossiers {
                s.insert_dossier(&d)?;
                ids.push(d.id().to_owned());
            }
            Ok(ids)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_temporary_passwords() {
        assert!(check_id("id", "SO-TC").is_ok());
        assert!(check_id("id", "2026").is_ok());
        assert!(check_id("id", "a/b").is_err());
        assert!(check_id("id", "").is_err());
        let t = temporary_password();
        assert_eq!(t.len(), 19);
        assert!(auth::password::check_policy(&t).is_ok());
    }

    #[test]
    fn formats_are_detected() {
        assert_eq!(
            SetFormat::detect(Some("application/json"), None, b""),
            Some(SetFormat::Json)
        );
        assert_eq!(
            SetFormat::detect(None, Some("bo.xlsx"), b""),
            Some(SetFormat::Xlsx)
        );
        assert_eq!(
            SetFormat::detect(None, None, b"  {\"a\":1}"),
            Some(SetFormat::Json)
        );
        assert_eq!(
            SetFormat::detect(None, None, b"id = \"x\""),
            Some(SetFormat::Toml)
        );
        assert_eq!(SetFormat::detect(None, None, b""), None);
    }
}
