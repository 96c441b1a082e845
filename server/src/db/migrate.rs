//! Migrations: numbered SQL files per backend (`server/migrations/<backend>/NNNN_name.sql`,
//! found by `build.rs`), embedded in the binary, applied in order inside
//! one transaction each, and recorded in `schema_migrations`. Applied at start and by
//! `kabinet migrate`.

use super::sql::{query, Db};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

// `SQLITE` and `POSTGRES`: every file of `migrations/sqlite` and `migrations/postgres`, in
// version order, listed by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

pub const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)";

/// Applies the backend's pending migrations, each in its own transaction; returns how many ran.
pub async fn apply(db: &Db) -> Result<usize, sqlx::Error> {
    let list = if db.is_postgres() { POSTGRES } else { SQLITE };
    db.migration_lock(async {
        query(CREATE_TABLE).execute(db).await?;
        let applied: Vec<i64> = query("SELECT version FROM schema_migrations")
            .fetch_all(db)
            .await?
            .iter()
            .map(|r| r.try_get("version"))
            .collect::<Result<_, _>>()?;
        let mut count = 0usize;
        for m in list.iter().filter(|m| !applied.contains(&m.version)) {
            let mut tx = db.begin().await?;
            tx.execute_script(m.sql).await?;
            query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(m.version)
                .bind(m.name)
                .bind(time::OffsetDateTime::now_utc().unix_timestamp())
                .execute(&mut tx)
                .await?;
            tx.commit().await?;
            tracing::info!(version = m.version, name = m.name, "migration applied");
            count += 1;
        }
        Ok(count)
    })
    .await
}
