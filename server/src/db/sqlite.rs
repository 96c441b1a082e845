//! SQLite: the embedded default. One file under the data directory, WAL journal, a busy
//! timeout so that writers queue instead of failing, and foreign keys on.

use super::migrate::{apply_migrations, SQLITE};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    pub async fn open(url: &str) -> anyhow::Result<Self> {
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
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations; returns how many ran.
    pub async fn migrate(&self) -> Result<usize, sqlx::Error> {
        apply_migrations!(&self.pool, SQLITE)
    }

    /// A transaction that holds the write lock from its first statement, so that what it reads
    /// stays true until it commits (SQLite has one writer; a deferred transaction that reads
    /// first could fail to upgrade).
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }
}

/// The write lock of `begin_write` already serialises bookings; reading the card is enough.
const LOCK_CARD: &str = "SELECT id FROM patient_card WHERE id = $1";

store_impl!(SqliteStore, Sqlite);
onboarding_impl!(SqliteStore, Sqlite);
security_impl!(SqliteStore, Sqlite);
booking_impl!(SqliteStore, Sqlite);
record_impl!(SqliteStore, Sqlite);
document_impl!(SqliteStore, Sqlite);
