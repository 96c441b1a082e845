//! `ClinicAdminStore`: the clinic's first head and staff invitations, its details, settings,
//! branches, and the admin journal's reading.

use super::base::*;
use super::sql::{query, Tx};
use super::SqlStore;
use crate::db::db_err;
use app::features::clinic::rules::{
    BranchInput, BranchRecord, ClinicDetails, ClinicSettings, JournalLine, JournalPage, JournalQuery, JOURNAL_PAGE_SIZE,
};
use app::features::clinic::store::*;
use app::kernel::account::{Role, Roles};
use app::platform::audit::Actor;
use app::platform::store::{AuditEntry, Channel, NewMail, StoreResult};
use async_trait::async_trait;

/// Whether the staff member holds the head's role on an active account, and how many other
/// active heads there are.
async fn heads_around(tx: &mut Tx, staff_id: i64) -> StoreResult<(bool, i64)> {
    let rows = query(
        "SELECT r.staff_id FROM staff_role r JOIN account a ON a.staff_id = r.staff_id
         WHERE r.role = 'head' AND a.disabled_at IS NULL",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(db_err)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.try_get("staff_id")).collect::<Result<_, _>>().map_err(db_err)?;
    let this = ids.contains(&staff_id);
    Ok((this, ids.len() as i64 - i64::from(this)))
}

/// Inserts an account without a password for the staff member and its one-time invitation.
async fn account_with_invite(
    tx: &mut Tx,
    email: &str,
    staff_id: i64,
    token_hash: &str,
    expires_at: i64,
    now: i64,
) -> StoreResult<i64> {
    let account_id: i64 = query("INSERT INTO account (email, staff_id, created_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(email)
        .bind(staff_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_err)?;
    insert_invite(tx, account_id, token_hash, expires_at, now).await?;
    Ok(account_id)
}

/// A one-time invitation link for the account (its token's hash).
async fn insert_invite(tx: &mut Tx, account_id: i64, token_hash: &str, expires_at: i64, now: i64) -> StoreResult<()> {
    query("INSERT INTO staff_invite (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(account_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Roles as the journal names them: "clinician+registrar".
fn role_list(roles: &Roles) -> String {
    roles.0.iter().map(|r| r.as_str()).collect::<Vec<_>>().join("+")
}

/// A new branch's row: «Добавить филиал» and the demo clinic's branches.
pub(super) async fn insert_branch(tx: &mut Tx, b: &BranchInput) -> StoreResult<i64> {
    query("INSERT INTO branch (name, address, phone) VALUES ($1, $2, $3) RETURNING id")
        .bind(&b.name)
        .bind(&b.address)
        .bind(&b.phone)
        .fetch_one(&mut *tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_err)
}

async fn email_taken(tx: &mut Tx, email: &str) -> StoreResult<bool> {
    Ok(query("SELECT id FROM account WHERE email = $1")
        .bind(email)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?
        .is_some())
}

/// A staff member's row with their roles (an invitation, the demo clinic).
pub(super) async fn new_staff(tx: &mut Tx, name: &app::kernel::person::FullName, roles: &Roles) -> StoreResult<i64> {
    let staff_id: i64 = query("INSERT INTO staff (surname, name, patronymic) VALUES ($1, $2, $3) RETURNING id")
        .bind(&name.surname)
        .bind(&name.name)
        .bind(name.patronymic.as_deref().unwrap_or(""))
        .fetch_one(&mut *tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_err)?;
    set_roles_in(tx, staff_id, roles).await?;
    Ok(staff_id)
}

async fn set_roles_in(tx: &mut Tx, staff_id: i64, roles: &Roles) -> StoreResult<()> {
    query("DELETE FROM staff_role WHERE staff_id = $1").bind(staff_id).execute(&mut *tx).await.map_err(db_err)?;
    for role in &roles.0 {
        query("INSERT INTO staff_role (staff_id, role) VALUES ($1, $2)")
            .bind(staff_id)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    Ok(())
}

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
        if email_taken(&mut tx, h.email.as_str()).await? {
            return Ok(HeadOutcome::EmailTaken);
        }
        let staff_id = new_staff(&mut tx, &h.name, &Roles(vec![Role::Head])).await?;
        let account_id =
            account_with_invite(&mut tx, h.email.as_str(), staff_id, &h.token_hash, h.expires_at, h.now).await?;
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
            Ok(LiveInvite {
                id: r.try_get("id").map_err(db_err)?,
                account_id: r.try_get("account_id").map_err(db_err)?,
                email: r.try_get("email").map_err(db_err)?,
                staff_name: name_of(&r, "")?,
            })
        })
        .transpose()
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

    async fn staff_list(&self) -> StoreResult<Vec<StaffRecord>> {
        let rows = query(
            "SELECT s.id AS staff_id, s.surname, s.name, s.patronymic, a.email, a.disabled_at,
                    CAST(CASE WHEN a.id IS NOT NULL AND a.password_hash IS NULL THEN 1 ELSE 0 END AS BIGINT) AS invited,
                    (SELECT MAX(l.at) FROM audit_log l
                     WHERE l.actor_account_id = a.id AND l.action = 'session.sign_in') AS last_sign_in
             FROM staff s LEFT JOIN account a ON a.staff_id = s.id
             ORDER BY s.surname, s.name, s.id",
        )
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        let role_rows = query("SELECT staff_id, role FROM staff_role ORDER BY staff_id, role")
            .fetch_all(&self.db)
            .await
            .map_err(db_err)?;
        let mut roles: std::collections::HashMap<i64, Vec<Role>> = std::collections::HashMap::new();
        for r in &role_rows {
            let staff_id: i64 = r.try_get("staff_id").map_err(db_err)?;
            roles.entry(staff_id).or_default().push(known(r, "role", Role::parse)?);
        }
        rows.iter()
            .map(|r| {
                let staff_id: i64 = r.try_get("staff_id").map_err(db_err)?;
                let email: Option<String> = r.try_get("email").map_err(db_err)?;
                let disabled: Option<i64> = r.try_get("disabled_at").map_err(db_err)?;
                let mut held = roles.remove(&staff_id).unwrap_or_default();
                held.sort_by_key(|role| app::features::clinic::rules::ROLES.iter().position(|r| r == role));
                Ok(StaffRecord {
                    staff_id,
                    name: name_of(r, "")?,
                    active: email.is_some() && disabled.is_none(),
                    email,
                    roles: Roles(held),
                    invited: r.try_get::<i64, _>("invited").map_err(db_err)? == 1,
                    last_sign_in: r.try_get("last_sign_in").map_err(db_err)?,
                })
            })
            .collect()
    }

    async fn invite_staff(&self, n: NewStaff, actor: &Actor) -> StoreResult<InviteOutcome> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        if email_taken(&mut tx, n.email.as_str()).await? {
            return Ok(InviteOutcome::EmailTaken);
        }
        let staff_id = new_staff(&mut tx, &n.name, &n.roles).await?;
        let account_id =
            account_with_invite(&mut tx, n.email.as_str(), staff_id, &n.token_hash, n.expires_at, n.now).await?;
        enqueue_in(&mut tx, Channel::Email, &n.mail, n.now).await?;
        let line = AuditEntry::by(actor, n.now, "staff.invited")
            .object(format!("account:{account_id}"))
            .detail(format!("{} <{}>: {}", n.name.full(), n.email.as_str(), role_list(&n.roles)));
        audit_in(&mut tx, &line).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(InviteOutcome::Invited { staff_id })
    }

    async fn invite_doctor(&self, n: DoctorInvite, actor: &Actor) -> StoreResult<InviteOutcome> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        if email_taken(&mut tx, n.email.as_str()).await? {
            return Ok(InviteOutcome::EmailTaken);
        }
        let profile = query(
            "SELECT s.id FROM staff s
             WHERE s.id = $1 AND NOT EXISTS (SELECT 1 FROM account a WHERE a.staff_id = s.id)",
        )
        .bind(n.staff_id)
        .fetch_optional(&mut tx)
        .await
        .map_err(db_err)?;
        if profile.is_none() {
            return Ok(InviteOutcome::NoProfile);
        }
        // The clinician's role joins whatever roles the profile has.
        query("INSERT INTO staff_role (staff_id, role) VALUES ($1, 'clinician') ON CONFLICT DO NOTHING")
            .bind(n.staff_id)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        let account_id =
            account_with_invite(&mut tx, n.email.as_str(), n.staff_id, &n.token_hash, n.expires_at, n.now).await?;
        enqueue_in(&mut tx, Channel::Email, &n.mail, n.now).await?;
        let line = AuditEntry::by(actor, n.now, "staff.invited")
            .object(format!("account:{account_id}"))
            .detail(format!("{} <{}> (staff:{})", n.name, n.email.as_str(), n.staff_id));
        audit_in(&mut tx, &line).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(InviteOutcome::Invited { staff_id: n.staff_id })
    }

    async fn set_staff_roles(&self, staff_id: i64, roles: &Roles, actor: &Actor, now: i64) -> StoreResult<StaffChange> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        tx.lock_clinic().await.map_err(db_err)?;
        let exists =
            query("SELECT id FROM staff WHERE id = $1").bind(staff_id).fetch_optional(&mut tx).await.map_err(db_err)?;
        if exists.is_none() {
            return Ok(StaffChange::Missing);
        }
        let (is_head, others) = heads_around(&mut tx, staff_id).await?;
        if is_head && others == 0 && !roles.has(Role::Head) {
            return Ok(StaffChange::LastHead);
        }
        set_roles_in(&mut tx, staff_id, roles).await?;
        let held: Vec<&str> = roles.0.iter().map(|r| r.as_str()).collect();
        let line = AuditEntry::by(actor, now, "staff.roles").object(format!("staff:{staff_id}:{}", held.join("+")));
        audit_in(&mut tx, &line).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(StaffChange::Done)
    }

    async fn deactivate_staff(&self, staff_id: i64, actor: &Actor, now: i64) -> StoreResult<StaffChange> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        tx.lock_clinic().await.map_err(db_err)?;
        let account = query("SELECT id FROM account WHERE staff_id = $1 AND disabled_at IS NULL")
            .bind(staff_id)
            .fetch_optional(&mut tx)
            .await
            .map_err(db_err)?;
        let Some(account) = account else { return Ok(StaffChange::Missing) };
        let account_id: i64 = account.try_get("id").map_err(db_err)?;
        let (is_head, others) = heads_around(&mut tx, staff_id).await?;
        if is_head && others == 0 {
            return Ok(StaffChange::LastHead);
        }
        query("UPDATE account SET disabled_at = $2 WHERE id = $1")
            .bind(account_id)
            .bind(now)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        // Sessions end at once; unspent links stop working with the account.
        query("DELETE FROM session WHERE account_id = $1").bind(account_id).execute(&mut tx).await.map_err(db_err)?;
        audit_in(&mut tx, &AuditEntry::by(actor, now, "staff.deactivated").object(format!("account:{account_id}")))
            .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(StaffChange::Done)
    }

    async fn renew_staff_invite(
        &self,
        staff_id: i64,
        token_hash: &str,
        expires_at: i64,
        mail: NewMail,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<StaffChange> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        let account =
            query("SELECT id FROM account WHERE staff_id = $1 AND disabled_at IS NULL AND password_hash IS NULL")
                .bind(staff_id)
                .fetch_optional(&mut tx)
                .await
                .map_err(db_err)?;
        let Some(account) = account else { return Ok(StaffChange::Missing) };
        let account_id: i64 = account.try_get("id").map_err(db_err)?;
        query("UPDATE staff_invite SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL")
            .bind(account_id)
            .bind(now)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        insert_invite(&mut tx, account_id, token_hash, expires_at, now).await?;
        enqueue_in(&mut tx, Channel::Email, &mail, now).await?;
        audit_in(&mut tx, &AuditEntry::by(actor, now, "staff.invite_renewed").object(format!("account:{account_id}")))
            .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(StaffChange::Done)
    }

    async fn branch_list(&self) -> StoreResult<Vec<BranchRecord>> {
        let rows = query(
            "SELECT b.id, b.name, b.address, b.phone, b.active,
                    CAST(CASE WHEN EXISTS (SELECT 1 FROM staff s WHERE s.branch_id = b.id)
                           OR EXISTS (SELECT 1 FROM doctor_branch x WHERE x.branch_id = b.id)
                           OR EXISTS (SELECT 1 FROM schedule_day d WHERE d.branch_id = b.id)
                           OR EXISTS (SELECT 1 FROM appointment a WHERE a.branch_id = b.id)
                         THEN 1 ELSE 0 END AS BIGINT) AS in_use
             FROM branch b ORDER BY b.active DESC, b.name, b.id",
        )
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(BranchRecord {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    address: r.try_get("address")?,
                    phone: r.try_get("phone")?,
                    active: r.try_get("active")?,
                    in_use: r.try_get::<i64, _>("in_use")? == 1,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_err)
    }

    async fn save_branch(&self, id: Option<i64>, b: &BranchInput, actor: &Actor, now: i64) -> StoreResult<Option<i64>> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        // What it was, for the journal's before → after.
        let before = match id {
            None => [String::new(), String::new(), String::new()],
            Some(id) => {
                let row = query("SELECT name, address, phone FROM branch WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut tx)
                    .await
                    .map_err(db_err)?;
                let Some(r) = row else { return Ok(None) };
                let field = |c: &str| r.try_get::<String, _>(c).map_err(db_err);
                [field("name")?, field("address")?, field("phone")?]
            }
        };
        let [name, address, phone] = before;
        let detail = app::features::clinic::rules::changes(&[
            ("name", name, b.name.clone()),
            ("address", address, b.address.clone()),
            ("phone", phone, b.phone.clone()),
        ]);
        let id = match id {
            None => insert_branch(&mut tx, b).await?,
            Some(id) => {
                let changed = query("UPDATE branch SET name = $2, address = $3, phone = $4 WHERE id = $1")
                    .bind(id)
                    .bind(&b.name)
                    .bind(&b.address)
                    .bind(&b.phone)
                    .execute(&mut tx)
                    .await
                    .map_err(db_err)?;
                if changed.rows_affected() != 1 {
                    return Ok(None);
                }
                id
            }
        };
        let mut line = AuditEntry::by(actor, now, "branch.save").object(format!("branch:{id}"));
        if let Some(detail) = detail {
            line = line.detail(detail);
        }
        audit_in(&mut tx, &line).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(Some(id))
    }

    async fn delete_branch(&self, id: i64, actor: &Actor, now: i64) -> StoreResult<Deletion> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        let in_use = query(
            "SELECT 1 AS x FROM staff WHERE branch_id = $1
             UNION ALL SELECT 1 FROM doctor_branch WHERE branch_id = $1
             UNION ALL SELECT 1 FROM schedule_day WHERE branch_id = $1
             UNION ALL SELECT 1 FROM appointment WHERE branch_id = $1",
        )
        .bind(id)
        .fetch_optional(&mut tx)
        .await
        .map_err(db_err)?
        .is_some();
        if in_use {
            return Ok(Deletion::InUse);
        }
        let gone = query("DELETE FROM branch WHERE id = $1").bind(id).execute(&mut tx).await.map_err(db_err)?;
        if gone.rows_affected() != 1 {
            return Ok(Deletion::Missing);
        }
        audit_in(&mut tx, &AuditEntry::by(actor, now, "branch.delete").object(format!("branch:{id}"))).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(Deletion::Deleted)
    }

    async fn set_branch_active(&self, id: i64, active: bool, actor: &Actor, now: i64) -> StoreResult<bool> {
        let action = if active { "branch.activate" } else { "branch.deactivate" };
        let change = query("UPDATE branch SET active = $2 WHERE id = $1").bind(id).bind(active);
        Ok(write_audited(&self.db, change, &AuditEntry::by(actor, now, action).object(format!("branch:{id}"))).await?
            == 1)
    }

    async fn clinic_settings(&self) -> StoreResult<Option<StoredSettings>> {
        let row = query(
            "SELECT attach_code_ttl_hours, contact_priority, protocol_edit_hours, hidden_tabs FROM clinic WHERE id = 1",
        )
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        row.map(|r| {
            Ok(StoredSettings {
                attach_code_ttl_hours: r.try_get("attach_code_ttl_hours")?,
                contact_priority: r.try_get("contact_priority")?,
                protocol_edit_hours: r.try_get("protocol_edit_hours")?,
                hidden_tabs: r.try_get("hidden_tabs")?,
            })
        })
        .transpose()
        .map_err(db_err)
    }

    async fn specialties(&self) -> StoreResult<Vec<app::features::clinic::doctor_rules::SpecialtyRecord>> {
        doctors::specialties(&self.db).await
    }

    async fn add_specialty(&self, name: &str, actor: &Actor, now: i64) -> StoreResult<bool> {
        ReferenceList::Specialty.add(&self.db, name, actor, now).await
    }

    async fn set_specialty_active(&self, id: i64, active: bool, actor: &Actor, now: i64) -> StoreResult<bool> {
        ReferenceList::Specialty.set_active(&self.db, id, active, actor, now).await
    }

    async fn doctor_list(&self) -> StoreResult<Vec<app::features::clinic::doctor_rules::DoctorRecord>> {
        let list = doctors::doctors(&self.db, None).await?;
        doctors::with_branches(&self.db, list).await
    }

    async fn save_doctor(
        &self,
        id: Option<i64>,
        doctor: &app::features::clinic::doctor_rules::DoctorInput,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Option<i64>> {
        doctors::save(&self.db, id, doctor, actor, now).await
    }

    async fn set_doctor_photo(
        &self,
        id: i64,
        photo: &str,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Option<Option<String>>> {
        doctors::set_photo(&self.db, id, photo, actor, now).await
    }

    async fn doctor_photo(&self, id: i64) -> StoreResult<Option<String>> {
        Ok(query("SELECT photo FROM staff WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?
            .map(|r| r.try_get::<Option<String>, _>("photo"))
            .transpose()
            .map_err(db_err)?
            .flatten())
    }

    async fn delete_doctor(&self, id: i64, actor: &Actor, now: i64) -> StoreResult<Deletion> {
        doctors::delete(&self.db, id, actor, now).await
    }

    async fn journal(&self, q: &JournalQuery) -> StoreResult<JournalPage> {
        // Only the conditions asked for, numbered in order: the same text on both backends.
        let mut conditions = Vec::new();
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if q.group.is_some() {
            conditions.push(format!("l.action LIKE {}", next()));
        }
        if q.staff_id.is_some() {
            conditions.push(format!("a.staff_id = {}", next()));
        }
        if q.from.is_some() {
            conditions.push(format!("l.at >= {}", next()));
        }
        if q.to.is_some() {
            conditions.push(format!("l.at < {}", next()));
        }
        let filter = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        let bind = |sql| {
            let mut query = query(sql);
            if let Some(g) = &q.group {
                query = query.bind(format!("{g}.%"));
            }
            if let Some(id) = q.staff_id {
                query = query.bind(id);
            }
            if let Some(from) = q.from {
                query = query.bind(from);
            }
            if let Some(to) = q.to {
                query = query.bind(to);
            }
            query
        };
        let from = "FROM audit_log l LEFT JOIN account a ON a.id = l.actor_account_id
             LEFT JOIN staff s ON s.id = a.staff_id LEFT JOIN patient_card c ON c.id = a.card_id";
        let total_sql = format!("SELECT COUNT(*) AS n {from} {filter}");
        let total: i64 = bind(&total_sql).fetch_one(&self.db).await.and_then(|r| r.try_get("n")).map_err(db_err)?;
        let page_sql = format!(
            "SELECT l.at, l.actor_role, l.action, l.object, l.detail, l.origin,
                    s.surname AS s_surname, s.name AS s_name, s.patronymic AS s_patronymic,
                    c.surname AS c_surname, c.name AS c_name, c.patronymic AS c_patronymic
             {from} {filter} ORDER BY l.at DESC, l.id DESC LIMIT {} OFFSET {}",
            JOURNAL_PAGE_SIZE,
            (q.page.max(1) - 1) * JOURNAL_PAGE_SIZE
        );
        let rows = bind(&page_sql).fetch_all(&self.db).await.map_err(db_err)?;
        let who = |r: &super::sql::Row, p: &str| -> StoreResult<Option<String>> {
            let surname: Option<String> = r.try_get(format!("{p}_surname")).map_err(db_err)?;
            let Some(surname) = surname else { return Ok(None) };
            let name: Option<String> = r.try_get(format!("{p}_name")).map_err(db_err)?;
            let patronymic: Option<String> = r.try_get(format!("{p}_patronymic")).map_err(db_err)?;
            let parts = [Some(surname), name, patronymic];
            Ok(Some(parts.into_iter().flatten().filter(|x| !x.is_empty()).collect::<Vec<_>>().join(" ")))
        };
        let lines = rows
            .iter()
            .map(|r| {
                Ok(JournalLine {
                    at: r.try_get("at").map_err(db_err)?,
                    who: who(r, "s")?.or(who(r, "c")?),
                    role: r.try_get("actor_role").map_err(db_err)?,
                    action: r.try_get("action").map_err(db_err)?,
                    object: r.try_get("object").map_err(db_err)?,
                    detail: r.try_get("detail").map_err(db_err)?,
                    origin: r.try_get("origin").map_err(db_err)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(JournalPage { lines, total })
    }

    async fn set_clinic_settings(&self, s: &ClinicSettings, audit: AuditEntry) -> StoreResult<bool> {
        let change = query(
            "UPDATE clinic SET attach_code_ttl_hours = $1, contact_priority = $2, protocol_edit_hours = $3,
                    hidden_tabs = $4
             WHERE id = 1",
        )
        .bind(s.attach_code_ttl_hours)
        .bind(&s.contact_priority)
        .bind(s.protocol_edit_hours)
        .bind(s.hidden_tabs.to_stored());
        Ok(write_audited(&self.db, change, &audit).await? == 1)
    }
}

/// The doctors' reads and writes (`ClinicAdminStore`'s doctor methods call these).
pub(super) mod doctors {
    use super::*;
    use app::features::clinic::doctor_rules::{DoctorInput, DoctorRecord, SpecialtyRecord};

    pub async fn specialties(db: &super::super::sql::Db) -> StoreResult<Vec<SpecialtyRecord>> {
        query(
            "SELECT p.id, p.name, p.active,
                    (SELECT COUNT(*) FROM staff s WHERE s.specialty = p.name) AS doctors
             FROM specialty p ORDER BY p.name",
        )
        .fetch_all(db)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| {
            Ok(SpecialtyRecord {
                id: r.try_get("id").map_err(db_err)?,
                name: r.try_get("name").map_err(db_err)?,
                active: r.try_get("active").map_err(db_err)?,
                doctors: r.try_get("doctors").map_err(db_err)?,
            })
        })
        .collect()
    }

    const DOCTOR_COLUMNS: &str =
        "SELECT s.id, s.surname, s.name, s.patronymic, s.specialty, s.degree, s.online_booking,
            CAST(CASE WHEN s.photo IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_photo,
            CAST(CASE WHEN EXISTS (SELECT 1 FROM account a WHERE a.staff_id = s.id) THEN 1 ELSE 0 END AS BIGINT)
                AS has_account,
            CAST(CASE WHEN EXISTS (SELECT 1 FROM account a WHERE a.staff_id = s.id)
                   OR EXISTS (SELECT 1 FROM schedule_day d WHERE d.staff_id = s.id)
                   OR EXISTS (SELECT 1 FROM appointment p WHERE p.staff_id = s.id)
                   OR EXISTS (SELECT 1 FROM doctor_service l WHERE l.staff_id = s.id)
                   OR EXISTS (SELECT 1 FROM waitlist w WHERE w.staff_id = s.id)
                   OR EXISTS (SELECT 1 FROM medical_record m WHERE m.staff_id = s.id)
                 THEN 1 ELSE 0 END AS BIGINT) AS in_use
         FROM staff s JOIN staff_role r ON r.staff_id = s.id AND r.role = 'clinician'";

    pub async fn doctors<'c>(on: impl super::super::sql::On<'c>, id: Option<i64>) -> StoreResult<Vec<DoctorRecord>> {
        let sql = match id {
            Some(_) => format!("{DOCTOR_COLUMNS} WHERE s.id = $1"),
            None => format!("{DOCTOR_COLUMNS} ORDER BY s.surname, s.name, s.id"),
        };
        let mut q = query(&sql);
        if let Some(id) = id {
            q = q.bind(id);
        }
        let rows = q.fetch_all(on).await.map_err(db_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(DoctorRecord {
                id: r.try_get("id").map_err(db_err)?,
                surname: r.try_get("surname").map_err(db_err)?,
                name: r.try_get("name").map_err(db_err)?,
                patronymic: r.try_get("patronymic").map_err(db_err)?,
                specialty: r.try_get("specialty").map_err(db_err)?,
                degree: r.try_get::<Option<String>, _>("degree").map_err(db_err)?.unwrap_or_default(),
                branches: Vec::new(),
                online: r.try_get("online_booking").map_err(db_err)?,
                has_photo: r.try_get::<i64, _>("has_photo").map_err(db_err)? == 1,
                has_account: r.try_get::<i64, _>("has_account").map_err(db_err)? == 1,
                in_use: r.try_get::<i64, _>("in_use").map_err(db_err)? == 1,
            });
        }
        Ok(out)
    }

    pub async fn with_branches(
        db: &super::super::sql::Db,
        mut list: Vec<DoctorRecord>,
    ) -> StoreResult<Vec<DoctorRecord>> {
        let rows = query("SELECT staff_id, branch_id FROM doctor_branch ORDER BY branch_id")
            .fetch_all(db)
            .await
            .map_err(db_err)?;
        for r in &rows {
            let (staff, branch): (i64, i64) =
                (r.try_get("staff_id").map_err(db_err)?, r.try_get("branch_id").map_err(db_err)?);
            if let Some(d) = list.iter_mut().find(|d| d.id == staff) {
                d.branches.push(branch);
            }
        }
        Ok(list)
    }

    fn describe(d: &DoctorRecord) -> [(&'static str, String); 5] {
        let branches: Vec<String> = d.branches.iter().map(|b| b.to_string()).collect();
        [
            ("name", d.full_name()),
            ("specialty", d.specialty.clone().unwrap_or_default()),
            ("degree", d.degree.clone()),
            ("branches", branches.join(",")),
            ("online", d.online.to_string()),
        ]
    }

    /// Writes a doctor's details onto staff row `id` (whose branches are none yet): name,
    /// specialty, degree, online booking, branches. «Врачи» and the demo clinic write through here.
    pub async fn write_details(tx: &mut Tx, id: i64, d: &DoctorInput) -> StoreResult<()> {
        query(
            "UPDATE staff SET surname = $2, name = $3, patronymic = $4, specialty = $5, degree = $6,
                 online_booking = $7, branch_id = $8 WHERE id = $1",
        )
        .bind(id)
        .bind(&d.name.surname)
        .bind(&d.name.name)
        .bind(d.name.patronymic.clone().unwrap_or_default())
        .bind(Some(d.specialty.clone()).filter(|x| !x.is_empty()))
        .bind(Some(d.degree.clone()).filter(|x| !x.is_empty()))
        .bind(d.online)
        .bind(d.branches.first().copied())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        for b in &d.branches {
            query("INSERT INTO doctor_branch (staff_id, branch_id) VALUES ($1, $2)")
                .bind(id)
                .bind(*b)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        Ok(())
    }

    pub async fn save(
        db: &super::super::sql::Db,
        id: Option<i64>,
        d: &DoctorInput,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Option<i64>> {
        let mut tx = db.begin_write().await.map_err(db_err)?;
        let before = match id {
            Some(id) => {
                let mut found = doctors(&mut tx, Some(id)).await?;
                let Some(mut doctor) = found.pop() else { return Ok(None) };
                for r in query("SELECT branch_id FROM doctor_branch WHERE staff_id = $1 ORDER BY branch_id")
                    .bind(id)
                    .fetch_all(&mut tx)
                    .await
                    .map_err(db_err)?
                {
                    doctor.branches.push(r.try_get("branch_id").map_err(db_err)?);
                }
                Some(doctor)
            }
            None => None,
        };
        // A new doctor is a bare staff row with the clinician's role; then one UPDATE writes the
        // details, for a new doctor and a changed one alike.
        let id = match id {
            Some(id) => {
                query("DELETE FROM doctor_branch WHERE staff_id = $1")
                    .bind(id)
                    .execute(&mut tx)
                    .await
                    .map_err(db_err)?;
                id
            }
            None => {
                let id: i64 = query("INSERT INTO staff (surname, name) VALUES ('', '') RETURNING id")
                    .fetch_one(&mut tx)
                    .await
                    .and_then(|r| r.try_get("id"))
                    .map_err(db_err)?;
                query("INSERT INTO staff_role (staff_id, role) VALUES ($1, 'clinician')")
                    .bind(id)
                    .execute(&mut tx)
                    .await
                    .map_err(db_err)?;
                id
            }
        };
        write_details(&mut tx, id, d).await?;
        let mut sorted = d.branches.clone();
        sorted.sort_unstable();
        let after = DoctorRecord {
            id,
            surname: d.name.surname.clone(),
            name: d.name.name.clone(),
            patronymic: d.name.patronymic.clone().unwrap_or_default(),
            specialty: Some(d.specialty.clone()),
            degree: d.degree.clone(),
            branches: sorted,
            online: d.online,
            has_photo: false,
            has_account: false,
            in_use: false,
        };
        let fields: Vec<(&str, String, String)> = match &before {
            Some(b) => describe(b).into_iter().zip(describe(&after)).map(|((n, x), (_, y))| (n, x, y)).collect(),
            None => describe(&after).into_iter().map(|(n, y)| (n, String::new(), y)).collect(),
        };
        let mut entry = AuditEntry::by(actor, now, "doctor.save").object(format!("staff:{id}"));
        if let Some(detail) = app::features::clinic::rules::changes(&fields) {
            entry = entry.detail(detail);
        }
        audit_in(&mut tx, &entry).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(Some(id))
    }

    pub async fn set_photo(
        db: &super::super::sql::Db,
        id: i64,
        photo: &str,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Option<Option<String>>> {
        let mut tx = db.begin_write().await.map_err(db_err)?;
        let Some(row) = query(
            "SELECT s.photo FROM staff s JOIN staff_role r ON r.staff_id = s.id AND r.role = 'clinician' WHERE s.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut tx)
        .await
        .map_err(db_err)?
        else {
            return Ok(None);
        };
        let old: Option<String> = row.try_get("photo").map_err(db_err)?;
        query("UPDATE staff SET photo = $2 WHERE id = $1")
            .bind(id)
            .bind(photo)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        audit_in(&mut tx, &AuditEntry::by(actor, now, "doctor.photo").object(format!("staff:{id}"))).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(Some(old))
    }

    pub async fn delete(db: &super::super::sql::Db, id: i64, actor: &Actor, now: i64) -> StoreResult<Deletion> {
        let mut tx = db.begin_write().await.map_err(db_err)?;
        let Some(doctor) = doctors(&mut tx, Some(id)).await?.pop() else { return Ok(Deletion::Missing) };
        if doctor.in_use {
            return Ok(Deletion::InUse);
        }
        for sql in [
            "DELETE FROM doctor_branch WHERE staff_id = $1",
            "DELETE FROM staff_role WHERE staff_id = $1",
            "DELETE FROM staff WHERE id = $1",
        ] {
            query(sql).bind(id).execute(&mut tx).await.map_err(db_err)?;
        }
        let entry = AuditEntry::by(actor, now, "doctor.delete").object(format!("staff:{id}")).detail(format!(
            "{} ({}) → —",
            doctor.full_name(),
            doctor.specialty.unwrap_or_default()
        ));
        audit_in(&mut tx, &entry).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(Deletion::Deleted)
    }
}
