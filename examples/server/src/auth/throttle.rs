//! Login throttling, in two layers (OWASP ASVS 6.1.1, 6.3.1):
//!
//! - **per client address**, in memory: a token bucket of `login_burst` failed logins,
//!   refilled one every `login_refill_secs`; an empty bucket answers 429 before any password
//!   is checked. Addresses are not shared between instances (each has its own bucket).
//! - **per account name**, in the database (shared by instances): after
//!   `account_free_failures` failures, each further failure makes the name wait 30 s, doubling
//!   up to 15 minutes; attempts while it waits are refused with 429 without being counted, so
//!   an attacker cannot lock the account for good, and the owner gets in as soon as the wait
//!   is over. Unknown names are throttled the same way, so the two look alike. Failures are
//!   forgotten after a success or 24 hours without one.

use crate::db::{Db, throttle};
use crate::error::{AppError, AppResult};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// The first wait, after the free failures (ms).
pub const BASE_WAIT_MS: i64 = 30_000;
/// The longest wait (ms).
pub const MAX_WAIT_MS: i64 = 15 * 60_000;
/// Failures are forgotten after this long without one (ms).
pub const FORGET_MS: i64 = 24 * 3_600_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: i64,
}

/// The per-address token buckets.
#[derive(Debug)]
pub struct AddressLimiter {
    burst: f64,
    refill_ms: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl AddressLimiter {
    /// `burst` failures at once, one more every `refill_secs`.
    pub fn new(burst: u32, refill_secs: u64) -> Self {
        AddressLimiter {
            burst: burst.max(1) as f64,
            refill_ms: (refill_secs.max(1) * 1000) as f64,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn level(&self, b: Bucket, now: i64) -> f64 {
        (b.tokens + (now - b.at).max(0) as f64 / self.refill_ms).min(self.burst)
    }

    /// Refuses (with the seconds to wait) when the address has no failure left.
    pub fn check(&self, ip: IpAddr, now: i64) -> AppResult<()> {
        let map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(b) = map.get(&ip) {
            let level = self.level(*b, now);
            if level < 1.0 {
                let wait_ms = (1.0 - level) * self.refill_ms;
                return Err(AppError::RateLimited {
                    retry_after: (wait_ms / 1000.0).ceil().max(1.0) as u64,
                });
            }
        }
        Ok(())
    }

    /// Counts a failed login from `ip`.
    pub fn fail(&self, ip: IpAddr, now: i64) {
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            // Forget full buckets: they hold no information.
            let (burst, refill) = (self.burst, self.refill_ms);
            map.retain(|_, b| b.tokens + (now - b.at) as f64 / refill < burst);
        }
        let level = map
            .get(&ip)
            .map(|b| self.level(*b, now))
            .unwrap_or(self.burst);
        map.insert(
            ip,
            Bucket {
                tokens: (level - 1.0).max(0.0),
                at: now,
            },
        );
    }
}

/// The wait after `failures` failures, when `free` are free (ms).
pub fn wait_after(failures: i64, free: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = (failures - free).min(20) as u32;
    BASE_WAIT_MS
        .saturating_mul(1i64 << doublings)
        .min(MAX_WAIT_MS)
}

/// Refuses (with the seconds to wait) when the account name must wait.
pub fn check_account(db: &Db, account: &str, now: i64) -> AppResult<()> {
    let f = db.read(|tx| throttle::get(tx, account))?;
    if f.blocked_until > now {
        return Err(AppError::RateLimited {
            retry_after: ((f.blocked_until - now + 999) / 1000).max(1) as u64,
        });
    }
    Ok(())
}

/// Counts a failed login of an account name.
pub fn fail_account(db: &Db, account: &str, now: i64, free: u32) -> AppResult<()> {
    db.write(|tx| {
        let mut f = throttle::get(tx, account)?;
        if now - f.last_failure_at > FORGET_MS {
            f = throttle::Failures::default();
        }
        f.failures += 1;
        f.last_failure_at = now;
        let wait = wait_after(f.failures, free as i64);
        f.blocked_until = if wait > 0 { now + wait } else { 0 };
        throttle::put(tx, account, &f)
    })
}

/// Forgets an account name's failures after a successful login.
pub fn succeed_account(db: &Db, account: &str) -> AppResult<()> {
    db.write(|tx| throttle::clear(tx, account))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap() {
        assert_eq!(wait_after(4, 5), 0);
        assert_eq!(wait_after(5, 5), 30_000);
        assert_eq!(wait_after(6, 5), 60_000);
        assert_eq!(wait_after(50, 5), MAX_WAIT_MS);
    }

    #[test]
    fn buckets_refill() {
        let l = AddressLimiter::new(3, 10);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            l.check(ip, 0).unwrap();
            l.fail(ip, 0);
        }
        let Err(AppError::RateLimited { retry_after }) = l.check(ip, 0) else {
            panic!("expected a refusal")
        };
        assert_eq!(retry_after, 10);
        assert!(l.check(ip, 10_000).is_ok());
        assert!(l.check("192.0.2.2".parse().unwrap(), 0).is_ok());
    }
}
