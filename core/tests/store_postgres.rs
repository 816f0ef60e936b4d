//! The conformance suite on the PostgreSQL store, against a real server over a real connection:
//! the one `CHAMDIEM_TEST_POSTGRES_URL` names (scripts/test starts a throwaway one). Without it
//! the tests say SKIPPED loudly and pass, except under `CI=true`, where they fail.
//!
//! Every store gets a fresh schema of its own, dropped at the end, so tests and runs never see
//! each other's data.

use chamdiem::store::conformance::{self, Harness};
use chamdiem::store::postgres::client::{Client, NoTls};
use chamdiem::store::{FaultPlan, Migration, PostgresOptions, PostgresStore};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

fn url() -> Option<String> {
    match std::env::var("CHAMDIEM_TEST_POSTGRES_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!(
                    "CI=true but CHAMDIEM_TEST_POSTGRES_URL is not set: the PostgreSQL store \
                     must be tested under CI (scripts/test starts a throwaway server)"
                );
            }
            eprintln!(
                "\n!!!!!!!!!! SKIPPED: PostgreSQL store tests: CHAMDIEM_TEST_POSTGRES_URL is not \
                 set. Run scripts/test, or `scripts/postgres.sh start` and export the URL it \
                 prints. !!!!!!!!!!\n"
            );
            None
        }
    }
}

fn fresh_schema() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "t_{}_{}_{}",
        std::process::id(),
        nanos,
        N.fetch_add(1, Ordering::SeqCst)
    )
}

fn drop_schema(url: &str, schema: &str) {
    match Client::connect(url, NoTls) {
        Ok(mut c) => {
            if let Err(e) = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")) {
                eprintln!("could not drop test schema {schema}: {e}");
            }
        }
        Err(e) => eprintln!("could not connect to drop test schema {schema}: {e}"),
    }
}

fn options(schema: &str) -> PostgresOptions {
    PostgresOptions::default().schema(schema).pool_size(4)
}

fn make() -> Option<Harness> {
    let url = url()?;
    let schema = fresh_schema();
    let faults = Arc::new(FaultPlan::new());
    let store = PostgresStore::open_with(&url, options(&schema).faults(faults.clone()))
        .unwrap_or_else(|e| panic!("cannot open the PostgreSQL store at {url}: {e}"));
    Some(Harness::new(Box::new(store), faults).on_drop(move || drop_schema(&url, &schema)))
}

chamdiem::store_conformance_tests!(make);

struct Schema(String, String);
impl Drop for Schema {
    fn drop(&mut self) {
        drop_schema(&self.0, &self.1);
    }
}

#[test]
fn host_migrations_and_transactions() {
    let Some(url) = url() else { return };
    let guard = Schema(url.clone(), fresh_schema());
    let server = vec![
        Migration::new(
            1,
            "users",
            "CREATE TABLE users (id text PRIMARY KEY, unit_id text REFERENCES units(id))",
        ),
        Migration::new(
            2,
            "sessions",
            "CREATE TABLE sessions (id text PRIMARY KEY, user_id text NOT NULL REFERENCES users(id))",
        ),
    ];
    let store =
        PostgresStore::open_with(&url, options(&guard.1).migrations("server", server.clone()))
            .unwrap();
    conformance::seed(&store, 1, 3);
    store
        .transaction(|tx| {
            tx.execute("INSERT INTO users (id, unit_id) VALUES ('u1', 'D1')", &[])?;
            tx.execute(
                "INSERT INTO sessions (id, user_id) VALUES ('s1', 'u1')",
                &[],
            )?;
            Ok::<_, chamdiem::Error>(())
        })
        .unwrap();
    // A failing closure rolls back.
    let err = store
        .transaction(|tx| {
            tx.execute("INSERT INTO users (id, unit_id) VALUES ('u2', 'D1')", &[])?;
            Err::<(), _>(chamdiem::Error::storage("host failure"))
        })
        .unwrap_err();
    assert_eq!(err.code(), "storage");
    let n: i64 = store
        .transaction(|tx| {
            Ok::<_, chamdiem::Error>(tx.query_one("SELECT count(*) FROM users", &[])?.get(0))
        })
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        store.schema_versions().unwrap(),
        vec![("core".to_owned(), 1), ("server".to_owned(), 2)]
    );
    drop(store);
    // Reopening applies nothing twice; several hosts opening at once agree.
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                PostgresStore::open_with(
                    &url,
                    options(&guard.1).migrations("server", server.clone()),
                )
                .unwrap();
            });
        }
    });
    // A database of a newer schema is refused, untouched.
    let mut c = Client::connect(&url, NoTls).unwrap();
    c.batch_execute(&format!(
        "INSERT INTO {}.schema_migrations (namespace, version, name) VALUES ('core', 99, 'future')",
        guard.1
    ))
    .unwrap();
    let err = PostgresStore::open_with(&url, options(&guard.1)).unwrap_err();
    assert_eq!(err.code(), "storage");
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn unreachable_server_is_a_transient_error() {
    if url().is_none() {
        return;
    }
    let err = PostgresStore::open_with(
        "postgresql://postgres@localhost/none?host=/nonexistent-chamdiem&port=1",
        PostgresOptions::default().connect_timeout(std::time::Duration::from_secs(2)),
    )
    .unwrap_err();
    match err {
        chamdiem::Error::Storage { transient, .. } => assert!(transient),
        other => panic!("expected a storage error, got {other:?}"),
    }
}
