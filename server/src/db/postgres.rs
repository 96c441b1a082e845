//! PostgreSQL: the scale-out backend, for several stateless replicas in front of one database.

use super::migrate::{apply_migrations, POSTGRES};
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres};
use std::time::Duration;

pub struct PgStore {
    pub(crate) pool: PgPool,
}

impl PgStore {
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        let pool =
            PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect(url).await?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations; returns how many ran. A lock keeps two replicas starting
    /// at once from racing.
    pub async fn migrate(&self) -> Result<usize, sqlx::Error> {
        let mut lock = self.pool.acquire().await?;
        sqlx::query("SELECT pg_advisory_lock(7204221)").execute(&mut *lock).await?;
        let result = apply_migrations!(&self.pool, POSTGRES);
        sqlx::query("SELECT pg_advisory_unlock(7204221)").execute(&mut *lock).await?;
        result
    }

    /// Booking transactions: the slot's unique index settles races on a time; `LOCK_CARD`
    /// settles races on one patient's limit.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Postgres>, sqlx::Error> {
        self.pool.begin().await
    }
}

/// Holds the patient's card row until commit, so two bookings of one patient count in turn.
const LOCK_CARD: &str = "SELECT id FROM patient_card WHERE id = $1 FOR UPDATE";

store_impl!(PgStore, Postgres);
onboarding_impl!(PgStore, Postgres);
security_impl!(PgStore, Postgres);
booking_impl!(PgStore, Postgres);
record_impl!(PgStore, Postgres);
document_impl!(PgStore, Postgres);
