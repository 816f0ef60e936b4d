//! The server's tests: sessions, CSRF, login throttling and enumeration, password storage,
//! security headers, the authorization matrix generated from the route table, bad input on
//! every JSON endpoint, the OpenAPI document, the demo and the Excel import.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chamdiem::{Actor, CriteriaSet, Period, PeriodSet, Role, SetRef, UnitKind};
use common::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn snapshot(t: &TestApp) -> Value {
    let s = &t.state.store;
    let users = t.state.db.read(chamdiem_server::db::users::list).unwrap();
    json!({
        "units": s.units().unwrap(),
        "sets": s.criteria_sets().unwrap(),
        "periods": s.periods().unwrap(),
        "dossiers": s.dossiers(&Default::default()).unwrap(),
        "users": users.iter().map(|u| (u.login.clone(), u.name.clone(), u.role.as_str(), u.unit.clone(), u.disabled, u.password_hash.clone())).collect::<Vec<_>>(),
    })
}

// ---------------------------------------------------------------------------------------
// Sessions

#[tokio::test]
async fn session_id_changes_at_login_and_dies_at_logout() {
    let t = fixture();
    let first = t.login("ua").await;
    // Logging in again from the same browser replaces the session: a new id, the old one ends.
    let r = t
        .send({
            let mut r = json_req(
                "POST",
                "/api/v1/auth/login",
                &json!({"login": "ua", "password": PASSWORD}),
            );
            r.headers_mut()
                .insert(header::COOKIE, first.cookie_header().parse().unwrap());
            r
        })
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let second = r.session_cookie(t.state.config.cookie_name()).unwrap();
    assert_ne!(second, first.cookie);
    assert_eq!(
        t.send(first.req("GET", "/api/v1/me", None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let s2 = Session {
        cookie: second,
        csrf: r.json()["csrf_token"].as_str().unwrap().into(),
        ..first.clone()
    };
    assert_eq!(
        t.send(s2.req("GET", "/api/v1/me", None)).await.status,
        StatusCode::OK
    );
    // Logout ends it on the server: replaying the cookie gets 401 (API) and the login page (pages).
    let out = t.send(s2.req("POST", "/api/v1/auth/logout", None)).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.set_cookies().iter().any(|c| c.contains("Max-Age=0")));
    assert_eq!(
        t.send(s2.req("GET", "/api/v1/me", None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let page = t.send(s2.req("GET", "/", None)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.header("location").unwrap().starts_with("/login"));
}

#[tokio::test]
async fn disabling_an_account_and_changing_a_password_end_sessions() {
    let t = fixture();
    let admin = t.login("adm").await;
    let ua = t.login("ua").await;
    let r = t
        .send(admin.req(
            "PATCH",
            "/api/v1/admin/users/ua",
            Some(&json!({"disabled": true})),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        t.send(ua.req("GET", "/api/v1/me", None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(t.login_with("ua", PASSWORD).await.is_err());
    t.send(admin.req(
        "PATCH",
        "/api/v1/admin/users/ua",
        Some(&json!({"disabled": false})),
    ))
    .await;

    let a1 = t.login("ub").await;
    let a2 = t.login("ub").await;
    let new = "một mật khẩu mới đủ dài";
    let r = t
        .send(a1.req(
            "POST",
            "/api/v1/me/password",
            Some(&json!({"current_password": "sai rồi sai rồi", "new_password": new})),
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = t
        .send(a1.req(
            "POST",
            "/api/v1/me/password",
            Some(&json!({"current_password": PASSWORD, "new_password": new})),
        ))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(
        t.send(a1.req("GET", "/api/v1/me", None)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.send(a2.req("GET", "/api/v1/me", None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(t.login_with("ub", PASSWORD).await.is_err());
    t.login_with("ub", new).await.unwrap();
}

#[tokio::test]
async fn sessions_expire_when_idle_and_at_their_end() {
    let t = fixture();
    let s = t.login("ua").await;
    t.clock
        .advance_millis(t.state.config.session_idle.as_millis() as i64 + 1);
    assert_eq!(
        t.send(s.req("GET", "/api/v1/me", None)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

fn check_cookie(set_cookie: &str, name: &str, secure: bool) {
    let parts: Vec<&str> = set_cookie.split(';').map(str::trim).collect();
    assert!(parts[0].starts_with(&format!("{name}=")), "{set_cookie}");
    assert!(parts.contains(&"HttpOnly"), "{set_cookie}");
    assert!(parts.contains(&"Path=/"), "{set_cookie}");
    assert!(
        parts.iter().any(|p| p.starts_with("SameSite=")),
        "{set_cookie}"
    );
    assert!(
        !parts
            .iter()
            .any(|p| p.to_ascii_lowercase().starts_with("domain")),
        "{set_cookie}"
    );
    assert_eq!(parts.contains(&"Secure"), secure, "{set_cookie}");
}

#[tokio::test]
async fn the_cookie_is_host_prefixed_and_secure_when_configured() {
    let t = fixture();
    let r = t
        .send(json_req(
            "POST",
            "/api/v1/auth/login",
            &json!({"login": "ua", "password": PASSWORD}),
        ))
        .await;
    check_cookie(&r.set_cookies()[0], "chamdiem_session", false);

    let mut c = config();
    c.secure_cookies = true;
    c.hsts = true;
    let t2 = with_config(c);
    t2.state
        .store
        .insert_unit(&unit("P", "Tỉnh P", UnitKind::Province, None))
        .unwrap();
    t2.add_user("x", Role::Viewer, "P");
    let r = t2
        .send(json_req(
            "POST",
            "/api/v1/auth/login",
            &json!({"login": "x", "password": PASSWORD}),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    check_cookie(&r.set_cookies()[0], "__Host-chamdiem_session", true);
    assert!(
        r.header("strict-transport-security")
            .unwrap()
            .contains("max-age=31536000")
    );
}

// ---------------------------------------------------------------------------------------
// CSRF

#[derive(Clone, Default)]
struct LogBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
impl std::io::Write for LogBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuf {
    type Writer = LogBuf;
    fn make_writer(&'a self) -> LogBuf {
        self.clone()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn csrf_refuses_what_django_refuses() {
    let logs = LogBuf::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut c = config();
    c.public_url = Some("https://chamdiem.example.gov.vn".into());
    let t = with_config(c);
    t.state
        .store
        .insert_unit(&unit("P", "Tỉnh P", UnitKind::Province, None))
        .unwrap();
    t.add_user("x", Role::Viewer, "P");
    let login = Request::builder()
        .method("POST")
        .uri("/api/v1/auth/login")
        .header(header::ORIGIN, "https://chamdiem.example.gov.vn")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"login": "x", "password": PASSWORD}).to_string(),
        ))
        .unwrap();
    let r = t.send(login).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cookie = format!(
        "chamdiem_session={}",
        r.session_cookie("chamdiem_session").unwrap()
    );
    let token = r.json()["csrf_token"].as_str().unwrap().to_owned();
    let good_origin = "https://chamdiem.example.gov.vn";
    let send = |origin: Option<&str>, tok: Option<&str>| {
        let mut b = Request::builder()
            .method("PATCH")
            .uri("/api/v1/me")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(o) = origin {
            b = b.header(header::ORIGIN, o);
        }
        if let Some(t) = tok {
            b = b.header("x-csrf-token", t);
        }
        b.body(Body::from(json!({"phone": "0204 3854 000"}).to_string()))
            .unwrap()
    };
    let wrong = "0".repeat(64);
    let cases: Vec<(&str, Option<&str>, Option<&str>)> = vec![
        ("no token", Some(good_origin), None),
        ("wrong token", Some(good_origin), Some(&wrong)),
        ("malformed token", Some(good_origin), Some("abc<>")),
        ("evil origin", Some("https://evil"), Some(&token)),
        ("null origin", Some("null"), Some(&token)),
        (
            "http origin on https",
            Some("http://chamdiem.example.gov.vn"),
            Some(&token),
        ),
        ("unparseable origin", Some("https://["), Some(&token)),
    ];
    for (what, origin, tok) in cases {
        let before = logs.0.lock().unwrap().len();
        let r = t.send(send(origin, tok)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}: {}", r.body);
        assert_eq!(r.code(), "csrf_failed", "{what}");
        let text = String::from_utf8_lossy(&logs.0.lock().unwrap()[before..]).into_owned();
        assert!(
            text.contains("CSRF check failed"),
            "{what}: no log line in {text:?}"
        );
    }
    // Sec-Fetch-Site cross-site without Origin.
    let mut req = send(None, Some(&token));
    req.headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(t.send(req).await.status, StatusCode::FORBIDDEN);
    // A good origin with the token succeeds; so does a form with the token field.
    let r = t.send(send(Some(good_origin), Some(&token))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let form = Request::builder()
        .method("POST")
        .uri("/account")
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, good_origin)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={token}&name=L%C3%AA+V%C4%83n+X&email=&phone="
        )))
        .unwrap();
    let r = t.send(form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Lê Văn X"));
    let form_no_token = Request::builder()
        .method("POST")
        .uri("/account")
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, good_origin)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("name=Evil"))
        .unwrap();
    assert_eq!(t.send(form_no_token).await.status, StatusCode::FORBIDDEN);
    // A bearer token needs no CSRF token.
    let r = t
        .send({
            let mut b = send(Some(good_origin), Some(&token));
            *b.uri_mut() = "/api/v1/me/tokens".parse().unwrap();
            *b.method_mut() = axum::http::Method::POST;
            *b.body_mut() = Body::from(json!({"name": "máy chủ báo cáo"}).to_string());
            b
        })
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let bearer = r.json()["token"].as_str().unwrap().to_owned();
    let req = Request::builder()
        .method("PATCH")
        .uri("/api/v1/me")
        .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"phone": "1"}).to_string()))
        .unwrap();
    assert_eq!(t.send(req).await.status, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------
// Login throttling and enumeration

fn from(ip: [u8; 4], req: Request<Body>) -> Request<Body> {
    let mut req = req;
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            ip, 5555,
        ))));
    req
}

/// A login attempt through the JSON API from the address `ip`.
async fn login_from(t: &TestApp, ip: [u8; 4], login: &str, password: &str) -> Resp {
    t.send(from(
        ip,
        json_req(
            "POST",
            "/api/v1/auth/login",
            &json!({"login": login, "password": password}),
        ),
    ))
    .await
}

#[tokio::test]
async fn fifty_failures_from_one_address_get_429_with_retry_after() {
    let t = fixture();
    let mut limited = None;
    for i in 0..50 {
        let r = login_from(
            &t,
            [198, 51, 100, 7],
            &format!("guess{i}"),
            "wrong password",
        )
        .await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = limited.expect("the address is limited");
    assert_eq!(r.code(), "rate_limited");
    assert!(r.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
    // Another address is not affected.
    let ok = login_from(&t, [198, 51, 100, 8], "ua", PASSWORD).await;
    assert_eq!(ok.status, StatusCode::OK);
}

#[tokio::test]
async fn an_exempt_address_is_not_limited_but_its_accounts_still_back_off() {
    let mut c = config();
    c.throttle_exempt = vec!["198.51.100.9".parse().unwrap()];
    let t = fixture_with(c);
    let burst = t.state.config.login_burst as usize;
    // Far more failures than the burst, each on an account of its own: never 429.
    for i in 0..burst * 2 {
        let r = login_from(
            &t,
            [198, 51, 100, 9],
            &format!("probe{i}"),
            "wrong password",
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "attempt {i}: {}",
            r.body
        );
    }
    // The exemption is of the address only: one account failing again and again still waits.
    let free = t.state.config.account_free_failures as usize;
    let mut statuses = Vec::new();
    for i in 0..free + 2 {
        let r = login_from(&t, [198, 51, 100, 9], "ua", &format!("wrong {i}")).await;
        statuses.push(r.status.as_u16());
    }
    assert!(statuses[..free].iter().all(|s| *s == 401), "{statuses:?}");
    assert!(statuses[free..].iter().all(|s| *s == 429), "{statuses:?}");
    // A neighbour address is not exempt.
    let mut limited = false;
    for i in 0..burst + 1 {
        let r = login_from(
            &t,
            [198, 51, 100, 10],
            &format!("other{i}"),
            "wrong password",
        )
        .await;
        limited |= r.status == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(limited, "the neighbour address is limited");
}

#[tokio::test]
async fn rotating_addresses_meet_a_per_account_backoff_that_ends() {
    let t = fixture();
    let mut statuses = Vec::new();
    let mut retry = 0;
    for i in 0..50u8 {
        let r = login_from(&t, [203, 0, 113, i], "ua", &format!("wrong {i}")).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            retry = r.header("retry-after").unwrap().parse().unwrap();
        }
        statuses.push(r.status.as_u16());
    }
    let free = t.state.config.account_free_failures as usize;
    assert!(statuses[..free].iter().all(|s| *s == 401), "{statuses:?}");
    assert!(statuses[free..].iter().all(|s| *s == 429), "{statuses:?}");
    // Even the right password waits…
    let r = login_from(&t, [203, 0, 113, 200], "ua", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // …but only until the wait is over: no permanent lock-out.
    t.clock.advance_millis(retry * 1000);
    let r = login_from(&t, [203, 0, 113, 201], "ua", PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn unknown_and_known_accounts_are_indistinguishable() {
    let t = fixture();
    let before = t.state.passwords.verifications();
    let known = login_from(&t, [192, 0, 2, 1], "ua", "not the password").await;
    let unknown = login_from(&t, [192, 0, 2, 2], "nobody-here", "not the password").await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.body, unknown.body);
    // Both verified a hash (the unknown one against the dummy hash): the same code path.
    assert_eq!(t.state.passwords.verifications(), before + 2);
    // The pages, too.
    let form = |login: &str| {
        Request::builder()
            .method("POST")
            .uri("/login")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("login={login}&password=nope+nope")))
            .unwrap()
    };
    let a = t.send(from([192, 0, 2, 3], form("ua"))).await;
    let b = t.send(from([192, 0, 2, 4], form("nobody"))).await;
    assert_eq!(a.status, b.status);
    assert_eq!(
        a.body.replace("value=\"ua\"", ""),
        b.body.replace("value=\"nobody\"", "")
    );
}

// ---------------------------------------------------------------------------------------
// Password storage

#[tokio::test]
async fn passwords_are_argon2id_any_script_any_length() {
    let t = fixture();
    let admin = t.login("adm").await;
    let r = t.send(admin.req("POST", "/api/v1/admin/users", Some(&json!({"login": "Nguyen.Van.A", "name": "Nguyễn Văn A", "role": "unit", "unit": "A"})))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let temp = r.json()["temporary_password"].as_str().unwrap().to_owned();
    let stored = t
        .state
        .db
        .read(|tx| chamdiem_server::db::users::get(tx, "nguyen.van.a"))
        .unwrap()
        .unwrap();
    let h = &stored.password_hash;
    assert!(h.starts_with("$argon2id$v=19$"), "{h}");
    let params = h.split('$').nth(3).unwrap();
    let get = |k: &str| {
        params
            .split(',')
            .find_map(|p| p.strip_prefix(&format!("{k}=")))
            .unwrap()
            .parse::<u32>()
            .unwrap()
    };
    assert!(
        get("m") >= 19456 && get("t") >= 2 && get("p") >= 1,
        "{params}"
    );
    // The temporary password works once, and must be changed first.
    let s = t.login_with("nguyen.van.a", &temp).await.unwrap();
    let r = t.send(s.req("GET", "/api/v1/dossiers", None)).await;
    assert_eq!(r.code(), "password_change_required");
    // 64+ characters, Vietnamese text, no composition rules.
    let mut current = temp.clone();
    for pw in [
        "Tôi là cán bộ Sở Tài chính, tôi chấm điểm ISO năm hai nghìn không trăm hai mươi sáu!!"
            .to_owned(),
        "a".repeat(200),
        "chỉ chữ thường thôi".to_owned(),
    ] {
        let sess = t.login_with("nguyen.van.a", &current).await.unwrap();
        let r = t
            .send(sess.req(
                "POST",
                "/api/v1/me/password",
                Some(&json!({"current_password": current, "new_password": pw})),
            ))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{pw}: {}", r.body);
        t.login_with("nguyen.van.a", &pw).await.unwrap();
        current = pw;
    }
    let sess = t.login_with("nguyen.van.a", &current).await.unwrap();
    let r = t
        .send(sess.req(
            "POST",
            "/api/v1/me/password",
            Some(&json!({"current_password": current, "new_password": "short"})),
        ))
        .await;
    assert_eq!(r.code(), "invalid_input");
}

// ---------------------------------------------------------------------------------------
// Security headers

fn check_headers(r: &Resp, what: &str) {
    let csp = r
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"));
    for d in [
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(d), "{what}: {csp}");
    }
    assert_eq!(
        r.header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
    assert!(r.header("referrer-policy").is_some(), "{what}");
}

#[tokio::test]
async fn security_headers_on_a_page_json_and_a_download() {
    let t = fixture();
    let admin = t.login("adm").await;
    let page = t.send(get("/login")).await;
    assert_eq!(page.status, StatusCode::OK);
    check_headers(&page, "page");
    assert!(page.header("strict-transport-security").is_none());
    let api = t.send(admin.req("GET", "/api/v1/me", None)).await;
    check_headers(&api, "json");
    assert_eq!(api.header("cache-control").as_deref(), Some("no-store"));
    let dl = t
        .send(admin.req("GET", "/api/v1/admin/criteria-sets/template.xlsx", None))
        .await;
    assert_eq!(dl.status, StatusCode::OK);
    check_headers(&dl, "download");
    assert!(
        dl.header("content-security-policy")
            .unwrap()
            .contains("sandbox")
    );
    assert!(
        dl.header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
}

// ---------------------------------------------------------------------------------------
// The authorization matrix, generated from the route table (the OpenAPI document)

#[derive(Debug, Clone, Copy, PartialEq)]
enum Policy {
    Public,
    Account,
    Admin,
    Dossier,
    Command,
    Reference,
    Province,
    Ranking,
    Home,
    /// The review page: the assessing unit, viewers and administrators; units get 403.
    ReviewPage,
    /// A reviewer's command (the confirmation of `archive`): only the dossier's reviewer.
    ReviewerOnly,
    /// A menu that leads to the unit's dossier (303) or lists them (200).
    Menu,
    /// The province's pages: everyone but assessed units.
    NotUnits,
    /// An evidence file that does not exist: 404 for everyone (403 where the role may not).
    Missing,
    /// A form post of the pages (tested in tests/pages.rs and tests/uploads.rs).
    Form,
}

fn policy(op: &str) -> Policy {
    use Policy::*;
    match op {
        "healthz" | "readyz" | "openapi" | "login" | "page_login" | "page_login_submit"
        | "page_language" | "static_stylesheet" | "static_script" | "static_package" => Public,
        "logout"
        | "get_me"
        | "update_me"
        | "change_password"
        | "list_tokens"
        | "create_token"
        | "delete_token"
        | "page_logout"
        | "page_account"
        | "page_account_submit"
        | "page_password_submit" => Account,
        "list_dossiers" | "page_home" | "page_results_index" | "page_completed" => Home,
        "get_dossier" | "get_entry" | "get_actions" | "get_precheck" | "get_results"
        | "get_history" | "page_dossier" | "page_self" | "page_explain" | "page_submit"
        | "page_results" | "page_print" | "page_results_xlsx" | "page_history" => Dossier,
        "page_review" => ReviewPage,
        "page_confirm" => ReviewerOnly,
        "page_go_self" | "page_go_submit" | "page_go_explain" => Menu,
        "page_dashboard" | "page_review_list" => NotUnits,
        "page_ranking_xlsx" => Ranking,
        "download_evidence" | "delete_evidence" | "page_evidence_download" => Missing,
        "upload_evidence"
        | "page_self_save"
        | "page_review_save"
        | "page_explain_save"
        | "page_command"
        | "page_evidence_upload"
        | "page_evidence_delete" => Form,
        "execute_command" => Command,
        "list_units" | "list_criteria_sets" | "get_criteria_set" | "list_periods" => Reference,
        "get_period" | "get_period_results" => Province,
        "get_ranking" => Ranking,
        o if o.starts_with("page_admin")
            || [
                "create_unit",
                "update_unit",
                "list_users",
                "create_user",
                "get_user",
                "update_user",
                "reset_password",
                "import_criteria_set",
                "criteria_set_template",
                "create_period",
                "update_period",
                "open_dossiers",
            ]
            .contains(&o) =>
        {
            Admin
        }
        o => panic!("operation `{o}` has no row in the authorization matrix: add it"),
    }
}

fn fill(path: &str, dossier: &str) -> String {
    path.replace("{dossier_id}", dossier)
        .replace("{criterion}", "1.1")
        .replace("{period_id}", dossier.split('.').next().unwrap())
        .replace("{set_id}", "nho")
        .replace("{revision}", "1")
        .replace("{unit_id}", "A")
        .replace("{login}", "ua")
        .replace("{token_id}", "none")
        .replace("{evidence_id}", "none")
        .replace("{command}", "archive")
        .replace("{file}", "index.js")
}

#[tokio::test]
async fn authorization_matrix() {
    let t = fixture();
    let doc = chamdiem_server::app::openapi();
    let roles = ["ua", "ub", "rev", "revq", "adm", "view"];
    let mut sessions = BTreeMap::new();
    for r in roles {
        sessions.insert(r, t.login(r).await);
    }
    let before = snapshot(&t);
    let mut cells = 0;
    for (path, item) in doc.paths.paths.iter() {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let id = op.operation_id.clone().unwrap();
            let pol = policy(&id);
            if pol == Policy::Public {
                continue;
            }
            let states: Vec<usize> = if matches!(pol, Policy::Dossier | Policy::Command) {
                (1..=5).collect()
            } else {
                vec![1]
            };
            for st in states {
                let dossier = format!("p{st}.A");
                let uri = fill(path, &dossier);
                // Without a session: 401 (API) or the login page (pages).
                let anon = t
                    .send(
                        Request::builder()
                            .method(method)
                            .uri(&uri)
                            .header(header::HOST, "127.0.0.1:8080")
                            .body(Body::empty())
                            .unwrap(),
                    )
                    .await;
                assert!(
                    matches!(anon.status.as_u16(), 401 | 303 | 403),
                    "{method} {uri} anonymous: {}",
                    anon.status
                );
                for role in roles {
                    let s = &sessions[role];
                    // Mutations are probed only where they are refused, or are harmless.
                    let body = if method == "GET" {
                        None
                    } else {
                        Some(probe_body(&id, role))
                    };
                    if method != "GET" && !matches!(pol, Policy::Admin | Policy::Command) {
                        continue;
                    }
                    if method != "GET" && pol == Policy::Admin && role == "adm" {
                        continue;
                    }
                    let r = if id == "import_criteria_set" {
                        t.send(s.raw("POST", &uri, "application/json", "{}")).await
                    } else {
                        t.send(s.req(method, &uri, body.as_ref())).await
                    };
                    let expect = allowed(pol, role, st, &id);
                    cells += 1;
                    if expect {
                        assert!(
                            r.status.is_success()
                                || (pol == Policy::Menu && r.status == StatusCode::SEE_OTHER),
                            "{method} {uri} as {role}: expected success, got {} {}",
                            r.status,
                            r.body
                        );
                    } else {
                        assert!(
                            matches!(r.status.as_u16(), 403 | 404 | 409 | 422),
                            "{method} {uri} as {role}: expected a refusal, got {} {}",
                            r.status,
                            r.body
                        );
                        if matches!(role, "ub" | "revq")
                            && matches!(
                                pol,
                                Policy::Dossier
                                    | Policy::Command
                                    | Policy::Province
                                    | Policy::ReviewPage
                                    | Policy::ReviewerOnly
                                    | Policy::Missing
                            )
                        {
                            assert_eq!(
                                r.status,
                                StatusCode::NOT_FOUND,
                                "{method} {uri} as {role}: out of scope is 404"
                            );
                        }
                        for secret in ["Sở Alpha", "\"entries\"", "\"review\"", "\"history\""] {
                            assert!(
                                !r.body.contains(secret),
                                "{method} {uri} as {role}: leaks {secret}: {}",
                                r.body
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(cells > 300, "only {cells} cells");
    // Refused commands changed nothing; the one allowed save changed only its dossier.
    let after = snapshot(&t);
    let changed: Vec<&Value> = before["dossiers"]
        .as_array()
        .unwrap()
        .iter()
        .zip(after["dossiers"].as_array().unwrap())
        .filter(|(a, b)| a != b)
        .map(|(_, b)| b)
        .collect();
    assert!(
        changed
            .iter()
            .all(|d| d["id"] == "p1.A" || d["id"] == "p2.A"),
        "{changed:?}"
    );
    assert_eq!(before["users"], after["users"]);
    // A reviewer-only field posted by a unit is refused and unchanged in the store.
    let ua = &sessions["ua"];
    let r = t.send(ua.req("POST", "/api/v1/dossiers/p1.A/commands", Some(&json!({"type": "save_self", "entries": [{"criterion": "1.1", "case": "a", "review": {"case": "a"}}]})))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = t.send(ua.req("POST", "/api/v1/dossiers/p2.A/commands", Some(&json!({"type": "save_review", "entries": [{"criterion": "1.1", "case": "a", "request_explanation": true}]})))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let d = t.state.store.dossier("p2.A").unwrap();
    assert!(d.entry("1.1").unwrap().review_score.is_none());
    assert!(d.entry("1.1").unwrap().request.is_none());
}

fn probe_body(op: &str, role: &str) -> Value {
    match (op, role) {
        ("execute_command", "rev" | "revq") => {
            json!({"type": "save_review", "entries": [{"criterion": "1.2", "case": "b"}]})
        }
        ("execute_command", _) => {
            json!({"type": "save_self", "entries": [{"criterion": "1.2", "case": "b"}]})
        }
        _ => json!({}),
    }
}

fn allowed(p: Policy, role: &str, state: usize, op: &str) -> bool {
    use Policy::*;
    match p {
        Public | Account | Home | Reference | Menu | Form => true,
        ReviewPage => matches!(role, "rev" | "adm" | "view"),
        ReviewerOnly => role == "rev",
        NotUnits => !matches!(role, "ua" | "ub"),
        Missing => false,
        Admin => role == "adm",
        Province => role != "revq",
        Ranking => matches!(role, "adm" | "rev" | "view"),
        Dossier => matches!(role, "ua" | "rev" | "adm" | "view"),
        // save_self in self-assessment (1) for the unit; save_review in self_assessed (2) for
        // the reviewer of the dossier; everything else is refused.
        Command => {
            let _ = op;
            (role == "ua" && state == 1) || (role == "rev" && state == 2)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Bad input on every JSON endpoint

#[tokio::test]
async fn bad_input_on_every_json_endpoint_is_a_clear_4xx_and_changes_nothing() {
    let mut c = config();
    c.body_limit = 64 * 1024;
    c.import_limit = 64 * 1024;
    let t = with_config(c);
    {
        let f = fixture();
        let _ = f;
    }
    let s = &t.state.store;
    let set = CriteriaSet::from_compact(SMALL_SET).unwrap();
    s.insert_criteria_set(&set).unwrap();
    s.insert_unit(&unit("P", "Tỉnh P", UnitKind::Province, None))
        .unwrap();
    s.insert_unit(&unit("A", "Sở Alpha", UnitKind::Department, Some("P")))
        .unwrap();
    let period = Period::new(
        "p1",
        "Kỳ 1",
        "P",
        vec![PeriodSet {
            unit_kind: UnitKind::Department,
            criteria_set: SetRef {
                id: "nho".into(),
                revision: 1,
            },
        }],
    );
    s.insert_period(&period).unwrap();
    let d = period
        .open_dossier(
            "p1.A",
            &s.unit("A").unwrap(),
            &set,
            &Actor::new("adm", Role::Admin, "P"),
            start(),
        )
        .unwrap();
    s.insert_dossier(&d).unwrap();
    t.add_user("adm", Role::Admin, "P");
    t.add_user("ua", Role::Unit, "A");
    let admin = t.login("adm").await;
    let unit_s = t.login("ua").await;
    let before = snapshot(&t);
    let doc = chamdiem_server::app::openapi();
    let mut tried = 0;
    for (path, item) in doc.paths.paths.iter() {
        for (method, op) in [
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
        ] {
            let Some(op) = op else { continue };
            let Some(utoipa::openapi::RefOr::T(body)) = &op.request_body else {
                continue;
            };
            if !body.content.contains_key("application/json") {
                continue;
            }
            let id = op.operation_id.clone().unwrap();
            if matches!(id.as_str(), "logout") {
                continue;
            }
            let s = if id == "execute_command" {
                &unit_s
            } else {
                &admin
            };
            let uri = fill(path, "p1.A");
            let all_optional = matches!(id.as_str(), "update_me" | "update_user" | "update_period");
            let mut cases: Vec<(&str, Request<Body>)> = vec![
                ("malformed", s.raw(method, &uri, "application/json", "{\"login\": ")),
                ("wrong type", s.raw(method, &uri, "application/json", "[1, 2, 3]")),
                ("wrong field type", s.raw(method, &uri, "application/json", json!({"login": 5, "name": [], "entries": "x", "units": 3, "type": 7, "id": {}, "current_password": 1}).to_string())),
                ("oversized", s.raw(method, &uri, "application/json", format!("{{\"name\": \"{}\"}}", "x".repeat(100 * 1024)))),
                ("not JSON", s.raw(method, &uri, "text/html", "<p>")),
            ];
            if !all_optional {
                cases.push((
                    "missing fields",
                    s.raw(method, &uri, "application/json", "{}"),
                ));
            }
            if path.contains('{') && !path.contains("{token_id}") {
                let unknown = path
                    .replace("{dossier_id}", "p1.ZZ")
                    .replace("{period_id}", "nope")
                    .replace("{unit_id}", "nope")
                    .replace("{login}", "nope");
                let good = good_body(&id);
                cases.push((
                    "unknown id",
                    s.raw(method, &unknown, "application/json", good.to_string()),
                ));
            }
            for (what, req) in cases {
                let r = t.send(req).await;
                tried += 1;
                assert!(
                    r.status.is_client_error(),
                    "{method} {uri} {what}: {} {}",
                    r.status,
                    r.body
                );
                let code = r.json()["code"].as_str().unwrap_or("").to_owned();
                assert!(
                    !code.is_empty(),
                    "{method} {uri} {what}: no code in {}",
                    r.body
                );
                if what == "unknown id" {
                    assert_eq!(
                        r.status,
                        StatusCode::NOT_FOUND,
                        "{method} {uri} {what}: {}",
                        r.body
                    );
                }
                if what == "oversized" {
                    assert_eq!(
                        r.status,
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "{method} {uri}: {}",
                        r.body
                    );
                }
            }
        }
    }
    assert!(tried > 60, "{tried}");
    assert_eq!(before, snapshot(&t), "bad input changed the store");
}

fn good_body(op: &str) -> Value {
    match op {
        "execute_command" => json!({"type": "submit"}),
        "update_unit" => json!({"code": "X", "name": "X", "kind": "department"}),
        "update_user" => json!({"name": "X"}),
        "update_period" => json!({"name": "X"}),
        "open_dossiers" => json!({"units": ["A"]}),
        _ => json!({}),
    }
}

// ---------------------------------------------------------------------------------------
// The OpenAPI document

#[test]
fn the_committed_openapi_document_is_the_generated_one() {
    let generated = chamdiem_server::app::openapi_json();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
    if std::env::var_os("CHAMDIEM_UPDATE_OPENAPI").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "examples/server/openapi.json is not the document the code generates; regenerate it with\n  \
         cargo run -p chamdiem-server -- openapi > examples/server/openapi.json\n(or CHAMDIEM_UPDATE_OPENAPI=1 cargo test -p chamdiem-server --test server)"
    );
}

#[test]
fn the_openapi_document_is_valid() {
    let v: Value = serde_json::from_str(&chamdiem_server::app::openapi_json()).unwrap();
    assert_eq!(v["openapi"].as_str().unwrap(), "3.1.0");
    assert!(v["info"]["title"].is_string() && v["info"]["version"].is_string());
    let schemas = v["components"]["schemas"].as_object().unwrap();
    let mut ids = std::collections::HashSet::new();
    // Every $ref resolves.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    if k == "$ref" {
                        out.push(x.as_str().unwrap().to_owned());
                    } else {
                        refs(x, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&v, &mut all);
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(schemas.contains_key(name), "dangling $ref {r}");
    }
    for (path, item) in v["paths"].as_object().unwrap() {
        assert!(path.starts_with('/'), "{path}");
        let params: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split('}').next())
            .collect();
        for (method, op) in item.as_object().unwrap() {
            assert!(
                ["get", "post", "put", "patch", "delete"].contains(&method.as_str()),
                "{path} {method}"
            );
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(ids.insert(id.to_owned()), "operationId {id} twice");
            assert!(
                !op["responses"].as_object().unwrap().is_empty(),
                "{id} has no responses"
            );
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{id} has no tag"
            );
            for p in &params {
                assert!(
                    op["parameters"].as_array().is_some_and(|ps| ps
                        .iter()
                        .any(|x| x["name"] == *p && x["in"] == "path" && x["required"] == true)),
                    "{id}: path parameter {p} not declared"
                );
            }
        }
    }
}

#[tokio::test]
async fn every_route_of_the_router_is_in_the_document() {
    // The router is built only from `OpenApiRouter::routes`: no plain `.route(` anywhere.
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out)
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p)
            }
        }
    }
    let mut files = Vec::new();
    walk(std::path::Path::new(src), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            !text.contains(".route(")
                && !text.contains(".route_service(")
                && !text.contains(".nest_service("),
            "{} adds a route outside the OpenAPI table",
            f.display()
        );
    }
    // And every documented operation is routed (the fallback answers `route` not found).
    let t = fixture();
    let admin = t.login("adm").await;
    let doc = chamdiem_server::app::openapi();
    for (path, item) in doc.paths.paths.iter() {
        for (method, op) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ] {
            if op.is_none() || matches!(path.as_str(), "/api/v1/auth/logout" | "/logout") {
                continue;
            }
            let uri = fill(path, "p1.A");
            let r = t
                .send(admin.raw(method, &uri, "application/json", "[]"))
                .await;
            let unrouted = r.status == StatusCode::METHOD_NOT_ALLOWED
                || (r.status == StatusCode::NOT_FOUND && r.body.contains("route"));
            assert!(
                !unrouted,
                "{method} {uri} is documented but not routed: {} {}",
                r.status, r.body
            );
        }
    }
    let r = t
        .send(admin.req("GET", "/api/v1/no-such-route", None))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------
// The demo, administration and the Excel import

#[tokio::test]
async fn the_demo_seeds_a_province_and_every_role_logs_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config();
    c.data_dir = dir.path().to_owned();
    c.evidence_store = None;
    let t = with_config(c);
    t.clock
        .set(chamdiem::Timestamp::parse("2026-12-03T08:00:00Z").unwrap());
    assert!(chamdiem_server::demo::seed(&t.state).await.unwrap());
    assert!(
        !chamdiem_server::demo::seed(&t.state).await.unwrap(),
        "seeding twice"
    );
    let states: std::collections::BTreeSet<String> = t
        .state
        .store
        .dossiers(&Default::default())
        .unwrap()
        .iter()
        .map(|d| d.state.as_str().to_owned())
        .collect();
    assert_eq!(states.len(), 5, "{states:?}");
    for a in chamdiem_server::demo::accounts() {
        let s = t
            .login_with(a.login, chamdiem_server::demo::DEMO_PASSWORD)
            .await
            .unwrap();
        let home = t.send(s.req("GET", "/", None)).await;
        assert_eq!(home.status, StatusCode::OK, "{}", a.login);
        assert!(home.body.contains("Đăng xuất") && home.body.contains("Cài đặt tài khoản"));
        let list = t.send(s.req("GET", "/api/v1/dossiers", None)).await.json();
        let n = list.as_array().unwrap().len();
        match a.role {
            Role::Unit => assert_eq!(n, 1, "{}", a.login),
            _ => assert_eq!(n, 7, "{}", a.login),
        }
        let first = list[0]["id"].as_str().unwrap().to_owned();
        let page = t
            .send(s.req("GET", &format!("/dossiers/{first}"), None))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}: {}", a.login, page.body);
    }
    // The evidence files of the demo exist, with the sha256 the dossier records.
    let d = t.state.store.dossier("2026.SO-TC").unwrap();
    let e = d.entries().iter().find_map(|e| e.evidence.first()).unwrap();
    assert!(dir.path().join("evidence").join(&e.id).exists());
}

#[tokio::test]
async fn administration_round_trip() {
    let t = fixture();
    let admin = t.login("adm").await;
    let r = t.send(admin.req("POST", "/api/v1/admin/units", Some(&json!({"id": "H-X", "code": "H-X", "name": "Huyện X", "kind": "district", "parent": "P"})))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = t
        .send(admin.req(
            "PUT",
            "/api/v1/admin/units/P",
            Some(&json!({"code": "P", "name": "Tỉnh P", "kind": "province", "parent": "A"})),
        ))
        .await;
    assert_eq!(r.code(), "invalid_input", "a cycle: {}", r.body);
    let r = t
        .send(admin.raw(
            "POST",
            "/api/v1/admin/criteria-sets",
            "application/toml",
            common::SMALL_SET.replace("\"nho\"", "\"nho2\""),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = t.send(admin.req("POST", "/api/v1/admin/periods", Some(&json!({"id": "2027", "name": "Năm 2027", "assessing_unit": "P", "criteria_sets": [{"unit_kind": "district", "criteria_set": "nho2", "revision": 1}], "self_deadline": "2027-03-31T23:59:59+07:00"})))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = t
        .send(admin.req(
            "POST",
            "/api/v1/admin/periods/2027/dossiers",
            Some(&json!({"units": ["H-X"]})),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["dossiers"][0], "2027.H-X");
    let r = t
        .send(admin.req(
            "POST",
            "/api/v1/admin/periods/2027/dossiers",
            Some(&json!({"units": ["H-X"]})),
        ))
        .await;
    assert_eq!(r.code(), "already_exists");
    // Reset password: a temporary one, sessions end.
    let ua = t.login("ua").await;
    let r = t
        .send(admin.req("POST", "/api/v1/admin/users/ua/reset-password", None))
        .await;
    let temp = r.json()["temporary_password"].as_str().unwrap().to_owned();
    assert_eq!(
        t.send(ua.req("GET", "/api/v1/me", None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    t.login_with("ua", &temp).await.unwrap();
    // Pages of the administration render.
    for p in [
        "/admin",
        "/admin/units",
        "/admin/users",
        "/admin/users/ua",
        "/admin/periods",
        "/admin/periods/2027",
        "/admin/criteria-sets",
    ] {
        let r = t.send(admin.req("GET", p, None)).await;
        assert_eq!(r.status, StatusCode::OK, "{p}");
    }
}

#[tokio::test]
async fn excel_import_lists_every_problem_with_sheet_row_and_code() {
    let t = fixture();
    let admin = t.login("adm").await;
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    // The filled template imports as it is.
    let template = t
        .send(admin.req("GET", "/api/v1/admin/criteria-sets/template.xlsx", None))
        .await;
    let bytes = {
        let res = tower::ServiceExt::oneshot(
            t.router.clone(),
            admin.req("GET", "/api/v1/admin/criteria-sets/template.xlsx", None),
        )
        .await
        .unwrap();
        http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes()
    };
    assert_eq!(template.status, StatusCode::OK);
    let r = t
        .send(admin.raw("POST", "/api/v1/admin/criteria-sets", xlsx, bytes.clone()))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["id"], "iso-so-2026");
    // A broken workbook: a case of an unknown criterion, a bad number, a missing title.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheets: [(&str, Vec<Vec<&str>>); 5] = [
        (
            "set",
            vec![
                vec!["field", "value"],
                vec!["id", "hong"],
                vec!["name", "Bộ hỏng"],
            ],
        ),
        ("bands", vec![vec!["label", "min_percent"]]),
        (
            "groups",
            vec![vec!["code", "title"], vec!["1", "Nhóm một"], vec!["2", ""]],
        ),
        (
            "criteria",
            vec![
                vec!["code", "group", "title"],
                vec!["1.1", "1", "Kế hoạch"],
                vec!["1.2", "9", "Báo cáo"],
            ],
        ),
        (
            "cases",
            vec![
                vec!["criterion", "code", "label", "points"],
                vec!["1.1", "a", "Có", "hai"],
                vec!["7.7", "a", "Có", "1"],
            ],
        ),
    ];
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    let bad = wb.save_to_buffer().unwrap();
    let before = snapshot(&t);
    let r = t
        .send(admin.raw("POST", "/api/v1/admin/criteria-sets", xlsx, bad))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let problems = r.json()["details"]["problems"].as_array().unwrap().clone();
    let has = |sheet: &str, row: u64, code: &str| {
        problems
            .iter()
            .any(|p| p["sheet"] == sheet && p["row"] == row && p["offending_code"] == code)
    };
    assert!(has("groups", 3, "2"), "{problems:#?}");
    assert!(has("criteria", 3, "1.2"), "{problems:#?}");
    assert!(has("cases", 2, "1.1"), "{problems:#?}");
    assert!(has("cases", 3, "7.7"), "{problems:#?}");
    assert_eq!(before, snapshot(&t));
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

#[tokio::test]
async fn the_server_runs_on_postgresql() {
    let Ok(url) = std::env::var("CHAMDIEM_TEST_POSTGRES_URL") else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI=true: CHAMDIEM_TEST_POSTGRES_URL must name a PostgreSQL server");
        }
        eprintln!("SKIPPED: the_server_runs_on_postgresql (set CHAMDIEM_TEST_POSTGRES_URL)");
        return;
    };
    let schema = format!("server_test_{}", std::process::id());
    let db = tokio::task::spawn_blocking(move || {
        chamdiem_server::db::Db::open_postgres_schema(&url, &schema)
    })
    .await
    .unwrap()
    .unwrap();
    let t = with_db(config(), db);
    let s = t.state.store.clone();
    let set = CriteriaSet::from_compact(SMALL_SET).unwrap();
    tokio::task::spawn_blocking(move || {
        s.insert_criteria_set(&set).unwrap();
        s.insert_unit(&unit("P", "Tỉnh P", UnitKind::Province, None))
            .unwrap();
        s.insert_unit(&unit("A", "Sở Alpha", UnitKind::Department, Some("P")))
            .unwrap();
        let period = Period::new(
            "p1",
            "Kỳ 1",
            "P",
            vec![PeriodSet {
                unit_kind: UnitKind::Department,
                criteria_set: SetRef {
                    id: "nho".into(),
                    revision: 1,
                },
            }],
        );
        s.insert_period(&period).unwrap();
        let d = period
            .open_dossier(
                "p1.A",
                &s.unit("A").unwrap(),
                &set,
                &Actor::new("adm", Role::Admin, "P"),
                start(),
            )
            .unwrap();
        s.insert_dossier(&d).unwrap();
    })
    .await
    .unwrap();
    let st = t.state.clone();
    let hash = password_hash();
    tokio::task::spawn_blocking(move || {
        st.db
            .write(|tx| {
                chamdiem_server::db::users::insert(
                    tx,
                    &chamdiem_server::db::users::User {
                        login: "ua".into(),
                        name: "A".into(),
                        email: String::new(),
                        phone: String::new(),
                        role: Role::Unit,
                        unit: "A".into(),
                        password_hash: hash,
                        disabled: false,
                        must_change_password: false,
                        created_at: 0,
                        updated_at: 0,
                    },
                )
            })
            .unwrap();
    })
    .await
    .unwrap();
    let ua = t.login("ua").await;
    let r = t
        .send(ua.req(
            "POST",
            "/api/v1/dossiers/p1.A/commands",
            Some(&json!({"type": "save_self", "entries": [{"criterion": "1.1", "case": "a"}]})),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let out = t.send(ua.req("POST", "/api/v1/auth/logout", None)).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(
        t.send(ua.req("GET", "/api/v1/me", None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    for i in 0..6u8 {
        login_from(&t, [10, 0, 0, i], "ua", "wrong wrong").await;
    }
    let r = login_from(&t, [10, 0, 1, 1], "ua", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}
