//! Storage: one `Store` interface (defined in `app::server::store`) with a SQLite and a
//! PostgreSQL implementation, chosen by the database URL's scheme. Most SQL is the same for
//! both (`$1` placeholders work in each), so it is written once in `store_impl` and expanded
//! for each backend; what differs (connection set-up, migrations, schema types) is per backend.

// Macros first: the backend modules below expand them.
#[macro_use]
mod store_impl;
#[macro_use]
mod onboarding_impl;
#[macro_use]
mod security_impl;
#[macro_use]
mod booking_impl;
#[macro_use]
mod record_impl;
#[macro_use]
mod document_impl;
mod migrate;
pub mod postgres;
pub mod sqlite;

use anyhow::Context;
use app::server::Store;
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

/// Connects and applies pending migrations.
pub async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match Backend::of_url(url)? {
        Backend::Sqlite => Arc::new(sqlite::SqliteStore::open(url).await.context("opening SQLite")?),
        Backend::Postgres => Arc::new(postgres::PgStore::open(url).await.context("opening PostgreSQL")?),
    })
}

fn db_err(e: sqlx::Error) -> app::server::StoreError {
    app::server::StoreError::Database(e.to_string())
}

fn parse_date(s: &str) -> Result<time::Date, app::server::StoreError> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|e| app::server::StoreError::Corrupt(format!("date: {e}")))
}

/// `value` of `column` as one of the domain's enums (`parse`); a value the domain does not know
/// is `Corrupt`. The row functions of each store read their enums through this.
fn known<T>(column: &str, value: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T, app::server::StoreError> {
    parse(value).ok_or_else(|| app::server::StoreError::Corrupt(format!("{column} {value:?}")))
}

fn format_date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}
