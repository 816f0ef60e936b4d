//! The server's own tables (users, sessions, API tokens, login throttling) live in the same
//! database as the core's, registered as host migrations in the namespace `server` and
//! reached through the store's host-query facilities ([`SqliteStore::write`] / `read`,
//! [`PostgresStore::transaction`]). The SQL is written once, with `$1`-style parameters and
//! integers for booleans and instants (milliseconds since 1970), and runs on both.
//!
//! The store is synchronous: async code calls [`Db::run`], which moves the work to a blocking
//! thread.

pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;

use crate::error::{AppError, AppResult};
use chamdiem::store::postgres::client as pg;
use chamdiem::store::sqlite::rusqlite;
use chamdiem::store::{
    Migration, PostgresOptions, PostgresStore, SqliteOptions, SqliteStore, Store,
};
use std::sync::Arc;

/// The namespace of the server's migrations.
pub const NAMESPACE: &str = "server";

/// A value bound to or read from a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    /// SQL NULL.
    Null,
    /// An integer (also booleans 0/1 and instants in milliseconds).
    Int(i64),
    /// Text.
    Text(String),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Val::Int(v as i64)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_owned())
    }
}
impl From<&String> for Val {
    fn from(v: &String) -> Self {
        Val::Text(v.clone())
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Val::Null)
    }
}

/// A row read back: its values in column order.
#[derive(Debug, Clone)]
pub struct Row(pub Vec<Val>);

fn corrupt(i: usize, want: &str) -> AppError {
    AppError::Internal(format!("column {i} of a server table is not {want}"))
}

impl Row {
    /// An integer column.
    pub fn int(&self, i: usize) -> AppResult<i64> {
        match self.0.get(i) {
            Some(Val::Int(v)) => Ok(*v),
            _ => Err(corrupt(i, "an integer")),
        }
    }
    /// A nullable integer column.
    pub fn opt_int(&self, i: usize) -> AppResult<Option<i64>> {
        match self.0.get(i) {
            Some(Val::Int(v)) => Ok(Some(*v)),
            Some(Val::Null) => Ok(None),
            _ => Err(corrupt(i, "an integer or null")),
        }
    }
    /// A boolean stored as 0/1.
    pub fn bool(&self, i: usize) -> AppResult<bool> {
        Ok(self.int(i)? != 0)
    }
    /// A text column.
    pub fn text(&self, i: usize) -> AppResult<String> {
        match self.0.get(i) {
            Some(Val::Text(v)) => Ok(v.clone()),
            _ => Err(corrupt(i, "text")),
        }
    }
}

/// A transaction on the server's tables.
pub trait Tx {
    /// Runs a statement; the number of rows changed.
    fn exec(&mut self, sql: &str, params: &[Val]) -> AppResult<u64>;
    /// Runs a query; every row.
    fn query(&mut self, sql: &str, params: &[Val]) -> AppResult<Vec<Row>>;
    /// Runs a query; the first row, if any.
    fn query_opt(&mut self, sql: &str, params: &[Val]) -> AppResult<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

/// The database: the core's store and the server's tables, SQLite or PostgreSQL.
#[derive(Clone)]
pub enum Db {
    /// The embedded store.
    Sqlite(Arc<SqliteStore>),
    /// The scale-out store.
    Postgres(Arc<PostgresStore>),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Db::Sqlite(s) => write!(f, "Db::Sqlite({:?})", s.path()),
            Db::Postgres(s) => write!(f, "Db::Postgres(schema {})", s.schema()),
        }
    }
}

impl Db {
    /// Opens the database named by `url`: `postgres://…` or `postgresql://…` for PostgreSQL,
    /// `sqlite::memory:` for a SQLite database in memory, anything else a SQLite file path
    /// (its folder is created). Applies the core's and the server's migrations.
    pub fn open(url: &str) -> AppResult<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PostgresOptions::default().migrations(NAMESPACE, postgres_migrations());
            return Ok(Db::Postgres(Arc::new(PostgresStore::open_with(url, opts)?)));
        }
        let opts = SqliteOptions::default().migrations(NAMESPACE, sqlite_migrations());
        if url == "sqlite::memory:" {
            return Ok(Db::Sqlite(Arc::new(SqliteStore::open_in_memory_with(
                opts,
            )?)));
        }
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        if let Some(dir) = std::path::Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                AppError::Core(chamdiem::Error::storage(format!(
                    "cannot create the folder {}: {e}",
                    dir.display()
                )))
            })?;
        }
        Ok(Db::Sqlite(Arc::new(SqliteStore::open_with(path, opts)?)))
    }

    /// Opens a PostgreSQL database in a schema of its own (tests use a fresh schema each).
    pub fn open_postgres_schema(url: &str, schema: &str) -> AppResult<Db> {
        let opts = PostgresOptions::default()
            .schema(schema)
            .pool_size(4)
            .migrations(NAMESPACE, postgres_migrations());
        Ok(Db::Postgres(Arc::new(PostgresStore::open_with(url, opts)?)))
    }

    /// The core's store.
    pub fn store(&self) -> Arc<dyn Store> {
        match self {
            Db::Sqlite(s) => s.clone(),
            Db::Postgres(s) => s.clone(),
        }
    }

    /// Which kind of database, for logs and the readiness check.
    pub fn kind(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Runs `f` in one write transaction: committed if it returns `Ok`.
    pub fn write<T>(&self, f: impl FnOnce(&mut dyn Tx) -> AppResult<T>) -> AppResult<T> {
        match self {
            Db::Sqlite(s) => s.write(|tx| f(&mut SqliteTx(tx))),
            Db::Postgres(s) => s.transaction(|tx| f(&mut PgTx(tx))),
        }
    }

    /// Runs `f` in one read transaction.
    pub fn read<T>(&self, f: impl FnOnce(&mut dyn Tx) -> AppResult<T>) -> AppResult<T> {
        match self {
            Db::Sqlite(s) => s.read(|tx| f(&mut SqliteTx(tx))),
            Db::Postgres(s) => s.transaction(|tx| f(&mut PgTx(tx))),
        }
    }

    /// Runs blocking database work on a blocking thread.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Db) -> AppResult<T> + Send + 'static,
    ) -> AppResult<T> {
        let db = self.clone();
        tokio::task::spawn_blocking(move || f(&db)).await?
    }
}

/// `$1` → `?1`: SQLite's numbered parameters.
fn sqlite_sql(sql: &str) -> String {
    sql.replace('$', "?")
}

struct SqliteTx<'a, 'b>(&'a rusqlite::Transaction<'b>);

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value, ValueRef};
        Ok(match self {
            Val::Null => ToSqlOutput::Owned(Value::Null),
            Val::Int(i) => ToSqlOutput::Owned(Value::Integer(*i)),
            Val::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

fn sqlite_err(e: rusqlite::Error) -> AppError {
    AppError::Core(e.into())
}

impl Tx for SqliteTx<'_, '_> {
    fn exec(&mut self, sql: &str, params: &[Val]) -> AppResult<u64> {
        let mut st = self
            .0
            .prepare_cached(&sqlite_sql(sql))
            .map_err(sqlite_err)?;
        st.execute(rusqlite::params_from_iter(params.iter()))
            .map(|n| n as u64)
            .map_err(sqlite_err)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> AppResult<Vec<Row>> {
        use rusqlite::types::ValueRef;
        let mut st = self
            .0
            .prepare_cached(&sqlite_sql(sql))
            .map_err(sqlite_err)?;
        let n = st.column_count();
        let mut rows = st
            .query(rusqlite::params_from_iter(params.iter()))
            .map_err(sqlite_err)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(sqlite_err)? {
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                vals.push(match r.get_ref(i).map_err(sqlite_err)? {
                    ValueRef::Null => Val::Null,
                    ValueRef::Integer(v) => Val::Int(v),
                    ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Real(f) => Val::Int(f as i64),
                    ValueRef::Blob(_) => return Err(corrupt(i, "text (found a blob)")),
                });
            }
            out.push(Row(vals));
        }
        Ok(out)
    }
}

struct PgTx<'a, 'b>(&'a mut pg::Transaction<'b>);

impl pg::types::ToSql for Val {
    fn to_sql(
        &self,
        ty: &pg::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<pg::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Val::Null => Ok(pg::types::IsNull::Yes),
            Val::Int(i) => i.to_sql(ty, out),
            Val::Text(t) => t.to_sql(ty, out),
        }
    }

    fn accepts(_ty: &pg::types::Type) -> bool {
        true
    }

    fn to_sql_checked(
        &self,
        ty: &pg::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<pg::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        self.to_sql(ty, out)
    }
}

fn pg_err(e: pg::Error) -> AppError {
    AppError::Core(e.into())
}

impl Tx for PgTx<'_, '_> {
    fn exec(&mut self, sql: &str, params: &[Val]) -> AppResult<u64> {
        let p: Vec<&(dyn pg::types::ToSql + Sync)> = params
            .iter()
            .map(|v| v as &(dyn pg::types::ToSql + Sync))
            .collect();
        self.0.execute(sql, &p).map_err(pg_err)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> AppResult<Vec<Row>> {
        use pg::types::Type;
        let p: Vec<&(dyn pg::types::ToSql + Sync)> = params
            .iter()
            .map(|v| v as &(dyn pg::types::ToSql + Sync))
            .collect();
        let rows = self.0.query(sql, &p).map_err(pg_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut vals = Vec::with_capacity(r.len());
            for (i, c) in r.columns().iter().enumerate() {
                let bad = |_| corrupt(i, "a supported type");
                let v = match *c.type_() {
                    Type::INT8 => r.try_get::<_, Option<i64>>(i).map_err(bad)?.map(Val::Int),
                    Type::INT4 => r
                        .try_get::<_, Option<i32>>(i)
                        .map_err(bad)?
                        .map(|v| Val::Int(v.into())),
                    Type::INT2 => r
                        .try_get::<_, Option<i16>>(i)
                        .map_err(bad)?
                        .map(|v| Val::Int(v.into())),
                    Type::BOOL => r
                        .try_get::<_, Option<bool>>(i)
                        .map_err(bad)?
                        .map(|v| Val::Int(v.into())),
                    _ => r
                        .try_get::<_, Option<String>>(i)
                        .map_err(bad)?
                        .map(Val::Text),
                };
                vals.push(v.unwrap_or(Val::Null));
            }
            out.push(Row(vals));
        }
        Ok(out)
    }
}

/// The server's migrations for SQLite.
pub fn sqlite_migrations() -> Vec<Migration> {
    vec![Migration::new(
        1,
        "users_sessions_tokens_throttle",
        r#"
CREATE TABLE users (
    login                TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    email                TEXT NOT NULL DEFAULT '',
    phone                TEXT NOT NULL DEFAULT '',
    role                 TEXT NOT NULL,
    unit_id              TEXT NOT NULL REFERENCES units(id),
    password_hash        TEXT NOT NULL,
    disabled             INTEGER NOT NULL DEFAULT 0,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
) STRICT;
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    login        TEXT NOT NULL REFERENCES users(login),
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_login ON sessions(login);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    login        TEXT NOT NULL REFERENCES users(login),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    expires_at   INTEGER
) STRICT;
CREATE INDEX api_tokens_login ON api_tokens(login);

CREATE TABLE login_throttle (
    account         TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    blocked_until   INTEGER NOT NULL
) STRICT;
"#,
    )]
}

/// The server's migrations for PostgreSQL.
pub fn postgres_migrations() -> Vec<Migration> {
    vec![Migration::new(
        1,
        "users_sessions_tokens_throttle",
        r#"
CREATE TABLE users (
    login                text COLLATE "C" PRIMARY KEY,
    name                 text NOT NULL,
    email                text NOT NULL DEFAULT '',
    phone                text NOT NULL DEFAULT '',
    role                 text NOT NULL,
    unit_id              text NOT NULL REFERENCES units(id),
    password_hash        text NOT NULL,
    disabled             bigint NOT NULL DEFAULT 0,
    must_change_password bigint NOT NULL DEFAULT 0,
    created_at           bigint NOT NULL,
    updated_at           bigint NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE sessions (
    id_hash      text COLLATE "C" PRIMARY KEY,
    login        text NOT NULL REFERENCES users(login),
    csrf_token   text NOT NULL,
    created_at   bigint NOT NULL,
    last_seen_at bigint NOT NULL,
    expires_at   bigint NOT NULL
);
CREATE INDEX sessions_login ON sessions(login);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE api_tokens (
    id           text COLLATE "C" PRIMARY KEY,
    login        text NOT NULL REFERENCES users(login),
    name         text NOT NULL,
    token_hash   text NOT NULL UNIQUE,
    created_at   bigint NOT NULL,
    last_used_at bigint,
    expires_at   bigint
);
CREATE INDEX api_tokens_login ON api_tokens(login);

CREATE TABLE login_throttle (
    account         text COLLATE "C" PRIMARY KEY,
    failures        bigint NOT NULL,
    last_failure_at bigint NOT NULL,
    blocked_until   bigint NOT NULL
);
"#,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_become_sqlite_numbered() {
        assert_eq!(sqlite_sql("SELECT $1, $2"), "SELECT ?1, ?2");
    }

    #[test]
    fn server_tables_round_trip_on_sqlite() {
        let db = Db::open("sqlite::memory:").unwrap();
        let n = db
            .write(|tx| {
                tx.exec(
                    "INSERT INTO login_throttle (account, failures, last_failure_at, blocked_until) VALUES ($1, $2, $3, $4)",
                    &["lan".into(), 3i64.into(), 10i64.into(), 0i64.into()],
                )
            })
            .unwrap();
        assert_eq!(n, 1);
        let row = db
            .read(|tx| {
                tx.query_opt(
                    "SELECT account, failures FROM login_throttle WHERE account = $1",
                    &["lan".into()],
                )
            })
            .unwrap()
            .unwrap();
        assert_eq!(row.text(0).unwrap(), "lan");
        assert_eq!(row.int(1).unwrap(), 3);
    }
}
