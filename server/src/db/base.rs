//! The base `Store`: clinic, accounts and sessions, throttling, the journal, news, prices, the
//! outbox and the initial data; and the row helpers the other stores share.

use super::sql::{query, Db, On, Query, Row, Tx};
use super::SqlStore;
use crate::db::{db_err, format_date, parse_date};
use app::platform::store::*;
use async_trait::async_trait;

/// Writes a journal line inside the caller's transaction.
pub(super) async fn audit_in(tx: &mut Tx, e: &AuditEntry) -> StoreResult<()> {
    insert_audit(&mut *tx, e).await
}

/// The journal's one INSERT: the role goes in by its stored name.
pub(super) async fn insert_audit<'c>(on: impl On<'c>, e: &AuditEntry) -> StoreResult<()> {
    query(
        "INSERT INTO audit_log (at, actor_account_id, actor_role, card_id, action, object, origin, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.at)
    .bind(e.actor_account_id)
    .bind(e.actor_role.as_str())
    .bind(e.card_id)
    .bind(&e.action)
    .bind(&e.object)
    .bind(&e.origin)
    .bind(&e.detail)
    .execute(on)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// A text column as one of the domain's enums (`parse`). A value the domain does not know
/// is corrupt data and is answered as such, never read as some default.
pub(super) fn known<T>(r: &Row, column: &str, parse: impl FnOnce(&str) -> Option<T>) -> StoreResult<T> {
    let v: String = r.try_get(column).map_err(db_err)?;
    crate::db::known(column, &v, parse)
}

/// `known` for a column that may be NULL.
pub(super) fn known_opt<T>(r: &Row, column: &str, parse: impl FnOnce(&str) -> Option<T>) -> StoreResult<Option<T>> {
    let v: Option<String> = r.try_get(column).map_err(db_err)?;
    v.map(|v| crate::db::known(column, &v, parse)).transpose()
}

/// Runs one change and, when it changed a row, its journal line in one transaction; returns the
/// rows changed. A refused change (no row matched) journals nothing.
pub(super) async fn write_audited<'q>(db: &Db, change: Query<'q>, audit: &AuditEntry) -> StoreResult<u64> {
    let mut tx = db.begin().await.map_err(db_err)?;
    let changed = change.execute(&mut tx).await.map_err(db_err)?.rows_affected();
    if changed > 0 {
        audit_in(&mut tx, audit).await?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(changed)
}

/// The clinic's reference lists: names added once, then offered or not (never deleted, since
/// what chose them keeps their words). Each is journalled as `<table>.add`, `.activate`,
/// `.deactivate`.
#[derive(Clone, Copy, Debug)]
pub(super) enum ReferenceList {
    /// «Специальности».
    Specialty,
    /// «Причины отмены записи на приём».
    CancelReason,
}

impl ReferenceList {
    fn table(self) -> &'static str {
        match self {
            ReferenceList::Specialty => "specialty",
            ReferenceList::CancelReason => "cancel_reason",
        }
    }

    /// Adds `name`, journalled; false (and nothing journalled) when the list has it already.
    pub(super) async fn add(self, db: &Db, name: &str, actor: &Actor, now: i64) -> StoreResult<bool> {
        let table = self.table();
        let mut tx = db.begin_write().await.map_err(db_err)?;
        let added = query(&format!("INSERT INTO {table} (name) VALUES ($1) ON CONFLICT (name) DO NOTHING"))
            .bind(name)
            .execute(&mut tx)
            .await
            .map_err(db_err)?
            .rows_affected()
            == 1;
        if added {
            let entry = AuditEntry::by(actor, now, &format!("{table}.add")).object(table).detail(format!("— → {name}"));
            audit_in(&mut tx, &entry).await?;
            tx.commit().await.map_err(db_err)?;
        }
        Ok(added)
    }

    /// Offers an entry again or stops offering it, journalled; false when `id` is unknown.
    pub(super) async fn set_active(self, db: &Db, id: i64, active: bool, actor: &Actor, now: i64) -> StoreResult<bool> {
        let table = self.table();
        let sql = format!("UPDATE {table} SET active = $2 WHERE id = $1");
        let change = query(&sql).bind(id).bind(active);
        let action = format!("{table}.{}", if active { "activate" } else { "deactivate" });
        let entry = AuditEntry::by(actor, now, &action).object(format!("{table}:{id}"));
        Ok(write_audited(db, change, &entry).await? == 1)
    }
}

/// Queues a message inside the caller's transaction, so it stands or falls with the change;
/// returns its outbox id. Secret parts marked in the body are kept only until the message is
/// sent.
pub(super) async fn enqueue_in(tx: &mut Tx, channel: Channel, mail: &NewMail, now: i64) -> StoreResult<i64> {
    let (body, after_send) = app::kernel::outbox::split_secrets(&mail.body);
    query(
        "INSERT INTO outbox (channel, recipient, subject, body, body_after_send, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(channel.as_str())
    .bind(&mail.recipient)
    .bind(&mail.subject)
    .bind(body)
    .bind(after_send)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .and_then(|r| r.try_get("id"))
    .map_err(db_err)
}

/// "Surname Name Patronymic" from the columns `{prefix}surname`, `{prefix}name` and
/// `{prefix}patronymic`; empty when the row has none (a LEFT JOIN that found nothing).
pub(super) fn name_of(r: &Row, prefix: &str) -> StoreResult<String> {
    let get = |c: &str| r.try_get::<Option<String>, _>(format!("{prefix}{c}").as_str()).map_err(db_err);
    Ok(app::kernel::person::FullName {
        surname: get("surname")?.unwrap_or_default(),
        name: get("name")?.unwrap_or_default(),
        patronymic: get("patronymic")?.filter(|p| !p.is_empty()),
    }
    .full())
}

/// Adds or replaces a doctor–service link inside the caller's transaction.
pub(super) async fn service_link_in(
    tx: &mut Tx,
    l: &app::features::booking::store::ServiceLinkRecord,
) -> StoreResult<()> {
    query(
        "INSERT INTO doctor_service (staff_id, service_id, mode, show_price, price_kopecks,
             prepayment_kopecks, prepayment_discount_kopecks, round_to_roubles)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (staff_id, service_id) DO UPDATE SET mode = excluded.mode,
             show_price = excluded.show_price, price_kopecks = excluded.price_kopecks,
             prepayment_kopecks = excluded.prepayment_kopecks,
             prepayment_discount_kopecks = excluded.prepayment_discount_kopecks,
             round_to_roubles = excluded.round_to_roubles",
    )
    .bind(l.staff_id)
    .bind(l.service_id)
    .bind(l.mode.as_str())
    .bind(l.show_price)
    .bind(l.price)
    .bind(l.prepayment)
    .bind(l.prepayment_discount)
    .bind(l.round_to_roubles)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Adds or replaces one day of a doctor's schedule inside the caller's transaction.
pub(super) async fn schedule_day_in(
    tx: &mut Tx,
    d: &app::features::booking::store::ScheduleDayRecord,
) -> StoreResult<()> {
    query(
        "INSERT INTO schedule_day (staff_id, day, branch_id, start_min, end_min, step_min, breaks)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (staff_id, day) DO UPDATE SET branch_id = excluded.branch_id,
             start_min = excluded.start_min, end_min = excluded.end_min,
             step_min = excluded.step_min, breaks = excluded.breaks",
    )
    .bind(d.staff_id)
    .bind(format_date(d.day))
    .bind(d.branch_id)
    .bind(i64::from(d.start_min))
    .bind(i64::from(d.end_min))
    .bind(i64::from(d.step_min))
    .bind(&d.breaks)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(super) fn card_brief(r: &Row) -> StoreResult<CardBrief> {
    let birth: String = r.try_get("birth_date").map_err(db_err)?;
    Ok(CardBrief {
        card_id: r.try_get("id").map_err(db_err)?,
        surname: r.try_get("surname").map_err(db_err)?,
        name: r.try_get("name").map_err(db_err)?,
        patronymic: r.try_get("patronymic").map_err(db_err)?,
        birth_date: parse_date(&birth)?,
        incapacitated: r.try_get("incapacitated").map_err(db_err)?,
    })
}

pub(super) fn outbox_mail(r: &Row) -> StoreResult<OutboxMail> {
    Ok(OutboxMail {
        id: r.try_get("id").map_err(db_err)?,
        channel: known(r, "channel", Channel::parse)?,
        recipient: r.try_get("recipient").map_err(db_err)?,
        subject: r.try_get("subject").map_err(db_err)?,
        body: r.try_get("body").map_err(db_err)?,
        attempts: r.try_get("attempts").map_err(db_err)?,
        created_at: r.try_get("created_at").map_err(db_err)?,
        sent_at: r.try_get("sent_at").map_err(db_err)?,
        last_error: r.try_get("last_error").map_err(db_err)?,
    })
}

pub(super) const OUTBOX_COLUMNS: &str =
    "id, channel, recipient, subject, body, attempts, created_at, sent_at, last_error";

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        query("SELECT 1").execute(&self.db).await.map_err(db_err)?;
        Ok(())
    }

    async fn clinic(&self) -> StoreResult<Option<Clinic>> {
        let row = query("SELECT name, utc_offset_minutes, address, phone FROM clinic WHERE id = 1")
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?;
        row.map(|r| {
            Ok(Clinic {
                name: r.try_get("name")?,
                utc_offset_minutes: r.try_get::<i64, _>("utc_offset_minutes")? as i32,
                address: r.try_get("address")?,
                phone: r.try_get("phone")?,
            })
        })
        .transpose()
        .map_err(db_err)
    }
}
