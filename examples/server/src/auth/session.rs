//! The session cookie: `HttpOnly`, `SameSite=Lax`, `Path=/`, no `Domain`; with
//! `--secure-cookies` also `Secure` and named `__Host-chamdiem_session` (browsers refuse a
//! `__Host-` cookie without `Secure`, so a plain-http demo uses `chamdiem_session`).
//! The value is a random 256-bit token; the database keeps its SHA-256.

use crate::config::Config;
use axum::http::{HeaderMap, HeaderValue, header};

/// The value of cookie `name` in the request, if any.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 256)
}

fn attributes(config: &Config) -> &'static str {
    if config.secure_cookies {
        "; Path=/; HttpOnly; SameSite=Lax; Secure"
    } else {
        "; Path=/; HttpOnly; SameSite=Lax"
    }
}

/// `Set-Cookie` for a new session.
pub fn set_cookie(config: &Config, token: &str) -> HeaderValue {
    let v = format!(
        "{}={token}{}; Max-Age={}",
        config.cookie_name(),
        attributes(config),
        config.session_lifetime.as_secs()
    );
    HeaderValue::from_str(&v).expect("a cookie of hex digits")
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(config: &Config) -> HeaderValue {
    let v = format!("{}={}; Max-Age=0", config.cookie_name(), attributes(config));
    HeaderValue::from_str(&v).expect("a valid cookie")
}

/// `Set-Cookie` for the language preference (not a secret; readable by pages).
pub fn language_cookie(config: &Config, lang: &str) -> HeaderValue {
    let secure = if config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "chamdiem_lang={lang}; Path=/; SameSite=Lax; Max-Age=31536000{secure}"
    ))
    .expect("a valid cookie")
}
