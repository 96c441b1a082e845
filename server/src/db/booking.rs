//! `BookingStore`: appointments, their history and the waitlist. A booking runs in `Db::begin_write` and
//! holds the patient's card with `Tx::lock_card` (see `sql` for how each backend does both).

use super::base::*;
use super::sql::{query, Row, Tx};
use super::SqlStore;
use crate::db::{db_err, format_date, parse_date};
use app::features::booking::rules::{format_hhmm, AppointmentSource, AppointmentStatus, VisitMode};
use app::features::booking::store::*;
use app::kernel::account::ActorRole;
use app::platform::store::{AuditEntry, StoreError, StoreResult};
use async_trait::async_trait;
use time::Date;

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| d.is_unique_violation())
}

pub(super) fn minutes(r: &Row, column: &str) -> StoreResult<u16> {
    let v: i64 = r.try_get(column).map_err(db_err)?;
    u16::try_from(v).map_err(|_| StoreError::Corrupt(format!("{column} {v}")))
}

const APPOINTMENT_SELECT: &str = "
    SELECT a.id, a.staff_id, a.card_id, a.day, a.start_min, a.duration_min, a.starts_at, a.mode,
           a.status, a.cancel_reason, a.room, a.price_kopecks, a.source, a.service_id,
           s.surname AS d_surname, s.name AS d_name, s.patronymic AS d_patronymic, s.specialty,
           b.name AS branch_name, ps.name AS service_name,
           c.surname AS p_surname, c.name AS p_name, c.patronymic AS p_patronymic
    FROM appointment a
    JOIN staff s ON s.id = a.staff_id
    JOIN branch b ON b.id = a.branch_id
    JOIN patient_card c ON c.id = a.card_id
    LEFT JOIN price_service ps ON ps.id = a.service_id";

fn appointment_record(r: &Row) -> StoreResult<AppointmentRecord> {
    let day: String = r.try_get("day").map_err(db_err)?;
    let mode: String = r.try_get("mode").map_err(db_err)?;
    let status: String = r.try_get("status").map_err(db_err)?;
    Ok(AppointmentRecord {
        id: r.try_get("id").map_err(db_err)?,
        staff_id: r.try_get("staff_id").map_err(db_err)?,
        card_id: r.try_get("card_id").map_err(db_err)?,
        day: parse_date(&day)?,
        start_min: minutes(r, "start_min")?,
        duration_min: minutes(r, "duration_min")?,
        starts_at: r.try_get("starts_at").map_err(db_err)?,
        mode: VisitMode::parse(&mode).ok_or_else(|| StoreError::Corrupt(format!("mode {mode}")))?,
        status: AppointmentStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
        cancel_reason: r.try_get("cancel_reason").map_err(db_err)?,
        room: r.try_get("room").map_err(db_err)?,
        price: r.try_get("price_kopecks").map_err(db_err)?,
        source: known(r, "source", AppointmentSource::parse)?,
        doctor_name: name_of(r, "d_")?,
        specialty: r.try_get("specialty").map_err(db_err)?,
        branch_name: r.try_get("branch_name").map_err(db_err)?,
        service_id: r.try_get("service_id").map_err(db_err)?,
        service_name: r.try_get("service_name").map_err(db_err)?,
        patient_name: name_of(r, "p_")?,
    })
}

/// One line of an appointment's history, inside the caller's transaction.
async fn event_in(
    tx: &mut Tx,
    appointment_id: i64,
    actor: &Actor,
    action: &str,
    detail: &str,
    now: i64,
) -> StoreResult<()> {
    query(
        "INSERT INTO appointment_event (appointment_id, at, actor_account_id, actor_role, action, detail)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(appointment_id)
    .bind(now)
    .bind(actor.account_id)
    .bind(actor.role.as_str())
    .bind(action)
    .bind(detail)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Journals `audit` when the change was `done`, and commits either way.
pub(super) async fn journal_commit(mut tx: Tx, done: bool, audit: &AuditEntry) -> StoreResult<bool> {
    if done {
        audit_in(&mut tx, audit).await?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(done)
}

/// Whether the row `sql` selects with ($1, $2) exists, inside the caller's transaction.
pub(super) async fn exists_in(tx: &mut Tx, sql: &str, a: i64, b: i64) -> StoreResult<bool> {
    let row = query(sql).bind(a).bind(b).fetch_optional(&mut *tx).await.map_err(db_err)?;
    Ok(row.is_some())
}

fn when(day: Date, start: u16) -> String {
    format!("{} {}", format_date(day), format_hhmm(start))
}

#[async_trait]
impl BookingStore for SqlStore {
    async fn taken_times(&self, staff_id: i64, from: Date, to: Date) -> StoreResult<Vec<(Date, u16)>> {
        let rows = query(
            "SELECT day, start_min FROM appointment
             WHERE staff_id = $1 AND day >= $2 AND day <= $3 AND status <> 'cancelled'
             ORDER BY day, start_min",
        )
        .bind(staff_id)
        .bind(format_date(from))
        .bind(format_date(to))
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let day: String = r.try_get("day").map_err(db_err)?;
                Ok((parse_date(&day)?, minutes(r, "start_min")?))
            })
            .collect()
    }

    async fn book(&self, n: NewAppointment, actor: &Actor, now: i64) -> StoreResult<BookOutcome> {
        // The appointment goes in first: losers of a rush for one time meet the unique index at
        // once instead of queueing on the card's lock behind the winner. Only a capped booking
        // then locks the card and counts what it already holds (this row excluded); over the cap
        // the transaction is dropped, so the row never lands.
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        let inserted = query(
            "INSERT INTO appointment (staff_id, card_id, branch_id, service_id, day, start_min,
                 duration_min, starts_at, mode, status, room, price_kopecks, source, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'booked', $10, $11, $12, $13, $13)
             RETURNING id",
        )
        .bind(n.staff_id)
        .bind(n.card_id)
        .bind(n.place.branch_id)
        .bind(n.service_id)
        .bind(format_date(n.place.day))
        .bind(i64::from(n.place.start_min))
        .bind(i64::from(n.place.duration_min))
        .bind(n.place.starts_at)
        .bind(n.mode.as_str())
        .bind(&n.room)
        .bind(n.price)
        .bind(n.source.as_str())
        .bind(now)
        .fetch_one(&mut tx)
        .await;
        let id: i64 = match inserted {
            Ok(r) => r.try_get("id").map_err(db_err)?,
            Err(e) if is_unique_violation(&e) => return Ok(BookOutcome::Taken),
            Err(e) => return Err(db_err(e)),
        };
        if let Some(max) = n.max_future {
            tx.lock_card(n.card_id).await.map_err(db_err)?;
            let held: i64 = query(
                "SELECT COUNT(*) AS n FROM appointment
                 WHERE card_id = $1 AND staff_id = $2 AND starts_at > $3
                   AND status IN ('booked', 'confirmed') AND id <> $4",
            )
            .bind(n.card_id)
            .bind(n.staff_id)
            .bind(now)
            .bind(id)
            .fetch_one(&mut tx)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(db_err)?;
            if held >= max {
                return Ok(BookOutcome::LimitReached);
            }
        }
        let what = when(n.place.day, n.place.start_min);
        event_in(&mut tx, id, actor, "booked", &what, now).await?;
        audit_in(
            &mut tx,
            &AuditEntry::by(actor, now, "appointment.book").card(n.card_id).object(format!("appointment:{id}")),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(BookOutcome::Booked(id))
    }

    async fn appointment(&self, id: i64) -> StoreResult<Option<AppointmentRecord>> {
        let sql = format!("{APPOINTMENT_SELECT} WHERE a.id = $1");
        let row = query(&sql).bind(id).fetch_optional(&self.db).await.map_err(db_err)?;
        row.as_ref().map(appointment_record).transpose()
    }

    async fn appointments_for_card(&self, card_id: i64) -> StoreResult<Vec<AppointmentRecord>> {
        let sql = format!("{APPOINTMENT_SELECT} WHERE a.card_id = $1 ORDER BY a.starts_at, a.id");
        let rows = query(&sql).bind(card_id).fetch_all(&self.db).await.map_err(db_err)?;
        rows.iter().map(appointment_record).collect()
    }

    async fn appointments_for_day(&self, staff_id: i64, day: Date) -> StoreResult<Vec<AppointmentRecord>> {
        let sql = format!("{APPOINTMENT_SELECT} WHERE a.staff_id = $1 AND a.day = $2 ORDER BY a.start_min, a.id");
        let rows = query(&sql).bind(staff_id).bind(format_date(day)).fetch_all(&self.db).await.map_err(db_err)?;
        rows.iter().map(appointment_record).collect()
    }

    async fn change_status(
        &self,
        id: i64,
        from: AppointmentStatus,
        to: AppointmentStatus,
        reason: Option<String>,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        let card: Option<i64> = query(
            "UPDATE appointment SET status = $3, cancel_reason = $4, updated_at = $5
             WHERE id = $1 AND status = $2 RETURNING card_id",
        )
        .bind(id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(&reason)
        .bind(now)
        .fetch_optional(&mut tx)
        .await
        .map_err(db_err)?
        .map(|r| r.try_get("card_id"))
        .transpose()
        .map_err(db_err)?;
        let Some(card_id) = card else { return Ok(false) };
        event_in(&mut tx, id, actor, to.as_str(), reason.as_deref().unwrap_or(""), now).await?;
        audit_in(
            &mut tx,
            &AuditEntry::by(actor, now, &format!("appointment.{}", to.as_str()))
                .card(card_id)
                .object(format!("appointment:{id}")),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn reschedule(&self, id: i64, to: SlotPlace, actor: &Actor, now: i64) -> StoreResult<MoveOutcome> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        let before = query(
            "SELECT card_id, day, start_min FROM appointment
             WHERE id = $1 AND status IN ('booked', 'confirmed')",
        )
        .bind(id)
        .fetch_optional(&mut tx)
        .await
        .map_err(db_err)?;
        let Some(before) = before else { return Ok(MoveOutcome::Gone) };
        let card_id: i64 = before.try_get("card_id").map_err(db_err)?;
        let old_day: String = before.try_get("day").map_err(db_err)?;
        let old = when(parse_date(&old_day)?, minutes(&before, "start_min")?);
        let moved = query(
            "UPDATE appointment SET branch_id = $2, day = $3, start_min = $4, duration_min = $5,
                 starts_at = $6, updated_at = $7
             WHERE id = $1 AND status IN ('booked', 'confirmed')",
        )
        .bind(id)
        .bind(to.branch_id)
        .bind(format_date(to.day))
        .bind(i64::from(to.start_min))
        .bind(i64::from(to.duration_min))
        .bind(to.starts_at)
        .bind(now)
        .execute(&mut tx)
        .await;
        match moved {
            Ok(done) if done.rows_affected() == 1 => {}
            Ok(_) => return Ok(MoveOutcome::Gone),
            Err(e) if is_unique_violation(&e) => return Ok(MoveOutcome::Taken),
            Err(e) => return Err(db_err(e)),
        }
        let detail = format!("{old} → {}", when(to.day, to.start_min));
        event_in(&mut tx, id, actor, "rescheduled", &detail, now).await?;
        audit_in(
            &mut tx,
            &AuditEntry::by(actor, now, "appointment.reschedule").card(card_id).object(format!("appointment:{id}")),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(MoveOutcome::Moved)
    }

    async fn appointment_events(&self, id: i64) -> StoreResult<Vec<AppointmentEventRecord>> {
        let rows = query(
            "SELECT e.at, e.actor_role, e.action, e.detail,
                    st.surname AS s_surname, st.name AS s_name, st.patronymic AS s_patronymic,
                    pc.surname AS c_surname, pc.name AS c_name, pc.patronymic AS c_patronymic
             FROM appointment_event e
             LEFT JOIN account ac ON ac.id = e.actor_account_id
             LEFT JOIN staff st ON st.id = ac.staff_id
             LEFT JOIN patient_card pc ON pc.id = ac.card_id
             WHERE e.appointment_id = $1 ORDER BY e.id",
        )
        .bind(id)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let staff = name_of(r, "s_")?;
                let card = name_of(r, "c_")?;
                let actor_name = [staff, card].into_iter().find(|n| !n.trim().is_empty());
                Ok(AppointmentEventRecord {
                    at: r.try_get("at").map_err(db_err)?,
                    actor_name,
                    actor_role: known(r, "actor_role", ActorRole::parse)?,
                    action: r.try_get("action").map_err(db_err)?,
                    detail: r.try_get("detail").map_err(db_err)?,
                })
            })
            .collect()
    }

    async fn waitlist_add(
        &self,
        staff_id: i64,
        card_id: i64,
        day: Option<Date>,
        note: &str,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let id: i64 = query(
            "INSERT INTO waitlist (staff_id, card_id, day, note, created_at, created_by_account_id)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(staff_id)
        .bind(card_id)
        .bind(day.map(format_date))
        .bind(note)
        .bind(now)
        .bind(actor.account_id)
        .fetch_one(&mut tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_err)?;
        audit_in(&mut tx, &AuditEntry::by(actor, now, "waitlist.add").card(card_id).object(format!("waitlist:{id}")))
            .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    async fn waitlist(&self, staff_id: Option<i64>, card_id: Option<i64>) -> StoreResult<Vec<WaitlistRecord>> {
        let rows = query(
            "SELECT w.id, w.staff_id, w.card_id, w.day, w.note, w.created_at,
                    c.surname AS p_surname, c.name AS p_name, c.patronymic AS p_patronymic
             FROM waitlist w JOIN patient_card c ON c.id = w.card_id
             WHERE w.closed_at IS NULL AND ($1 IS NULL OR w.staff_id = $1) AND ($2 IS NULL OR w.card_id = $2)
             ORDER BY w.created_at, w.id",
        )
        .bind(staff_id)
        .bind(card_id)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let day: Option<String> = r.try_get("day").map_err(db_err)?;
                Ok(WaitlistRecord {
                    id: r.try_get("id").map_err(db_err)?,
                    staff_id: r.try_get("staff_id").map_err(db_err)?,
                    card_id: r.try_get("card_id").map_err(db_err)?,
                    patient_name: name_of(r, "p_")?,
                    day: day.as_deref().map(parse_date).transpose()?,
                    note: r.try_get("note").map_err(db_err)?,
                    created_at: r.try_get("created_at").map_err(db_err)?,
                })
            })
            .collect()
    }

    async fn waitlist_close(&self, id: i64, actor: &Actor, now: i64) -> StoreResult<bool> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let card: Option<i64> =
            query("UPDATE waitlist SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL RETURNING card_id")
                .bind(id)
                .bind(now)
                .fetch_optional(&mut tx)
                .await
                .map_err(db_err)?
                .map(|r| r.try_get("card_id"))
                .transpose()
                .map_err(db_err)?;
        let Some(card_id) = card else { return Ok(false) };
        audit_in(&mut tx, &AuditEntry::by(actor, now, "waitlist.close").card(card_id).object(format!("waitlist:{id}")))
            .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }
}
