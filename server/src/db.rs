//! Storage: the `Store` interface (defined in `app::platform::store`, one trait per feature)
//! implemented once, in plain code, by `SqlStore` — one file per feature in this folder. The
//! SQL is the same for SQLite and PostgreSQL; `sql` runs it on whichever the database URL
//! names and holds the few places where the two differ. Migrations are per backend
//! (`migrations/sqlite`, `migrations/postgres`), since their schema types differ.

mod audit;
mod base;
mod booking;
mod clinic;
mod documents;
mod messages;
mod migrate;
mod news;
mod notifications;
mod onboarding;
mod outbox;
mod prices;
mod record;
mod schedule;
mod security;
mod seed;
mod sessions;
pub mod sql;
mod throttle;

use anyhow::Context;
use app::platform::store::Store;
use std::sync::Arc;

/// The backend a database URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            anyhow::bail!("KABINET_DATABASE_URL must start with sqlite: or postgres://")
        }
    }
}

/// The store on either backend.
pub struct SqlStore {
    pub(crate) db: sql::Db,
}

impl SqlStore {
    /// Connects and applies pending migrations.
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        let what = match Backend::of_url(url)? {
            Backend::Sqlite => "opening SQLite",
            Backend::Postgres => "opening PostgreSQL",
        };
        let db = sql::Db::open(url).await.context(what)?;
        migrate::apply(&db).await.context(what)?;
        prices::fill_search_text(&db).await.map_err(|e| anyhow::anyhow!("{e:?}")).context(what)?;
        Ok(Self { db })
    }
}

/// Connects and applies pending migrations.
pub async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    Ok(Arc::new(SqlStore::open(url).await?))
}

fn db_err(e: sqlx::Error) -> app::platform::store::StoreError {
    app::platform::store::StoreError::Database(e.to_string())
}

fn parse_date(s: &str) -> Result<time::Date, app::platform::store::StoreError> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|e| app::platform::store::StoreError::Corrupt(format!("date: {e}")))
}

/// `value` of `column` as one of the domain's enums (`parse`); a value the domain does not know
/// is `Corrupt`. The row functions of each store read their enums through this.
fn known<T>(
    column: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, app::platform::store::StoreError> {
    parse(value).ok_or_else(|| app::platform::store::StoreError::Corrupt(format!("{column} {value:?}")))
}

fn format_date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}
