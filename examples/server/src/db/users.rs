//! The `users` table: accounts, their role and unit, the password hash.

use super::{Row, Tx};
use crate::error::{AppError, AppResult};
use chamdiem::Role;
use serde::Serialize;
use utoipa::ToSchema;

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The account name, lowercase; also the actor's `user` in the history.
    pub login: String,
    /// The person's name.
    pub name: String,
    /// E-mail address (may be empty).
    pub email: String,
    /// Phone number (may be empty).
    pub phone: String,
    /// The role.
    pub role: Role,
    /// The unit the user belongs to.
    pub unit: String,
    /// The argon2id hash (PHC string).
    pub password_hash: String,
    /// A disabled account cannot log in and has no sessions.
    pub disabled: bool,
    /// The password was set by an administrator and must be changed.
    pub must_change_password: bool,
    /// Created at (ms).
    pub created_at: i64,
    /// Last changed at (ms).
    pub updated_at: i64,
}

/// An account as the API shows it (never the hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct UserInfo {
    /// The account name.
    pub login: String,
    /// The person's name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// `unit`, `reviewer`, `admin` or `viewer`.
    pub role: String,
    /// The unit's id.
    pub unit: String,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// Whether the password must be changed before anything else.
    pub must_change_password: bool,
}

impl User {
    /// The API's view of the account.
    pub fn info(&self) -> UserInfo {
        UserInfo {
            login: self.login.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            role: self.role.as_str().into(),
            unit: self.unit.clone(),
            disabled: self.disabled,
            must_change_password: self.must_change_password,
        }
    }

    /// The core's actor for this user.
    pub fn actor(&self) -> chamdiem::Actor {
        chamdiem::Actor::new(self.login.clone(), self.role, self.unit.clone())
    }
}

/// Parses a role name.
pub fn parse_role(s: &str) -> AppResult<Role> {
    Role::ALL
        .into_iter()
        .find(|r| r.as_str() == s)
        .ok_or_else(|| {
            AppError::invalid(
                "role",
                format!("unknown role `{s}`; use one of: unit, reviewer, admin, viewer"),
            )
        })
}

/// Normalises an account name: trimmed, lowercase. Valid names are 1–64 characters of
/// letters, digits, `.`, `_` and `-`.
pub fn normalize_login(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Checks an account name (already normalised).
pub fn check_login(s: &str) -> AppResult<()> {
    if s.is_empty()
        || s.len() > 64
        || !s.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
    {
        return Err(AppError::invalid(
            "login",
            format!("account name `{s}`: use 1 to 64 letters (a–z), digits, `.`, `_` or `-`"),
        ));
    }
    Ok(())
}

const COLUMNS: &str = "login, name, email, phone, role, unit_id, password_hash, disabled, \
                       must_change_password, created_at, updated_at";

fn from_row(r: &Row) -> AppResult<User> {
    Ok(User {
        login: r.text(0)?,
        name: r.text(1)?,
        email: r.text(2)?,
        phone: r.text(3)?,
        role: parse_role(&r.text(4)?)
            .map_err(|_| AppError::Internal("a stored role is unknown".into()))?,
        unit: r.text(5)?,
        password_hash: r.text(6)?,
        disabled: r.bool(7)?,
        must_change_password: r.bool(8)?,
        created_at: r.int(9)?,
        updated_at: r.int(10)?,
    })
}

/// Stores a new account; `already_exists` if the name is taken.
pub fn insert(tx: &mut dyn Tx, u: &User) -> AppResult<()> {
    if get(tx, &u.login)?.is_some() {
        return Err(AppError::Core(chamdiem::Error::AlreadyExists {
            kind: "user".into(),
            id: u.login.clone(),
        }));
    }
    tx.exec(
        &format!(
            "INSERT INTO users ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ),
        &[
            (&u.login).into(),
            (&u.name).into(),
            (&u.email).into(),
            (&u.phone).into(),
            u.role.as_str().into(),
            (&u.unit).into(),
            (&u.password_hash).into(),
            u.disabled.into(),
            u.must_change_password.into(),
            u.created_at.into(),
            u.updated_at.into(),
        ],
    )?;
    Ok(())
}

/// The account with this (normalised) name.
pub fn get(tx: &mut dyn Tx, login: &str) -> AppResult<Option<User>> {
    tx.query_opt(
        &format!("SELECT {COLUMNS} FROM users WHERE login = $1"),
        &[login.into()],
    )?
    .map(|r| from_row(&r))
    .transpose()
}

/// Every account, by name.
pub fn list(tx: &mut dyn Tx) -> AppResult<Vec<User>> {
    tx.query(&format!("SELECT {COLUMNS} FROM users ORDER BY login"), &[])?
        .iter()
        .map(from_row)
        .collect()
}

/// How many accounts there are.
pub fn count(tx: &mut dyn Tx) -> AppResult<i64> {
    tx.query_opt("SELECT COUNT(*) FROM users", &[])?
        .map(|r| r.int(0))
        .unwrap_or(Ok(0))
}

/// Replaces an account's fields (not its name).
pub fn update(tx: &mut dyn Tx, u: &User) -> AppResult<()> {
    let n = tx.exec(
        "UPDATE users SET name = $2, email = $3, phone = $4, role = $5, unit_id = $6, \
         password_hash = $7, disabled = $8, must_change_password = $9, updated_at = $10 \
         WHERE login = $1",
        &[
            (&u.login).into(),
            (&u.name).into(),
            (&u.email).into(),
            (&u.phone).into(),
            u.role.as_str().into(),
            (&u.unit).into(),
            (&u.password_hash).into(),
            u.disabled.into(),
            u.must_change_password.into(),
            u.updated_at.into(),
        ],
    )?;
    if n == 0 {
        return Err(AppError::not_found("user", &u.login));
    }
    Ok(())
}
