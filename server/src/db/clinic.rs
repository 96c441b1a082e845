//! `ClinicAdminStore`: the clinic's first head and staff invitations.

use super::base::*;
use super::sql::query;
use super::SqlStore;
use crate::db::db_err;
use app::features::clinic::rules::ClinicDetails;
use app::features::clinic::store::*;
use app::platform::audit::Actor;
use app::platform::store::{AuditEntry, Channel, StoreResult};
use async_trait::async_trait;

#[async_trait]
impl ClinicAdminStore for SqlStore {
    async fn create_head(&self, h: NewHead, actor: &Actor) -> StoreResult<HeadOutcome> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        // The clinic's row, its details still to be set; then held, so that two heads made at
        // once are made in turn (PostgreSQL; SQLite's write lock already serialises them).
        query(
            "INSERT INTO clinic (id, name, utc_offset_minutes) VALUES (1, '', $1)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(i64::from(h.utc_offset_minutes))
        .execute(&mut tx)
        .await
        .map_err(db_err)?;
        tx.lock_clinic().await.map_err(db_err)?;
        let heads: i64 = query(
            "SELECT COUNT(*) AS n FROM staff_role r JOIN account a ON a.staff_id = r.staff_id
             WHERE r.role = 'head' AND a.disabled_at IS NULL",
        )
        .fetch_one(&mut tx)
        .await
        .and_then(|r| r.try_get("n"))
        .map_err(db_err)?;
        if heads > 0 {
            return Ok(HeadOutcome::HeadExists);
        }
        let taken = query("SELECT id FROM account WHERE email = $1")
            .bind(h.email.as_str())
            .fetch_optional(&mut tx)
            .await
            .map_err(db_err)?
            .is_some();
        if taken {
            return Ok(HeadOutcome::EmailTaken);
        }
        let staff_id: i64 = query("INSERT INTO staff (surname, name, patronymic) VALUES ($1, $2, $3) RETURNING id")
            .bind(&h.name.surname)
            .bind(&h.name.name)
            .bind(&h.name.patronymic)
            .fetch_one(&mut tx)
            .await
            .and_then(|r| r.try_get("id"))
            .map_err(db_err)?;
        query("INSERT INTO staff_role (staff_id, role) VALUES ($1, 'head')")
            .bind(staff_id)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        let account_id: i64 =
            query("INSERT INTO account (email, staff_id, created_at) VALUES ($1, $2, $3) RETURNING id")
                .bind(h.email.as_str())
                .bind(staff_id)
                .bind(h.now)
                .fetch_one(&mut tx)
                .await
                .and_then(|r| r.try_get("id"))
                .map_err(db_err)?;
        query("INSERT INTO staff_invite (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(&h.token_hash)
            .bind(account_id)
            .bind(h.now)
            .bind(h.expires_at)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        if let Some(mail) = &h.mail {
            enqueue_in(&mut tx, Channel::Email, mail, h.now).await?;
        }
        audit_in(&mut tx, &AuditEntry::by(actor, h.now, "staff.head_created").object(format!("account:{account_id}")))
            .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(HeadOutcome::Created { account_id })
    }

    async fn staff_invite_live(&self, token_hash: &str, now: i64) -> StoreResult<Option<LiveInvite>> {
        let row = query(
            "SELECT i.id, i.account_id, a.email, s.surname, s.name, s.patronymic
             FROM staff_invite i
             JOIN account a ON a.id = i.account_id
             JOIN staff s ON s.id = a.staff_id
             WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND a.disabled_at IS NULL",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        row.map(|r| {
            let name: [String; 3] = [r.try_get("surname")?, r.try_get("name")?, r.try_get("patronymic")?];
            Ok(LiveInvite {
                id: r.try_get("id")?,
                account_id: r.try_get("account_id")?,
                email: r.try_get("email")?,
                staff_name: name.iter().filter(|p| !p.is_empty()).cloned().collect::<Vec<_>>().join(" "),
            })
        })
        .transpose()
        .map_err(db_err)
    }

    async fn accept_staff_invite(
        &self,
        invite: &LiveInvite,
        password_hash: &str,
        now: i64,
        actor: &Actor,
    ) -> StoreResult<bool> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        // Spending first: of two submissions of one link, one changes the row.
        let spent = query(
            "UPDATE staff_invite SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND expires_at > $2
               AND EXISTS (SELECT 1 FROM account a WHERE a.id = staff_invite.account_id AND a.disabled_at IS NULL)",
        )
        .bind(invite.id)
        .bind(now)
        .execute(&mut tx)
        .await
        .map_err(db_err)?;
        if spent.rows_affected() != 1 {
            return Ok(false);
        }
        query("UPDATE account SET password_hash = $2 WHERE id = $1")
            .bind(invite.account_id)
            .bind(password_hash)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        // A new password ends every session of the account.
        query("DELETE FROM session WHERE account_id = $1")
            .bind(invite.account_id)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        audit_in(&mut tx, &AuditEntry::by(actor, now, "account.password_set").object(format!("invite:{}", invite.id)))
            .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn clinic_details(&self) -> StoreResult<Option<ClinicDetails>> {
        let row = query("SELECT name, address, phone, utc_offset_minutes FROM clinic WHERE id = 1")
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?;
        row.map(|r| {
            let offset: i64 = r.try_get("utc_offset_minutes")?;
            Ok(ClinicDetails {
                name: r.try_get("name")?,
                address: r.try_get("address")?,
                phone: r.try_get("phone")?,
                utc_offset_minutes: offset as i32,
            })
        })
        .transpose()
        .map_err(db_err)
    }

    async fn set_clinic_details(&self, d: &ClinicDetails, audit: AuditEntry) -> StoreResult<bool> {
        let change =
            query("UPDATE clinic SET name = $1, address = $2, phone = $3, utc_offset_minutes = $4 WHERE id = 1")
                .bind(&d.name)
                .bind(&d.address)
                .bind(&d.phone)
                .bind(i64::from(d.utc_offset_minutes));
        Ok(write_audited(&self.db, change, &audit).await? == 1)
    }
}
