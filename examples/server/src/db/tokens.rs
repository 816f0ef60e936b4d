//! The `api_tokens` table: personal API tokens for machine clients. Only the token's SHA-256 is
//! stored; the token itself is shown once, when it is created.

use super::users::User;
use super::{Row, Tx, users};
use crate::error::{AppError, AppResult};
use serde::Serialize;
use utoipa::ToSchema;

/// A token as listed (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct TokenInfo {
    /// The token's id.
    pub id: String,
    /// Its name, chosen by the user.
    pub name: String,
    /// Created at (RFC 3339).
    pub created_at: String,
    /// Last used at (RFC 3339), if ever.
    pub last_used_at: Option<String>,
    /// Ends at (RFC 3339), if it ends.
    pub expires_at: Option<String>,
}

fn rfc(ms: i64) -> String {
    chamdiem::Timestamp::from_millis(ms).to_rfc3339()
}

fn info(r: &Row) -> AppResult<TokenInfo> {
    Ok(TokenInfo {
        id: r.text(0)?,
        name: r.text(1)?,
        created_at: rfc(r.int(2)?),
        last_used_at: r.opt_int(3)?.map(rfc),
        expires_at: r.opt_int(4)?.map(rfc),
    })
}

/// Stores a new token.
#[allow(clippy::too_many_arguments)]
pub fn insert(
    tx: &mut dyn Tx,
    id: &str,
    login: &str,
    name: &str,
    token_hash: &str,
    now: i64,
    expires_at: Option<i64>,
) -> AppResult<()> {
    tx.exec(
        "INSERT INTO api_tokens (id, login, name, token_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            id.into(),
            login.into(),
            name.into(),
            token_hash.into(),
            now.into(),
            expires_at.into(),
        ],
    )?;
    Ok(())
}

/// The account of a live token (not expired), recording its use.
pub fn authenticate(
    tx: &mut dyn Tx,
    token_hash: &str,
    now: i64,
) -> AppResult<Option<(String, User)>> {
    let Some(r) = tx.query_opt(
        "SELECT id, login, expires_at, last_used_at FROM api_tokens WHERE token_hash = $1",
        &[token_hash.into()],
    )?
    else {
        return Ok(None);
    };
    let (id, login, expires, last) = (r.text(0)?, r.text(1)?, r.opt_int(2)?, r.opt_int(3)?);
    if expires.is_some_and(|e| e <= now) {
        return Ok(None);
    }
    if last.is_none_or(|l| now - l > 60_000) {
        tx.exec(
            "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1",
            &[(&id).into(), now.into()],
        )?;
    }
    Ok(users::get(tx, &login)?.map(|u| (id, u)))
}

/// The tokens of an account, newest first.
pub fn list(tx: &mut dyn Tx, login: &str) -> AppResult<Vec<TokenInfo>> {
    tx.query(
        "SELECT id, name, created_at, last_used_at, expires_at FROM api_tokens WHERE login = $1 \
         ORDER BY created_at DESC, id",
        &[login.into()],
    )?
    .iter()
    .map(info)
    .collect()
}

/// Deletes a token of an account; `not_found` if it has no such token.
pub fn delete(tx: &mut dyn Tx, login: &str, id: &str) -> AppResult<()> {
    let n = tx.exec(
        "DELETE FROM api_tokens WHERE login = $1 AND id = $2",
        &[login.into(), id.into()],
    )?;
    if n == 0 {
        return Err(AppError::not_found("api_token", id));
    }
    Ok(())
}

/// Deletes every token of an account (when it is disabled).
pub fn delete_for_user(tx: &mut dyn Tx, login: &str) -> AppResult<u64> {
    tx.exec("DELETE FROM api_tokens WHERE login = $1", &[login.into()])
}
