//! Test helpers: an app over an in-memory SQLite database with a manual clock, users, and
//! requests through `oneshot` (no socket).
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chamdiem::Timestamp;
use chamdiem_server::clock::ManualClock;
use chamdiem_server::db::{Db, users};
use chamdiem_server::{AppState, Config, app};
use http_body_util::BodyExt;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

pub const PASSWORD: &str = "mật khẩu thử nghiệm 2026";

pub fn start() -> Timestamp {
    Timestamp::parse("2026-03-01T08:00:00+07:00").unwrap()
}

/// One hash of [`PASSWORD`], made once for every test user.
pub fn password_hash() -> String {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| chamdiem_server::auth::password::hash_blocking(PASSWORD).unwrap())
        .clone()
}

pub struct TestApp {
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub router: Router,
}

pub fn config() -> Config {
    Config::for_tests()
}

pub fn with_config(config: Config) -> TestApp {
    let db = Db::open("sqlite::memory:").unwrap();
    with_db(config, db)
}

pub fn with_db(config: Config, db: Db) -> TestApp {
    let clock = Arc::new(ManualClock::new(start()));
    let state = AppState::new(config, db, clock.clone()).unwrap();
    let router = app(state.clone());
    TestApp {
        state,
        clock,
        router,
    }
}

pub fn new_app() -> TestApp {
    with_config(config())
}

impl TestApp {
    pub fn add_user(&self, login: &str, role: chamdiem::Role, unit: &str) {
        let now = self.clock_ms();
        let u = users::User {
            login: login.into(),
            name: format!("Người dùng {login}"),
            email: String::new(),
            phone: String::new(),
            role,
            unit: unit.into(),
            password_hash: password_hash(),
            disabled: false,
            must_change_password: false,
            created_at: now,
            updated_at: now,
        };
        self.state.db.write(|tx| users::insert(tx, &u)).unwrap();
    }

    pub fn clock_ms(&self) -> i64 {
        use chamdiem_server::clock::Clock;
        self.clock.now().as_millis()
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let mut req = req;
        if req.extensions().get::<ConnectInfo<SocketAddr>>().is_none() {
            req.extensions_mut()
                .insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 10], 40000))));
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Logs in through the API; the session.
    pub async fn login(&self, login: &str) -> Session {
        self.login_with(login, PASSWORD).await.expect("login")
    }

    pub async fn login_with(&self, login: &str, password: &str) -> Result<Session, Resp> {
        let r = self
            .send(json_req(
                "POST",
                "/api/v1/auth/login",
                &serde_json::json!({"login": login, "password": password}),
            ))
            .await;
        if r.status != StatusCode::OK {
            return Err(r);
        }
        let cookie = r
            .session_cookie(self.state.config.cookie_name())
            .expect("a session cookie");
        let csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
        Ok(Session {
            cookie_name: self.state.config.cookie_name().to_owned(),
            cookie,
            csrf,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub cookie_name: String,
    pub cookie: String,
    pub csrf: String,
}

impl Session {
    pub fn cookie_header(&self) -> String {
        format!("{}={}", self.cookie_name, self.cookie)
    }
    /// A request with the cookie (and, for unsafe methods, the CSRF header and Origin).
    pub fn req(&self, method: &str, uri: &str, body: Option<&Value>) -> Request<Body> {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::COOKIE, self.cookie_header());
        if method != "GET" {
            b = b
                .header("x-csrf-token", &self.csrf)
                .header(header::ORIGIN, "http://127.0.0.1:8080");
        }
        match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        }
    }
    pub fn raw(
        &self,
        method: &str,
        uri: &str,
        content_type: &str,
        body: impl Into<Body>,
    ) -> Request<Body> {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::COOKIE, self.cookie_header())
            .header("x-csrf-token", &self.csrf)
            .header(header::ORIGIN, "http://127.0.0.1:8080")
            .header(header::CONTENT_TYPE, content_type)
            .body(body.into())
            .unwrap()
    }
}

pub fn json_req(method: &str, uri: &str, v: &Value) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(v.to_string()))
        .unwrap()
}

pub fn get(uri: &str) -> Request<Body> {
    Request::builder()
        .uri(uri)
        .header(header::HOST, "127.0.0.1:8080")
        .body(Body::empty())
        .unwrap()
}

#[derive(Debug, Clone)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or("").to_owned()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }
    pub fn session_cookie(&self, name: &str) -> Option<String> {
        self.set_cookies().iter().find_map(|c| {
            let (kv, _) = c.split_once(';')?;
            let (k, v) = kv.split_once('=')?;
            (k == name && !v.is_empty()).then(|| v.to_owned())
        })
    }
}

/// A small criteria set for fixtures.
pub const SMALL_SET: &str = r#"
id = "nho"
name = "Bộ chỉ tiêu nhỏ"
[[group]]
code = "1"
title = "Nhóm một"
[[criterion]]
code = "1.1"
group = "1"
title = "Kế hoạch"
cases = [ { code = "a", label = "Có", points = 2 }, { code = "b", label = "Không", points = 0 } ]
[[criterion]]
code = "1.2"
group = "1"
title = "Báo cáo"
cases = [ { code = "a", label = "Đúng hạn", points = 1 }, { code = "b", label = "Chậm", points = 0 } ]
"#;

use chamdiem::workflow::{ReviewInput, SaveReview, SaveSelf, SelfInput};
use chamdiem::{Actor, Command, CriteriaSet, Period, PeriodSet, Role, SetRef, Unit, UnitKind};

pub fn unit(id: &str, name: &str, kind: UnitKind, parent: Option<&str>) -> Unit {
    Unit {
        id: id.into(),
        code: id.into(),
        name: name.into(),
        kind,
        parent: parent.map(Into::into),
    }
}

/// Two provinces P and Q; departments A and B of P; five periods in which A's dossier is in
/// each of the five states (and B's in self-assessment); users of every role.
pub fn fixture() -> TestApp {
    fixture_with(config())
}

/// [`fixture`] with a configuration of its own.
pub fn fixture_with(config: Config) -> TestApp {
    let t = with_config(config);
    let s = t.state.store.clone();
    let set = CriteriaSet::from_compact(SMALL_SET).unwrap();
    s.insert_criteria_set(&set).unwrap();
    s.insert_unit(&unit("P", "Tỉnh P", UnitKind::Province, None))
        .unwrap();
    s.insert_unit(&unit("Q", "Tỉnh Q", UnitKind::Province, None))
        .unwrap();
    s.insert_unit(&unit("A", "Sở Alpha", UnitKind::Department, Some("P")))
        .unwrap();
    s.insert_unit(&unit("B", "Sở Beta", UnitKind::Department, Some("P")))
        .unwrap();
    let admin = Actor::new("adm", Role::Admin, "P");
    let ua = Actor::new("ua", Role::Unit, "A");
    let rev = Actor::new("rev", Role::Reviewer, "P");
    let now = start();
    for (i, state) in chamdiem::State::ALL.iter().enumerate() {
        let pid = format!("p{}", i + 1);
        let period = Period::new(
            &pid,
            format!("Kỳ {pid}"),
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
        for u in ["A", "B"] {
            let d = period
                .open_dossier(format!("{pid}.{u}"), &s.unit(u).unwrap(), &set, &admin, now)
                .unwrap();
            s.insert_dossier(&d).unwrap();
        }
        let id = format!("{pid}.A");
        let run = |a: &Actor, c: Command| {
            s.execute(&id, a, &c, now).unwrap();
        };
        if *state == chamdiem::State::SelfAssessment {
            continue;
        }
        run(
            &ua,
            Command::SaveSelf(SaveSelf {
                base_version: None,
                entries: vec![
                    SelfInput {
                        criterion: "1.1".into(),
                        case: Some("a".into()),
                        ..Default::default()
                    },
                    SelfInput {
                        criterion: "1.2".into(),
                        case: Some("a".into()),
                        ..Default::default()
                    },
                ],
            }),
        );
        run(&ua, Command::Submit);
        if *state == chamdiem::State::SelfAssessed {
            continue;
        }
        let flag = *state == chamdiem::State::ExplanationRequested;
        run(
            &rev,
            Command::SaveReview(SaveReview {
                base_version: None,
                entries: vec![
                    ReviewInput {
                        criterion: "1.1".into(),
                        case: Some("b".into()),
                        request_explanation: flag.then_some(true),
                        request_note: flag.then(|| "Giải trình".into()),
                        ..Default::default()
                    },
                    ReviewInput {
                        criterion: "1.2".into(),
                        case: Some("a".into()),
                        ..Default::default()
                    },
                ],
            }),
        );
        if flag {
            run(&rev, Command::RequestExplanation { deadline: None });
            continue;
        }
        run(&rev, Command::FinishReview);
        if *state == chamdiem::State::Completed {
            run(&rev, Command::Archive);
        }
    }
    t.add_user("ua", Role::Unit, "A");
    t.add_user("ub", Role::Unit, "B");
    t.add_user("rev", Role::Reviewer, "P");
    t.add_user("revq", Role::Reviewer, "Q");
    t.add_user("adm", Role::Admin, "P");
    t.add_user("view", Role::Viewer, "P");
    t
}
