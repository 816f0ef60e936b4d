//! The `login_throttle` table: failed logins per account name (known or not, so the two
//! behave alike), shared by every server instance.

use super::Tx;
use crate::error::AppResult;

/// One account name's failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    /// Failed logins since the last success (or since they were forgotten).
    pub failures: i64,
    /// The last failure (ms).
    pub last_failure_at: i64,
    /// No login is tried before this instant (ms).
    pub blocked_until: i64,
}

/// The failures of an account name.
pub fn get(tx: &mut dyn Tx, account: &str) -> AppResult<Failures> {
    Ok(tx
        .query_opt(
            "SELECT failures, last_failure_at, blocked_until FROM login_throttle WHERE account = $1",
            &[account.into()],
        )?
        .map(|r| -> AppResult<Failures> {
            Ok(Failures {
                failures: r.int(0)?,
                last_failure_at: r.int(1)?,
                blocked_until: r.int(2)?,
            })
        })
        .transpose()?
        .unwrap_or_default())
}

/// Stores the failures of an account name.
pub fn put(tx: &mut dyn Tx, account: &str, f: &Failures) -> AppResult<()> {
    tx.exec(
        "INSERT INTO login_throttle (account, failures, last_failure_at, blocked_until) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (account) DO UPDATE SET failures = $2, \
         last_failure_at = $3, blocked_until = $4",
        &[
            account.into(),
            f.failures.into(),
            f.last_failure_at.into(),
            f.blocked_until.into(),
        ],
    )?;
    Ok(())
}

/// Forgets an account name's failures (after a successful login).
pub fn clear(tx: &mut dyn Tx, account: &str) -> AppResult<()> {
    tx.exec(
        "DELETE FROM login_throttle WHERE account = $1",
        &[account.into()],
    )?;
    Ok(())
}

/// Forgets failures older than `before` (ms).
pub fn sweep(tx: &mut dyn Tx, before: i64) -> AppResult<u64> {
    tx.exec(
        "DELETE FROM login_throttle WHERE last_failure_at < $1 AND blocked_until < $1",
        &[before.into()],
    )
}
