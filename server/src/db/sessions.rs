//! `SessionStore`: sign-in records and sessions.

use super::base::*;
use super::sql::query;
use super::SqlStore;
use crate::db::db_err;
use app::kernel::account::{Role, Roles};
use app::kernel::email::Email;
use app::platform::store::*;
use async_trait::async_trait;

#[async_trait]
impl SessionStore for SqlStore {
    async fn sign_in_record(&self, email: &Email) -> StoreResult<Option<SignInRecord>> {
        let row = query(
            "SELECT id, password_hash, card_id, totp_secret, staff_id FROM account
             WHERE email = $1 AND disabled_at IS NULL AND password_hash IS NOT NULL",
        )
        .bind(email.as_str())
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        row.map(|r| {
            Ok(SignInRecord {
                account_id: r.try_get("id")?,
                password_hash: r.try_get("password_hash")?,
                own_card_id: r.try_get("card_id")?,
                totp_enabled: r.try_get::<Option<String>, _>("totp_secret")?.is_some(),
                is_staff: r.try_get::<Option<i64>, _>("staff_id")?.is_some(),
            })
        })
        .transpose()
        .map_err(db_err)
    }

    async fn create_session(&self, s: NewSession) -> StoreResult<()> {
        query(
            "INSERT INTO session (token_hash, account_id, active_card_id, created_at, last_seen_at, expires_at,
                 origin, user_agent)
             VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
        )
        .bind(&s.token_hash)
        .bind(s.account_id)
        .bind(s.active_card_id)
        .bind(s.now)
        .bind(s.expires_at)
        .bind(&s.origin)
        .bind(&s.user_agent)
        .execute(&self.db)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: i64, idle_cutoff: i64) -> StoreResult<Option<SessionRecord>> {
        let row = query(
            "SELECT s.id, s.account_id, s.active_card_id, s.last_seen_at, a.card_id, a.totp_secret,
                    (SELECT c.staff_totp_required FROM clinic c WHERE c.id = 1) AS staff_totp_required
             FROM session s JOIN account a ON a.id = s.account_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3
               AND a.disabled_at IS NULL",
        )
        .bind(token_hash)
        .bind(now)
        .bind(idle_cutoff)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        let Some(r) = row else { return Ok(None) };
        let session_id: i64 = r.try_get("id").map_err(db_err)?;
        let account_id: i64 = r.try_get("account_id").map_err(db_err)?;
        let last_seen: i64 = r.try_get("last_seen_at").map_err(db_err)?;
        let totp_enabled = r.try_get::<Option<String>, _>("totp_secret").map_err(db_err)?.is_some();
        let staff_totp_required = r.try_get::<Option<bool>, _>("staff_totp_required").map_err(db_err)?.unwrap_or(true);
        let roles = query(
            "SELECT r.role FROM staff_role r JOIN account a ON a.staff_id = r.staff_id
             WHERE a.id = $1 ORDER BY r.role",
        )
        .bind(account_id)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| known(r, "role", Role::parse))
        .collect::<StoreResult<_>>()?;
        // Refresh the idle timer at most once a minute: reads stay reads.
        if now - last_seen >= 60 {
            query("UPDATE session SET last_seen_at = $2 WHERE id = $1")
                .bind(session_id)
                .bind(now)
                .execute(&self.db)
                .await
                .map_err(db_err)?;
        }
        Ok(Some(SessionRecord {
            session_id,
            account_id,
            own_card_id: r.try_get("card_id").map_err(db_err)?,
            active_card_id: r.try_get("active_card_id").map_err(db_err)?,
            roles: Roles(roles),
            totp_enabled,
            staff_totp_required,
        }))
    }

    async fn delete_session(&self, session_id: i64) -> StoreResult<()> {
        query("DELETE FROM session WHERE id = $1").bind(session_id).execute(&self.db).await.map_err(db_err)?;
        Ok(())
    }

    async fn set_active_card(&self, session_id: i64, card_id: i64) -> StoreResult<()> {
        query("UPDATE session SET active_card_id = $2 WHERE id = $1")
            .bind(session_id)
            .bind(card_id)
            .execute(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn account_overview(&self, account_id: i64) -> StoreResult<AccountOverview> {
        let staff_name = query(
            "SELECT s.surname, s.name, s.patronymic FROM staff s JOIN account a ON a.staff_id = s.id
             WHERE a.id = $1",
        )
        .bind(account_id)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?
        .map(|r| -> Result<String, sqlx::Error> {
            let (s, n, p): (String, String, String) =
                (r.try_get("surname")?, r.try_get("name")?, r.try_get("patronymic")?);
            Ok(format!("{n} {p} {s}").split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .transpose()
        .map_err(db_err)?;
        let own_card = query(&format!(
            "SELECT {CARD_COLUMNS} FROM patient_card c JOIN account a ON a.card_id = c.id WHERE a.id = $1"
        ))
        .bind(account_id)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?
        .map(|r| card_brief(&r))
        .transpose()?;
        let wards = query(&format!(
            "SELECT {CARD_COLUMNS} FROM patient_card c
             JOIN guardianship g ON g.ward_card_id = c.id
             JOIN account a ON a.card_id = g.guardian_card_id
             WHERE a.id = $1 AND g.revoked_at IS NULL
             ORDER BY c.birth_date, c.id"
        ))
        .bind(account_id)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(card_brief)
        .collect::<StoreResult<Vec<_>>>()?;
        Ok(AccountOverview { staff_name, own_card, wards })
    }
}
