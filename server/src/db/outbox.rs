//! `OutboxStore`: queued e-mail and SMS, leased by the delivery worker.

use super::base::*;
use super::sql::query;
use super::SqlStore;
use crate::db::db_err;
use app::platform::store::*;
use async_trait::async_trait;

#[async_trait]
impl OutboxStore for SqlStore {
    async fn outbox_enqueue(&self, mail: NewMail, now: i64) -> StoreResult<i64> {
        let (body, after_send) = app::kernel::outbox::split_secrets(&mail.body);
        query(
            "INSERT INTO outbox (channel, recipient, subject, body, body_after_send, created_at, next_attempt_at)
             VALUES ('email', $1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(&mail.recipient)
        .bind(&mail.subject)
        .bind(body)
        .bind(after_send)
        .bind(now)
        .fetch_one(&self.db)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_err)
    }

    async fn outbox_lease_due(
        &self,
        channel: Channel,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMail>> {
        // One statement: two workers never lease the same row. The lease's conditions are
        // repeated outside the subquery: PostgreSQL, when a second worker's update waits for the
        // first's, checks the outer conditions again on the row the first left (not the
        // subquery's), so the second skips a row the first leased.
        query(&format!(
            "UPDATE outbox SET leased_until = $2, attempts = attempts + 1
             WHERE id IN (
                 SELECT id FROM outbox
                 WHERE sent_at IS NULL AND next_attempt_at <= $1 AND channel = $4
                   AND (leased_until IS NULL OR leased_until <= $1)
                 ORDER BY next_attempt_at, id LIMIT $3)
               AND sent_at IS NULL AND (leased_until IS NULL OR leased_until <= $1)
             RETURNING {OUTBOX_COLUMNS}"
        ))
        .bind(now)
        .bind(lease_until)
        .bind(limit)
        .bind(channel.as_str())
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(outbox_mail)
        .collect()
    }

    async fn outbox_mark_sent(&self, id: i64, now: i64, keep_secrets: bool) -> StoreResult<()> {
        let sql = if keep_secrets {
            "UPDATE outbox SET sent_at = $2, leased_until = NULL, last_error = NULL WHERE id = $1"
        } else {
            "UPDATE outbox SET sent_at = $2, leased_until = NULL, last_error = NULL,
                 body = COALESCE(body_after_send, body), body_after_send = NULL
             WHERE id = $1"
        };
        query(sql).bind(id).bind(now).execute(&self.db).await.map_err(db_err)?;
        Ok(())
    }

    async fn outbox_mark_failed(&self, id: i64, next_attempt_at: i64, error: &str) -> StoreResult<()> {
        query(
            "UPDATE outbox SET next_attempt_at = $2, leased_until = NULL, last_error = $3
             WHERE id = $1 AND sent_at IS NULL",
        )
        .bind(id)
        .bind(next_attempt_at)
        .bind(error)
        .execute(&self.db)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn outbox_recent(&self, limit: i64) -> StoreResult<Vec<OutboxMail>> {
        query(&format!("SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY id DESC LIMIT $1"))
            .bind(limit)
            .fetch_all(&self.db)
            .await
            .map_err(db_err)?
            .iter()
            .map(outbox_mail)
            .collect()
    }
}
