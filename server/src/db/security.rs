//! `SecurityStore`: passwords, the second factor, e-mail changes and security notices.

use super::base::*;
use super::sql::query;
use super::SqlStore;
use crate::db::db_err;
use app::features::security::store::*;
use app::kernel::account::ActorRole;
use app::platform::store::Channel;
use app::platform::store::{AuditEntry, NewMail, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl SecurityStore for SqlStore {
    async fn totp_state(&self, account_id: i64) -> StoreResult<Option<TotpState>> {
        let row = query(
            "SELECT email, totp_secret, totp_pending_secret, totp_last_step,
                    (SELECT COUNT(*) FROM recovery_code r WHERE r.account_id = a.id AND r.used_at IS NULL) AS left_codes
             FROM account a WHERE a.id = $1",
        )
        .bind(account_id)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        row.map(|r| {
            Ok(TotpState {
                email: r.try_get("email")?,
                secret: r.try_get("totp_secret")?,
                pending_secret: r.try_get("totp_pending_secret")?,
                last_step: r.try_get("totp_last_step")?,
                recovery_codes_left: r.try_get("left_codes")?,
            })
        })
        .transpose()
        .map_err(db_err)
    }

    async fn totp_secrets_all(&self) -> StoreResult<Vec<StoredTotpSecrets>> {
        query(
            "SELECT id, totp_secret, totp_pending_secret FROM account
             WHERE totp_secret IS NOT NULL OR totp_pending_secret IS NOT NULL ORDER BY id",
        )
        .fetch_all(&self.db)
        .await
        .and_then(|rows| {
            rows.iter()
                .map(|r| {
                    Ok(StoredTotpSecrets {
                        account_id: r.try_get("id")?,
                        secret: r.try_get("totp_secret")?,
                        pending_secret: r.try_get("totp_pending_secret")?,
                    })
                })
                .collect()
        })
        .map_err(db_err)
    }

    async fn totp_secret_replace(&self, account_id: i64, pending: bool, old: &str, new: &str) -> StoreResult<bool> {
        let sql = if pending {
            "UPDATE account SET totp_pending_secret = $3 WHERE id = $1 AND totp_pending_secret = $2"
        } else {
            "UPDATE account SET totp_secret = $3 WHERE id = $1 AND totp_secret = $2"
        };
        let changed =
            query(sql).bind(account_id).bind(old).bind(new).execute(&self.db).await.map_err(db_err)?.rows_affected();
        Ok(changed == 1)
    }

    async fn totp_begin(&self, account_id: i64, pending_secret: &str) -> StoreResult<()> {
        query("UPDATE account SET totp_pending_secret = $2 WHERE id = $1")
            .bind(account_id)
            .bind(pending_secret)
            .execute(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn totp_enable(
        &self,
        account_id: i64,
        step: i64,
        recovery_hashes: &[String],
        notice: NewMail,
        audit: AuditEntry,
        now: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let done = query(
            "UPDATE account SET totp_secret = totp_pending_secret, totp_pending_secret = NULL,
                 totp_last_step = $2
             WHERE id = $1 AND totp_pending_secret IS NOT NULL",
        )
        .bind(account_id)
        .bind(step)
        .execute(&mut tx)
        .await
        .map_err(db_err)?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        query("DELETE FROM recovery_code WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        for hash in recovery_hashes {
            query("INSERT INTO recovery_code (account_id, code_hash) VALUES ($1, $2)")
                .bind(account_id)
                .bind(hash)
                .execute(&mut tx)
                .await
                .map_err(db_err)?;
        }
        enqueue_in(&mut tx, Channel::Email, &notice, now).await?;
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn totp_disable(&self, account_id: i64, notice: NewMail, audit: AuditEntry, now: i64) -> StoreResult<()> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        query(
            "UPDATE account SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL
             WHERE id = $1",
        )
        .bind(account_id)
        .execute(&mut tx)
        .await
        .map_err(db_err)?;
        query("DELETE FROM recovery_code WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        enqueue_in(&mut tx, Channel::Email, &notice, now).await?;
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn totp_accept_step(&self, account_id: i64, step: i64) -> StoreResult<bool> {
        let done = query(
            "UPDATE account SET totp_last_step = $2
             WHERE id = $1 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2)",
        )
        .bind(account_id)
        .bind(step)
        .execute(&self.db)
        .await
        .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn recovery_code_use(&self, account_id: i64, code_hash: &str, now: i64) -> StoreResult<bool> {
        let done = query(
            "UPDATE recovery_code SET used_at = $3
             WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL",
        )
        .bind(account_id)
        .bind(code_hash)
        .bind(now)
        .execute(&self.db)
        .await
        .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn recovery_reveal_put(&self, session_id: i64, codes: &str, expires_at: i64) -> StoreResult<()> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        query("DELETE FROM recovery_reveal WHERE session_id = $1")
            .bind(session_id)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        query("INSERT INTO recovery_reveal (session_id, codes, expires_at) VALUES ($1, $2, $3)")
            .bind(session_id)
            .bind(codes)
            .bind(expires_at)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn recovery_reveal_get(&self, session_id: i64, now: i64) -> StoreResult<Option<String>> {
        // Expired reveals are removed on the way.
        query("DELETE FROM recovery_reveal WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.db)
            .await
            .map_err(db_err)?;
        query("SELECT codes FROM recovery_reveal WHERE session_id = $1")
            .bind(session_id)
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?
            .map(|r| r.try_get("codes"))
            .transpose()
            .map_err(db_err)
    }

    async fn recovery_reveal_clear(&self, session_id: i64) -> StoreResult<()> {
        query("DELETE FROM recovery_reveal WHERE session_id = $1")
            .bind(session_id)
            .execute(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn pending_sign_in_create(
        &self,
        token_hash: &str,
        account_id: i64,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        query("INSERT INTO pending_sign_in (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(account_id)
            .bind(now)
            .bind(expires_at)
            .execute(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn pending_sign_in_get(&self, token_hash: &str, now: i64) -> StoreResult<Option<PendingSignIn>> {
        let row = query(
            "SELECT p.id, p.account_id, p.failures, a.card_id FROM pending_sign_in p
             JOIN account a ON a.id = p.account_id
             WHERE p.token_hash = $1 AND p.expires_at > $2 AND a.disabled_at IS NULL",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        row.map(|r| {
            Ok(PendingSignIn {
                id: r.try_get("id")?,
                account_id: r.try_get("account_id")?,
                own_card_id: r.try_get("card_id")?,
                failures: r.try_get("failures")?,
            })
        })
        .transpose()
        .map_err(db_err)
    }

    async fn pending_sign_in_failed(&self, id: i64, max: i64) -> StoreResult<i64> {
        let failures: i64 =
            query("UPDATE pending_sign_in SET failures = failures + 1 WHERE id = $1 RETURNING failures")
                .bind(id)
                .fetch_optional(&self.db)
                .await
                .map_err(db_err)?
                .map(|r| r.try_get("failures"))
                .transpose()
                .map_err(db_err)?
                .unwrap_or(max);
        if failures >= max {
            self.pending_sign_in_delete(id).await?;
        }
        Ok(failures)
    }

    async fn pending_sign_in_delete(&self, id: i64) -> StoreResult<()> {
        query("DELETE FROM pending_sign_in WHERE id = $1").bind(id).execute(&self.db).await.map_err(db_err)?;
        Ok(())
    }

    async fn staff_totp_required(&self) -> StoreResult<bool> {
        Ok(query("SELECT staff_totp_required FROM clinic WHERE id = 1")
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?
            .map(|r| r.try_get::<bool, _>("staff_totp_required"))
            .transpose()
            .map_err(db_err)?
            .unwrap_or(true))
    }

    async fn set_staff_totp_required(&self, required: bool, audit: AuditEntry) -> StoreResult<()> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        query("UPDATE clinic SET staff_totp_required = $1 WHERE id = 1")
            .bind(required)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn account_password_hash(&self, account_id: i64) -> StoreResult<Option<String>> {
        Ok(query("SELECT password_hash FROM account WHERE id = $1")
            .bind(account_id)
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?
            .map(|r| r.try_get::<Option<String>, _>("password_hash"))
            .transpose()
            .map_err(db_err)?
            .flatten())
    }

    async fn account_password_change(
        &self,
        account_id: i64,
        password_hash: &str,
        keep_session: i64,
        notice: NewMail,
        audit: AuditEntry,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        query("UPDATE account SET password_hash = $2 WHERE id = $1")
            .bind(account_id)
            .bind(password_hash)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        query("DELETE FROM session WHERE account_id = $1 AND id <> $2")
            .bind(account_id)
            .bind(keep_session)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        enqueue_in(&mut tx, Channel::Email, &notice, now).await?;
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn account_email_change(
        &self,
        account_id: i64,
        new_email: &str,
        notices: &[NewMail],
        audit: AuditEntry,
        now: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let taken = query("SELECT id FROM account WHERE email = $1 AND id <> $2")
            .bind(new_email)
            .bind(account_id)
            .fetch_optional(&mut tx)
            .await
            .map_err(db_err)?
            .is_some();
        if taken {
            return Ok(false);
        }
        query("UPDATE account SET email = $2 WHERE id = $1")
            .bind(account_id)
            .bind(new_email)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        for n in notices {
            enqueue_in(&mut tx, Channel::Email, n, now).await?;
        }
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn sessions_of(&self, account_id: i64, now: i64, idle_cutoff: i64) -> StoreResult<Vec<SessionInfo>> {
        let rows = query(
            "SELECT id, created_at, last_seen_at, origin, user_agent FROM session
             WHERE account_id = $1 AND expires_at > $2 AND last_seen_at > $3
             ORDER BY last_seen_at DESC, id DESC",
        )
        .bind(account_id)
        .bind(now)
        .bind(idle_cutoff)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(SessionInfo {
                    id: r.try_get("id")?,
                    created_at: r.try_get("created_at")?,
                    last_seen_at: r.try_get("last_seen_at")?,
                    origin: r.try_get("origin")?,
                    user_agent: r.try_get("user_agent")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_err)
    }

    async fn session_end(&self, account_id: i64, session_id: i64) -> StoreResult<bool> {
        let done = query("DELETE FROM session WHERE id = $1 AND account_id = $2")
            .bind(session_id)
            .bind(account_id)
            .execute(&self.db)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn sessions_end_all(&self, account_id: i64, except: Option<i64>) -> StoreResult<u64> {
        let done = query("DELETE FROM session WHERE account_id = $1 AND id <> $2")
            .bind(account_id)
            .bind(except.unwrap_or(-1))
            .execute(&self.db)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected())
    }

    async fn access_journal(&self, card_id: i64, limit: i64) -> StoreResult<Vec<JournalLine>> {
        let rows = query(
            "SELECT l.at, l.actor_role, l.action, l.origin, l.object, s.surname, s.name, s.patronymic
             FROM audit_log l
             LEFT JOIN account a ON a.id = l.actor_account_id
             LEFT JOIN staff s ON s.id = a.staff_id
             WHERE l.card_id = $1
             ORDER BY l.at DESC, l.id DESC LIMIT $2",
        )
        .bind(card_id)
        .bind(limit)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let surname: Option<String> = r.try_get("surname").map_err(db_err)?;
                let name: Option<String> = r.try_get("name").map_err(db_err)?;
                let patronymic: Option<String> = r.try_get("patronymic").map_err(db_err)?;
                Ok(JournalLine {
                    at: r.try_get("at").map_err(db_err)?,
                    actor_role: known(r, "actor_role", ActorRole::parse)?,
                    actor_staff_name: surname.map(|s| {
                        [Some(s), name, patronymic.filter(|p| !p.is_empty())]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" ")
                    }),
                    action: r.try_get("action").map_err(db_err)?,
                    origin: r.try_get("origin").map_err(db_err)?,
                    object: r.try_get("object").map_err(db_err)?,
                })
            })
            .collect()
    }
}
