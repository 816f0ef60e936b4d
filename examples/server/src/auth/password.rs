//! Password hashing: argon2id with m = 19 456 KiB, t = 2, p = 1 (OWASP's minimum, the argon2
//! crate's defaults), on blocking threads behind a semaphore so a burst of logins cannot take
//! all the memory. No composition rules (OWASP ASVS 6.2.5): 8 to 1024 characters, any
//! script, verified exactly as typed.
//!
//! An unknown account verifies against a dummy hash made at start-up, so it costs the same
//! time as a known one and takes the same code path.

use crate::error::{AppError, AppResult};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::Semaphore;

/// Memory cost in KiB.
pub const M_COST: u32 = 19_456;
/// Iterations.
pub const T_COST: u32 = 2;
/// Parallelism.
pub const P_COST: u32 = 1;
/// The shortest password accepted (ASVS 6.2.1).
pub const MIN_LEN: usize = 8;
/// The longest password accepted, in characters (well above ASVS's 64).
pub const MAX_LEN: usize = 1024;

fn argon2() -> Argon2<'static> {
    let params = Params::new(M_COST, T_COST, P_COST, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password now (blocking: call it on a blocking thread).
pub fn hash_blocking(password: &str) -> AppResult<String> {
    let salt = crate::auth::random_bytes::<16>();
    argon2()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

/// Whether `password` matches `hash` (blocking).
pub fn verify_blocking(password: &str, hash: &str) -> bool {
    argon2().verify_password(password.as_bytes(), hash).is_ok()
}

/// Checks a new password against the policy: length only.
pub fn check_policy(password: &str) -> AppResult<()> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(AppError::invalid(
            "new_password",
            format!("a password needs at least {MIN_LEN} characters"),
        ));
    }
    if n > MAX_LEN {
        return Err(AppError::invalid(
            "new_password",
            format!("a password has at most {MAX_LEN} characters"),
        ));
    }
    Ok(())
}

/// The hasher: a semaphore over blocking threads, the dummy hash, a counter of verifications.
pub struct Passwords {
    permits: Arc<Semaphore>,
    dummy: String,
    verifications: AtomicU64,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passwords").finish_non_exhaustive()
    }
}

impl Passwords {
    /// A hasher allowing `concurrent` hashes at once (each takes about 19 MiB).
    pub fn new(concurrent: usize) -> AppResult<Self> {
        let dummy = hash_blocking(&crate::auth::random_token())?;
        Ok(Passwords {
            permits: Arc::new(Semaphore::new(concurrent.max(1))),
            dummy,
            verifications: AtomicU64::new(0),
        })
    }

    /// Hashes a password.
    pub async fn hash(&self, password: String) -> AppResult<String> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| AppError::Internal("the password hasher is closed".into()))?;
        tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
    }

    /// Verifies a password against a stored hash, or against the dummy hash when there is no
    /// account (always `false` then).
    pub async fn verify(&self, password: String, hash: Option<String>) -> AppResult<bool> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| AppError::Internal("the password hasher is closed".into()))?;
        self.verifications.fetch_add(1, Ordering::SeqCst);
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy.clone());
        let ok = tokio::task::spawn_blocking(move || verify_blocking(&password, &hash)).await?;
        Ok(ok && known)
    }

    /// How many verifications ran (both kinds), for tests and metrics.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_policy_parameters() {
        let h = hash_blocking("mật khẩu rất dài của tôi").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_blocking("mật khẩu rất dài của tôi", &h));
        assert!(!verify_blocking("mat khau rat dai cua toi", &h));
    }

    #[test]
    fn policy_is_length_only() {
        assert!(check_policy("short").is_err());
        assert!(check_policy("onlylowercaseletters").is_ok());
        assert!(check_policy(&"x".repeat(MAX_LEN)).is_ok());
        assert!(check_policy(&"x".repeat(MAX_LEN + 1)).is_err());
    }
}
