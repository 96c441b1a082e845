//! Migrations: numbered SQL files per backend, embedded in the binary, applied in order inside
//! one transaction each, and recorded in `schema_migrations`. Applied at start and by
//! `kabinet migrate`.

use super::sql::{query, Db};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const SQLITE: &[Migration] = &[
    Migration { version: 1, name: "init", sql: include_str!("../../migrations/sqlite/0001_init.sql") },
    Migration { version: 2, name: "outbox", sql: include_str!("../../migrations/sqlite/0002_outbox.sql") },
    Migration { version: 3, name: "onboarding", sql: include_str!("../../migrations/sqlite/0003_onboarding.sql") },
    Migration {
        version: 4,
        name: "second_factor",
        sql: include_str!("../../migrations/sqlite/0004_second_factor.sql"),
    },
    Migration { version: 5, name: "attach_code", sql: include_str!("../../migrations/sqlite/0005_attach_code.sql") },
    Migration { version: 6, name: "booking", sql: include_str!("../../migrations/sqlite/0006_booking.sql") },
    Migration {
        version: 7,
        name: "medical_record",
        sql: include_str!("../../migrations/sqlite/0007_medical_record.sql"),
    },
    Migration { version: 8, name: "documents", sql: include_str!("../../migrations/sqlite/0008_documents.sql") },
    Migration { version: 9, name: "wards", sql: include_str!("../../migrations/sqlite/0009_wards.sql") },
    Migration {
        version: 10,
        name: "outbox_secrets",
        sql: include_str!("../../migrations/sqlite/0010_outbox_secrets.sql"),
    },
];

pub const POSTGRES: &[Migration] = &[
    Migration { version: 1, name: "init", sql: include_str!("../../migrations/postgres/0001_init.sql") },
    Migration { version: 2, name: "outbox", sql: include_str!("../../migrations/postgres/0002_outbox.sql") },
    Migration { version: 3, name: "onboarding", sql: include_str!("../../migrations/postgres/0003_onboarding.sql") },
    Migration {
        version: 4,
        name: "second_factor",
        sql: include_str!("../../migrations/postgres/0004_second_factor.sql"),
    },
    Migration { version: 5, name: "attach_code", sql: include_str!("../../migrations/postgres/0005_attach_code.sql") },
    Migration { version: 6, name: "booking", sql: include_str!("../../migrations/postgres/0006_booking.sql") },
    Migration {
        version: 7,
        name: "medical_record",
        sql: include_str!("../../migrations/postgres/0007_medical_record.sql"),
    },
    Migration { version: 8, name: "documents", sql: include_str!("../../migrations/postgres/0008_documents.sql") },
    Migration { version: 9, name: "wards", sql: include_str!("../../migrations/postgres/0009_wards.sql") },
    Migration {
        version: 10,
        name: "outbox_secrets",
        sql: include_str!("../../migrations/postgres/0010_outbox_secrets.sql"),
    },
];

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
