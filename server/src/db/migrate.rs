//! Migrations: numbered SQL files per backend, embedded in the binary, applied in order inside
//! one transaction each, and recorded in `schema_migrations`. Applied at start and by
//! `kabinet migrate`.

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

macro_rules! apply_migrations {
    ($pool:expr, $list:expr) => {{
        use sqlx::Row as _;
        sqlx::query($crate::db::migrate::CREATE_TABLE).execute($pool).await?;
        let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
            .fetch_all($pool)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>("version"))
            .collect::<Result<_, _>>()?;
        let mut count = 0usize;
        for m in $list.iter().filter(|m| !applied.contains(&m.version)) {
            let mut tx = $pool.begin().await?;
            sqlx::raw_sql(m.sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(m.version)
                .bind(m.name)
                .bind(time::OffsetDateTime::now_utc().unix_timestamp())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            tracing::info!(version = m.version, name = m.name, "migration applied");
            count += 1;
        }
        Ok::<usize, sqlx::Error>(count)
    }};
}
pub(crate) use apply_migrations;
