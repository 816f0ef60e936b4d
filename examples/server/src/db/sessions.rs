//! The `sessions` table: one row per logged-in browser. The cookie holds a random token; the
//! table holds only its SHA-256, so a copy of the database cannot be replayed as cookies.

use super::users::User;
use super::{Tx, users};
use crate::error::AppResult;

/// A session row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 (hex) of the cookie's token.
    pub id_hash: String,
    /// The account.
    pub login: String,
    /// The session's CSRF token (hex).
    pub csrf_token: String,
    /// Created at (ms).
    pub created_at: i64,
    /// Last used at (ms; updated at most once a minute).
    pub last_seen_at: i64,
    /// Ends at (ms), whatever the use.
    pub expires_at: i64,
}

/// Stores a new session.
pub fn insert(tx: &mut dyn Tx, s: &Session) -> AppResult<()> {
    tx.exec(
        "INSERT INTO sessions (id_hash, login, csrf_token, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            (&s.id_hash).into(),
            (&s.login).into(),
            (&s.csrf_token).into(),
            s.created_at.into(),
            s.last_seen_at.into(),
            s.expires_at.into(),
        ],
    )?;
    Ok(())
}

/// The session with this token hash and its account.
pub fn get(tx: &mut dyn Tx, id_hash: &str) -> AppResult<Option<(Session, User)>> {
    let Some(r) = tx.query_opt(
        "SELECT id_hash, login, csrf_token, created_at, last_seen_at, expires_at FROM sessions \
         WHERE id_hash = $1",
        &[id_hash.into()],
    )?
    else {
        return Ok(None);
    };
    let s = Session {
        id_hash: r.text(0)?,
        login: r.text(1)?,
        csrf_token: r.text(2)?,
        created_at: r.int(3)?,
        last_seen_at: r.int(4)?,
        expires_at: r.int(5)?,
    };
    Ok(users::get(tx, &s.login)?.map(|u| (s, u)))
}

/// Records use of a session.
pub fn touch(tx: &mut dyn Tx, id_hash: &str, now: i64) -> AppResult<()> {
    tx.exec(
        "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1",
        &[id_hash.into(), now.into()],
    )?;
    Ok(())
}

/// Ends one session.
pub fn delete(tx: &mut dyn Tx, id_hash: &str) -> AppResult<()> {
    tx.exec("DELETE FROM sessions WHERE id_hash = $1", &[id_hash.into()])?;
    Ok(())
}

/// Ends every session of an account, except `keep` (a token hash). The number ended.
pub fn delete_for_user(tx: &mut dyn Tx, login: &str, keep: Option<&str>) -> AppResult<u64> {
    tx.exec(
        "DELETE FROM sessions WHERE login = $1 AND id_hash <> $2",
        &[login.into(), keep.unwrap_or("").into()],
    )
}

/// How many live sessions an account has.
pub fn count_for_user(tx: &mut dyn Tx, login: &str) -> AppResult<i64> {
    tx.query_opt(
        "SELECT COUNT(*) FROM sessions WHERE login = $1",
        &[login.into()],
    )?
    .map(|r| r.int(0))
    .unwrap_or(Ok(0))
}

/// Deletes sessions past their end or idle for longer than `idle_ms`.
pub fn sweep(tx: &mut dyn Tx, now: i64, idle_ms: i64) -> AppResult<u64> {
    tx.exec(
        "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
        &[now.into(), (now - idle_ms).into()],
    )
}
