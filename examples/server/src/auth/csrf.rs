//! Cross-site request forgery protection on every state-changing request (POST, PUT, PATCH,
//! DELETE), in two layers after `SameSite=Lax`:
//!
//! 1. **Origin.** When the browser sends `Origin`, it must be the public origin (the
//!    configured `--public-url`, or else the request's own host with `https` under
//!    `--secure-cookies` and `http` otherwise): a foreign origin, `null`, another scheme or an
//!    origin that cannot be parsed is refused. Without `Origin`, `Sec-Fetch-Site` must be
//!    `same-origin` (or `none`) when present.
//! 2. **Token.** A request authenticated by a session cookie must carry the session's token:
//!    the `X-CSRF-Token` header (the JSON API, scripts), the `csrf` field of a URL-encoded
//!    form, or the `csrf` query parameter (multipart forms). Requests with a personal API
//!    token (`Authorization: Bearer`) carry no cookie and need no token; anonymous requests
//!    and the login routes are covered by the Origin check.
//!
//! Every refusal is a 403 (`csrf_failed`) and a warning in the log, target
//! `chamdiem_server::security::csrf`.

use super::{Authenticated, Via};
use crate::app::AppState;
use crate::config::Config;
use crate::error::AppError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The header that carries the token.
pub const HEADER: &str = "x-csrf-token";
/// The form field and query parameter that carry the token.
pub const FIELD: &str = "csrf";
/// The login routes: they need no token (a browser may still hold an old session), only the
/// Origin check.
pub const LOGIN_PATHS: [&str; 2] = ["/login", "/api/v1/auth/login"];

/// An origin `scheme://host[:port]`, lowercase, with the default port left out; `None` if it
/// cannot be parsed.
pub fn parse_origin(text: &str) -> Option<String> {
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty() || authority.contains(['/', '?', '#', '@', ' ']) {
        return None;
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (inside, after) = v6.split_once(']')?;
        if inside.is_empty()
            || !inside
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return None;
        }
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (format!("[{}]", inside.to_ascii_lowercase()), port)
    } else {
        let (h, p) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        if h.is_empty()
            || !h
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return None;
        }
        (h.to_ascii_lowercase(), p)
    };
    match port {
        Some(p) if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) || p.len() > 5 => None,
        Some(p) if p != default_port => Some(format!("{scheme}://{host}:{p}")),
        _ => Some(format!("{scheme}://{host}")),
    }
}

/// The origin state-changing requests must come from.
pub fn expected_origin(config: &Config, headers: &HeaderMap) -> Option<String> {
    if let Some(u) = &config.public_url {
        return parse_origin(u.trim_end_matches('/'));
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let scheme = if config.secure_cookies {
        "https"
    } else {
        "http"
    };
    parse_origin(&format!("{scheme}://{host}"))
}

/// Checks `Origin` / `Sec-Fetch-Site`; the reason for a refusal.
pub fn check_origin(config: &Config, headers: &HeaderMap) -> Result<(), String> {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let text = origin
            .to_str()
            .map_err(|_| "the Origin header is not readable".to_owned())?;
        if text == "null" {
            return Err("the Origin is `null`".into());
        }
        let Some(got) = parse_origin(text) else {
            return Err(format!("the Origin `{text}` cannot be parsed"));
        };
        let Some(want) = expected_origin(config, headers) else {
            return Err("the request has no Host to compare the Origin with".into());
        };
        if got != want {
            return Err(format!("the Origin `{got}` is not this site (`{want}`)"));
        }
        return Ok(());
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        let site = site.to_str().unwrap_or("");
        if site != "same-origin" && site != "none" {
            return Err(format!("Sec-Fetch-Site is `{site}`"));
        }
    }
    Ok(())
}

/// Whether `given` is the session's token (64 hex digits, compared in constant time).
pub fn token_matches(given: &str, expected: &str) -> Result<(), String> {
    if given.len() != 64 || !given.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("the CSRF token is malformed".into());
    }
    if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err("the CSRF token is not this session's".into())
    }
}

fn refuse(req_path: &str, method: &Method, reason: String, headers: &HeaderMap) -> Response {
    tracing::warn!(
        target: "chamdiem_server::security::csrf",
        %method,
        path = req_path,
        reason = %reason,
        "CSRF check failed: request refused"
    );
    let err = AppError::Csrf(reason);
    if req_path.starts_with("/api/") {
        err.into_response()
    } else {
        crate::web::error_response(headers, err)
    }
}

fn query_token(req: &Request) -> Option<String> {
    form_urlencoded::parse(req.uri().query()?.as_bytes())
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}

/// The middleware (see the module's documentation).
pub async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        return next.run(req).await;
    }
    let auth = req.extensions().get::<Arc<Authenticated>>().cloned();
    if let Some(a) = &auth
        && matches!(a.via, Via::Token { .. })
    {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    if let Err(reason) = check_origin(&state.config, req.headers()) {
        return refuse(&path, &method, reason, req.headers());
    }
    // Logging in makes a new session whatever the browser had: the Origin check covers it.
    let Some(auth) = auth.filter(|_| !LOGIN_PATHS.contains(&path.as_str())) else {
        return next.run(req).await;
    };
    let expected = auth.csrf_token().to_owned();
    let mut req = req;
    let given = match req.headers().get(HEADER) {
        Some(v) => Some(v.to_str().unwrap_or("").to_owned()),
        None => query_token(&req),
    };
    let given =
        match given {
            Some(g) => Some(g),
            None if req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded")) =>
            {
                let headers = req.headers().clone();
                let (parts, body) = req.into_parts();
                let limit = state.config.body_limit as usize;
                let bytes =
                    match crate::error::read_body(Request::from_parts(parts.clone(), body), limit)
                        .await
                    {
                        Ok(b) => b,
                        Err(e) if path.starts_with("/api/") => return e.into_response(),
                        Err(e) => return crate::web::error_response(&headers, e),
                    };
                let found = form_urlencoded::parse(&bytes)
                    .find(|(k, _)| k == FIELD)
                    .map(|(_, v)| v.into_owned());
                req = Request::from_parts(parts, Body::from(bytes));
                found
            }
            None => None,
        };
    let Some(given) = given else {
        return refuse(
            &path,
            &method,
            "the CSRF token is missing".into(),
            req.headers(),
        );
    };
    if let Err(reason) = token_matches(&given, &expected) {
        return refuse(&path, &method, reason, req.headers());
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_parse() {
        assert_eq!(
            parse_origin("https://Example.gov.vn").as_deref(),
            Some("https://example.gov.vn")
        );
        assert_eq!(
            parse_origin("https://example.gov.vn:443").as_deref(),
            Some("https://example.gov.vn")
        );
        assert_eq!(
            parse_origin("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            parse_origin("http://[::1]:8080").as_deref(),
            Some("http://[::1]:8080")
        );
        for bad in [
            "https://[",
            "null",
            "ftp://x",
            "https://",
            "https://a b",
            "https://x:port",
            "//x",
        ] {
            assert_eq!(parse_origin(bad), None, "{bad}");
        }
    }

    #[test]
    fn tokens_compare() {
        let t = "a".repeat(64);
        assert!(token_matches(&t, &t).is_ok());
        assert!(token_matches(&"b".repeat(64), &t).is_err());
        assert!(token_matches("zz", &t).is_err());
        assert!(token_matches(&"g".repeat(64), &t).is_err());
    }
}
