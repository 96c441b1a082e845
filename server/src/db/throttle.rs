//! `ThrottleStore`: failure counts and locks per key.

use super::sql::query;
use super::SqlStore;
use crate::db::db_err;
use app::platform::store::*;
use async_trait::async_trait;

#[async_trait]
impl ThrottleStore for SqlStore {
    async fn throttle_locked_until(&self, key: &str, now: i64) -> StoreResult<Option<i64>> {
        let until: Option<i64> = query("SELECT locked_until FROM throttle WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?
            .map(|r| r.try_get("locked_until"))
            .transpose()
            .map_err(db_err)?;
        Ok(until.filter(|u| *u > now))
    }

    async fn throttle_failure(
        &self,
        key: &str,
        now: i64,
        window: i64,
        limit: i64,
        lockout: i64,
    ) -> StoreResult<Option<i64>> {
        // One statement, so concurrent failures are all counted.
        let row = query(
            "INSERT INTO throttle (key, window_start, failures, locked_until)
             VALUES ($1, $2, 1, CASE WHEN 1 >= $4 THEN $2 + $5 ELSE 0 END)
             ON CONFLICT (key) DO UPDATE SET
               failures = CASE WHEN throttle.window_start <= $2 - $3 THEN 1 ELSE throttle.failures + 1 END,
               window_start = CASE WHEN throttle.window_start <= $2 - $3 THEN $2 ELSE throttle.window_start END,
               locked_until = CASE
                 WHEN (CASE WHEN throttle.window_start <= $2 - $3 THEN 1 ELSE throttle.failures + 1 END) >= $4
                 THEN $2 + $5 ELSE throttle.locked_until END
             RETURNING locked_until",
        )
        .bind(key)
        .bind(now)
        .bind(window)
        .bind(limit)
        .bind(lockout)
        .fetch_one(&self.db)
        .await
        .map_err(db_err)?;
        let until: i64 = row.try_get("locked_until").map_err(db_err)?;
        Ok(Some(until).filter(|u| *u > now))
    }

    async fn throttle_count(&self, key: &str, now: i64, window: i64) -> StoreResult<i64> {
        // One statement, so concurrent failures are all counted.
        query(
            "INSERT INTO throttle (key, window_start, failures, locked_until) VALUES ($1, $2, 1, 0)
             ON CONFLICT (key) DO UPDATE SET
               failures = CASE WHEN throttle.window_start <= $2 - $3 THEN 1 ELSE throttle.failures + 1 END,
               window_start = CASE WHEN throttle.window_start <= $2 - $3 THEN $2 ELSE throttle.window_start END
             RETURNING failures",
        )
        .bind(key)
        .bind(now)
        .bind(window)
        .fetch_one(&self.db)
        .await
        .and_then(|r| r.try_get("failures"))
        .map_err(db_err)
    }

    async fn throttle_lock(&self, key: &str, until: i64) -> StoreResult<()> {
        query("UPDATE throttle SET locked_until = $2 WHERE key = $1 AND locked_until < $2")
            .bind(key)
            .bind(until)
            .execute(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn throttle_clear(&self, key: &str) -> StoreResult<()> {
        query("DELETE FROM throttle WHERE key = $1").bind(key).execute(&self.db).await.map_err(db_err)?;
        Ok(())
    }
}
