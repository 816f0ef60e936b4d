//! Known versus unknown account: a failed login costs the same either way (the unknown
//! account is verified against a dummy hash), so response times do not reveal which accounts
//! exist. Run with `cargo bench -p chamdiem-server --bench login_timing`; the figures go to
//! BENCHMARKS.md ("Server").

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use chamdiem::{Unit, UnitKind};
use chamdiem_server::clock::SystemClock;
use chamdiem_server::db::{Db, users};
use chamdiem_server::{AppState, Config, app};
use criterion::{Criterion, criterion_group, criterion_main};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

fn bench(c: &mut Criterion) {
    let mut config = Config::for_tests();
    // No throttling in the way: the benchmark measures the password path only.
    config.login_burst = u32::MAX / 2;
    config.account_free_failures = u32::MAX / 2;
    let db = Db::open("sqlite::memory:").unwrap();
    let state = AppState::new(config, db, Arc::new(SystemClock)).unwrap();
    state
        .store
        .insert_unit(&Unit {
            id: "P".into(),
            code: "P".into(),
            name: "Tỉnh".into(),
            kind: UnitKind::Province,
            parent: None,
        })
        .unwrap();
    let hash = chamdiem_server::auth::password::hash_blocking("mật khẩu đúng của cán bộ").unwrap();
    state
        .db
        .write(|tx| {
            users::insert(
                tx,
                &users::User {
                    login: "canbo".into(),
                    name: "Cán bộ".into(),
                    email: String::new(),
                    phone: String::new(),
                    role: chamdiem::Role::Unit,
                    unit: "P".into(),
                    password_hash: hash,
                    disabled: false,
                    must_change_password: false,
                    created_at: 0,
                    updated_at: 0,
                },
            )
        })
        .unwrap();
    let router = app(state);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let rt = &rt;
    let login = |name: &'static str| {
        let router = router.clone();
        move || {
            let mut req = Request::builder()
                .method("POST")
                .uri("/api/v1/auth/login")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(format!(
                    "{{\"login\": \"{name}\", \"password\": \"sai mật khẩu\"}}"
                )))
                .unwrap();
            req.extensions_mut()
                .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9))));
            let res = rt.block_on(router.clone().oneshot(req)).unwrap();
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        }
    };
    let mut g = c.benchmark_group("failed login");
    g.sample_size(30).measurement_time(Duration::from_secs(8));
    let known = login("canbo");
    g.bench_function("known account, wrong password", |b| b.iter(&known));
    let unknown = login("khong-ton-tai");
    g.bench_function("unknown account", |b| b.iter(&unknown));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
