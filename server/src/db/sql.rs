//! The one place where the two backends meet. Each feature's store (the other files in this
//! folder) is plain code written once against the small interface below: `query(sql)` with
//! `.bind(..)`, run on the pool (`&Db`) or inside a transaction (`&mut Tx`), answering `Row`s
//! read with `try_get`. Underneath, every call is an ordinary sqlx query for the concrete
//! driver — SQLite or PostgreSQL — chosen by a `match`, so there is no macro, no `Any` driver
//! and no generic bound to satisfy.
//!
//! The SQL itself is the same for both: `$1` placeholders work in each, booleans are bound as
//! `bool` (INTEGER 0/1 in SQLite, BOOLEAN in PostgreSQL), ids and times as `i64`, dates as ISO
//! text. Where the backends differ, the difference is named here and nowhere else:
//! - how the pool is opened (`Db::open`: WAL, busy timeout and foreign keys for SQLite);
//! - how migrations are kept from racing (`Db::migration_lock`: an advisory lock on PostgreSQL);
//! - how a write transaction begins (`Db::begin_write`: `BEGIN IMMEDIATE` on SQLite);
//! - how a patient's card row is held until commit (`Tx::lock_card`: `FOR UPDATE` on PostgreSQL).

use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Decode, Postgres, Row as _, Sqlite, Type};
use std::str::FromStr;
use std::time::Duration;

/// A connection pool to one of the two backends.
#[derive(Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open transaction; dropped without `commit`, it rolls back.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// One result row.
pub enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

/// What a statement changed.
pub struct Done {
    rows_affected: u64,
}

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

impl Db {
    /// Opens the pool a database URL names (`sqlite:` or `postgres://`).
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        match super::Backend::of_url(url)? {
            super::Backend::Sqlite => {
                // The embedded default: one file under the data directory, WAL journal, a busy
                // timeout so that writers queue instead of failing, and foreign keys on.
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true);
                if let Some(parent) = options.get_filename().parent() {
                    if !parent.as_os_str().is_empty() {
                        std::fs::create_dir_all(parent)?;
                    }
                }
                Ok(Db::Sqlite(SqlitePoolOptions::new().max_connections(8).connect_with(options).await?))
            }
            super::Backend::Postgres => {
                // The scale-out backend, for several stateless replicas in front of one database.
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }

    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// A transaction for a change that first reads what it then decides on (a booking, a
    /// card's limit). SQLite has one writer: `BEGIN IMMEDIATE` takes the write lock at once, so
    /// what the transaction reads stays true until it commits (a deferred transaction that
    /// reads first could fail to upgrade). PostgreSQL begins normally; unique indexes and
    /// `Tx::lock_card` settle its races.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Runs `work` while no other process migrates the same database. On PostgreSQL two
    /// replicas may start at once, so an advisory lock (held on its own connection) keeps them
    /// in turn; SQLite is one process's file.
    pub async fn migration_lock<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, sqlx::Error> {
        match self {
            Db::Sqlite(_) => work.await,
            Db::Postgres(p) => {
                let mut lock = p.acquire().await?;
                sqlx::query("SELECT pg_advisory_lock(7204221)").execute(&mut *lock).await?;
                let result = work.await;
                sqlx::query("SELECT pg_advisory_unlock(7204221)").execute(&mut *lock).await?;
                result
            }
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }

    /// Runs a script of several statements (a migration).
    pub async fn execute_script(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => sqlx::raw_sql(sql).execute(&mut **t).await.map(drop),
            Tx::Postgres(t) => sqlx::raw_sql(sql).execute(&mut **t).await.map(drop),
        }
    }

    /// Holds the clinic's row until commit (PostgreSQL: `FOR UPDATE`; on SQLite the write lock
    /// `Db::begin_write` took already serialises writers), so that changes decided on the
    /// clinic's whole staff (its first head) are made in turn.
    pub async fn lock_clinic(&mut self) -> Result<bool, sqlx::Error> {
        let sql = match self {
            Tx::Sqlite(_) => "SELECT id FROM clinic WHERE id = 1",
            Tx::Postgres(_) => "SELECT id FROM clinic WHERE id = 1 FOR UPDATE",
        };
        Ok(query(sql).fetch_optional(self).await?.is_some())
    }

    /// Holds the patient's card until commit, so that two bookings for one patient count the
    /// patient's limit in turn. PostgreSQL locks the row (`FOR UPDATE`); on SQLite the write
    /// lock `Db::begin_write` took already serialises them, and reading the card is enough.
    /// False when there is no such card.
    pub async fn lock_card(&mut self, card_id: i64) -> Result<bool, sqlx::Error> {
        let sql = match self {
            Tx::Sqlite(_) => "SELECT id FROM patient_card WHERE id = $1",
            Tx::Postgres(_) => "SELECT id FROM patient_card WHERE id = $1 FOR UPDATE",
        };
        Ok(query(sql).bind(card_id).fetch_optional(self).await?.is_some())
    }
}

/// A value bound to a placeholder. Each carries its type, so that a NULL is typed too.
#[derive(Clone, Debug)]
pub enum Arg {
    I64(Option<i64>),
    I32(Option<i32>),
    Bool(Option<bool>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

/// What can be bound: integers, booleans, text, bytes, their `Option`s and references to them.
pub trait Bind {
    fn arg(self) -> Arg;
}

impl Bind for i64 {
    fn arg(self) -> Arg {
        Arg::I64(Some(self))
    }
}
impl Bind for Option<i64> {
    fn arg(self) -> Arg {
        Arg::I64(self)
    }
}
impl Bind for i32 {
    fn arg(self) -> Arg {
        Arg::I32(Some(self))
    }
}
impl Bind for Option<i32> {
    fn arg(self) -> Arg {
        Arg::I32(self)
    }
}
impl Bind for bool {
    fn arg(self) -> Arg {
        Arg::Bool(Some(self))
    }
}
impl Bind for Option<bool> {
    fn arg(self) -> Arg {
        Arg::Bool(self)
    }
}
impl Bind for String {
    fn arg(self) -> Arg {
        Arg::Text(Some(self))
    }
}
impl Bind for Option<String> {
    fn arg(self) -> Arg {
        Arg::Text(self)
    }
}
impl Bind for &str {
    fn arg(self) -> Arg {
        Arg::Text(Some(self.to_owned()))
    }
}
impl Bind for Option<&str> {
    fn arg(self) -> Arg {
        Arg::Text(self.map(str::to_owned))
    }
}
impl Bind for Vec<u8> {
    fn arg(self) -> Arg {
        Arg::Bytes(Some(self))
    }
}
impl Bind for Option<Vec<u8>> {
    fn arg(self) -> Arg {
        Arg::Bytes(self)
    }
}
impl Bind for &[u8] {
    fn arg(self) -> Arg {
        Arg::Bytes(Some(self.to_vec()))
    }
}
/// `&value` binds a copy of `value`.
impl<T: Bind + Clone> Bind for &T {
    fn arg(self) -> Arg {
        self.clone().arg()
    }
}

/// A statement and its bound values, run with `execute`, `fetch_one`, `fetch_optional` or
/// `fetch_all` on the pool or a transaction.
#[must_use = "a query does nothing until it is run"]
pub struct Query<'q> {
    sql: &'q str,
    args: Vec<Arg>,
}

/// `sql` with `$1`, `$2`, … placeholders.
pub fn query(sql: &str) -> Query<'_> {
    Query { sql, args: Vec::new() }
}

impl<'q> Query<'q> {
    pub fn bind(mut self, value: impl Bind) -> Self {
        self.args.push(value.arg());
        self
    }

    fn sqlite(self) -> sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
        self.args.into_iter().fold(sqlx::query(self.sql), |q, a| match a {
            Arg::I64(v) => q.bind(v),
            Arg::I32(v) => q.bind(v),
            Arg::Bool(v) => q.bind(v),
            Arg::Text(v) => q.bind(v),
            Arg::Bytes(v) => q.bind(v),
        })
    }

    fn postgres(self) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
        self.args.into_iter().fold(sqlx::query(self.sql), |q, a| match a {
            Arg::I64(v) => q.bind(v),
            Arg::I32(v) => q.bind(v),
            Arg::Bool(v) => q.bind(v),
            Arg::Text(v) => q.bind(v),
            Arg::Bytes(v) => q.bind(v),
        })
    }

    pub async fn execute<'c>(self, on: impl On<'c>) -> Result<Done, sqlx::Error> {
        let done = match on.on() {
            Target::SqlitePool(p) => self.sqlite().execute(p).await?.rows_affected(),
            Target::Sqlite(c) => self.sqlite().execute(c).await?.rows_affected(),
            Target::PostgresPool(p) => self.postgres().execute(p).await?.rows_affected(),
            Target::Postgres(c) => self.postgres().execute(c).await?.rows_affected(),
        };
        Ok(Done { rows_affected: done })
    }

    pub async fn fetch_all<'c>(self, on: impl On<'c>) -> Result<Vec<Row>, sqlx::Error> {
        Ok(match on.on() {
            Target::SqlitePool(p) => self.sqlite().fetch_all(p).await?.into_iter().map(Row::Sqlite).collect(),
            Target::Sqlite(c) => self.sqlite().fetch_all(c).await?.into_iter().map(Row::Sqlite).collect(),
            Target::PostgresPool(p) => self.postgres().fetch_all(p).await?.into_iter().map(Row::Postgres).collect(),
            Target::Postgres(c) => self.postgres().fetch_all(c).await?.into_iter().map(Row::Postgres).collect(),
        })
    }

    pub async fn fetch_optional<'c>(self, on: impl On<'c>) -> Result<Option<Row>, sqlx::Error> {
        Ok(match on.on() {
            Target::SqlitePool(p) => self.sqlite().fetch_optional(p).await?.map(Row::Sqlite),
            Target::Sqlite(c) => self.sqlite().fetch_optional(c).await?.map(Row::Sqlite),
            Target::PostgresPool(p) => self.postgres().fetch_optional(p).await?.map(Row::Postgres),
            Target::Postgres(c) => self.postgres().fetch_optional(c).await?.map(Row::Postgres),
        })
    }

    pub async fn fetch_one<'c>(self, on: impl On<'c>) -> Result<Row, sqlx::Error> {
        Ok(match on.on() {
            Target::SqlitePool(p) => Row::Sqlite(self.sqlite().fetch_one(p).await?),
            Target::Sqlite(c) => Row::Sqlite(self.sqlite().fetch_one(c).await?),
            Target::PostgresPool(p) => Row::Postgres(self.postgres().fetch_one(p).await?),
            Target::Postgres(c) => Row::Postgres(self.postgres().fetch_one(c).await?),
        })
    }
}

/// Where a query runs: the pool (each statement on any free connection) or one transaction.
pub enum Target<'c> {
    SqlitePool(&'c SqlitePool),
    Sqlite(&'c mut SqliteConnection),
    PostgresPool(&'c PgPool),
    Postgres(&'c mut PgConnection),
}

/// `&Db` and `&mut Tx`: what a query can run on.
pub trait On<'c> {
    fn on(self) -> Target<'c>;
}

impl<'c> On<'c> for &'c Db {
    fn on(self) -> Target<'c> {
        match self {
            Db::Sqlite(p) => Target::SqlitePool(p),
            Db::Postgres(p) => Target::PostgresPool(p),
        }
    }
}

impl<'c> On<'c> for &'c mut Tx {
    fn on(self) -> Target<'c> {
        match self {
            Tx::Sqlite(t) => Target::Sqlite(t),
            Tx::Postgres(t) => Target::Postgres(t),
        }
    }
}

/// A type a column can be read as, on either backend.
pub trait Column: Sized {
    fn sqlite(row: &SqliteRow, column: &str) -> Result<Self, sqlx::Error>;
    fn postgres(row: &PgRow, column: &str) -> Result<Self, sqlx::Error>;
}

impl<T> Column for T
where
    T: for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>,
{
    fn sqlite(row: &SqliteRow, column: &str) -> Result<Self, sqlx::Error> {
        row.try_get(column)
    }
    fn postgres(row: &PgRow, column: &str) -> Result<Self, sqlx::Error> {
        row.try_get(column)
    }
}

impl Row {
    /// The value of `column` as `T`; an error when the column is missing or of another type.
    pub fn try_get<T: Column, C: AsRef<str>>(&self, column: C) -> Result<T, sqlx::Error> {
        match self {
            Row::Sqlite(r) => T::sqlite(r, column.as_ref()),
            Row::Postgres(r) => T::postgres(r, column.as_ref()),
        }
    }
}
