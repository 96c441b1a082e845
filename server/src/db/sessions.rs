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
        self.load_session(token_hash, now, idle_cutoff, true).await
    }

    async fn session_peek(&self, token_hash: &str, now: i64, idle_cutoff: i64) -> StoreResult<Option<SessionRecord>> {
        self.load_session(token_hash, now, idle_cutoff, false).await
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
        // One read for every page's header: the staff record (part 0), the own card (1) and the
        // wards (2), in the order the profile switcher lists them.
        let rows = query(
            "SELECT CAST(0 AS BIGINT) AS part, st.id AS id, st.surname AS surname, st.name AS name,
                    st.patronymic AS patronymic, NULL AS birth_date, NULL AS incapacitated
               FROM staff st JOIN account a ON a.staff_id = st.id WHERE a.id = $1
             UNION ALL
             SELECT CAST(1 AS BIGINT) AS part, c.id, c.surname, c.name, c.patronymic, c.birth_date, c.incapacitated
               FROM patient_card c JOIN account a ON a.card_id = c.id WHERE a.id = $1
             UNION ALL
             SELECT CAST(2 AS BIGINT) AS part, c.id, c.surname, c.name, c.patronymic, c.birth_date, c.incapacitated
               FROM patient_card c
               JOIN guardianship g ON g.ward_card_id = c.id
               JOIN account a ON a.card_id = g.guardian_card_id
              WHERE a.id = $1 AND g.revoked_at IS NULL
             ORDER BY part, birth_date, id",
        )
        .bind(account_id)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        let mut overview = AccountOverview { staff_name: None, own_card: None, wards: Vec::new() };
        for r in &rows {
            match r.try_get::<i64, _>("part").map_err(db_err)? {
                0 => {
                    let (s, n, p): (String, String, Option<String>) = (
                        r.try_get("surname").map_err(db_err)?,
                        r.try_get("name").map_err(db_err)?,
                        r.try_get("patronymic").map_err(db_err)?,
                    );
                    let full = format!("{n} {} {s}", p.unwrap_or_default());
                    overview.staff_name = Some(full.split_whitespace().collect::<Vec<_>>().join(" "));
                }
                1 => overview.own_card = Some(card_brief(r)?),
                _ => overview.wards.push(card_brief(r)?),
            }
        }
        Ok(overview)
    }
}

impl SqlStore {
    /// The session behind a token; `touch` refreshes its idle timer (at most once a minute).
    async fn load_session(
        &self,
        token_hash: &str,
        now: i64,
        idle_cutoff: i64,
        touch: bool,
    ) -> StoreResult<Option<SessionRecord>> {
        // One read: the session, its account, and one row per staff role (none for patients).
        let rows = query(
            "SELECT s.id, s.account_id, s.active_card_id, s.last_seen_at, a.card_id, a.totp_secret,
                    (SELECT c.staff_totp_required FROM clinic c WHERE c.id = 1) AS staff_totp_required,
                    r.role
             FROM session s JOIN account a ON a.id = s.account_id
             LEFT JOIN staff_role r ON r.staff_id = a.staff_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3
               AND a.disabled_at IS NULL
             ORDER BY r.role",
        )
        .bind(token_hash)
        .bind(now)
        .bind(idle_cutoff)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        let Some(r) = rows.first() else { return Ok(None) };
        let session_id: i64 = r.try_get("id").map_err(db_err)?;
        let last_seen: i64 = r.try_get("last_seen_at").map_err(db_err)?;
        let totp_enabled = r.try_get::<Option<String>, _>("totp_secret").map_err(db_err)?.is_some();
        let staff_totp_required = r.try_get::<Option<bool>, _>("staff_totp_required").map_err(db_err)?.unwrap_or(true);
        let mut roles = Vec::new();
        for row in &rows {
            roles.extend(known_opt(row, "role", Role::parse)?);
        }
        // Refresh the idle timer at most once a minute: reads stay reads.
        if touch && now - last_seen >= 60 {
            query("UPDATE session SET last_seen_at = $2 WHERE id = $1")
                .bind(session_id)
                .bind(now)
                .execute(&self.db)
                .await
                .map_err(db_err)?;
        }
        Ok(Some(SessionRecord {
            session_id,
            account_id: r.try_get("account_id").map_err(db_err)?,
            own_card_id: r.try_get("card_id").map_err(db_err)?,
            active_card_id: r.try_get("active_card_id").map_err(db_err)?,
            roles: Roles(roles),
            totp_enabled,
            staff_totp_required,
        }))
    }
}
