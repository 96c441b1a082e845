//! `ScheduleStore`: booking settings, doctors, their services, branches and schedules.

use super::base::*;
use super::sql::{query, Row};
use super::SqlStore;
use crate::db::{db_err, format_date, parse_date};
use app::features::booking::rules::{CancelReason, VisitMode};
use app::features::booking::store::*;
use app::platform::store::{AuditEntry, StoreError, StoreResult};
use async_trait::async_trait;
use time::Date;

use super::booking::{exists_in, journal_commit, minutes};

fn schedule_record(r: &Row) -> StoreResult<ScheduleDayRecord> {
    let day: String = r.try_get("day").map_err(db_err)?;
    Ok(ScheduleDayRecord {
        staff_id: r.try_get("staff_id").map_err(db_err)?,
        day: parse_date(&day)?,
        branch_id: r.try_get("branch_id").map_err(db_err)?,
        branch_name: r.try_get("branch_name").map_err(db_err)?,
        start_min: minutes(r, "start_min")?,
        end_min: minutes(r, "end_min")?,
        step_min: minutes(r, "step_min")?,
        breaks: r.try_get("breaks").map_err(db_err)?,
    })
}

fn link_record(r: &Row) -> StoreResult<ServiceLinkRecord> {
    let mode: String = r.try_get("mode").map_err(db_err)?;
    Ok(ServiceLinkRecord {
        staff_id: r.try_get("staff_id").map_err(db_err)?,
        service_id: r.try_get("service_id").map_err(db_err)?,
        service_code: r.try_get("code").map_err(db_err)?,
        service_name: r.try_get("name").map_err(db_err)?,
        mode: VisitMode::parse(&mode).ok_or_else(|| StoreError::Corrupt(format!("mode {mode}")))?,
        show_price: r.try_get("show_price").map_err(db_err)?,
        price: r.try_get("price_kopecks").map_err(db_err)?,
        prepayment: r.try_get("prepayment_kopecks").map_err(db_err)?,
        prepayment_discount: r.try_get("prepayment_discount_kopecks").map_err(db_err)?,
        round_to_roubles: r.try_get("round_to_roubles").map_err(db_err)?,
    })
}

#[async_trait]
impl ScheduleStore for SqlStore {
    async fn booking_settings(&self) -> StoreResult<BookingSettingsRecord> {
        let r = query(
            "SELECT online_discount_percent, max_future_per_doctor, cancel_close_minutes, booking_horizon_days
             FROM clinic WHERE id = 1",
        )
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        let Some(r) = r else {
            return Ok(BookingSettingsRecord {
                online_discount_percent: 0,
                max_future_per_doctor: 2,
                cancel_close_minutes: 120,
                horizon_days: app::features::booking::rules::BOOKING_HORIZON_DAYS,
            });
        };
        let percent: i64 = r.try_get("online_discount_percent").map_err(db_err)?;
        Ok(BookingSettingsRecord {
            online_discount_percent: percent.clamp(0, 100) as u8,
            max_future_per_doctor: r.try_get("max_future_per_doctor").map_err(db_err)?,
            cancel_close_minutes: r.try_get("cancel_close_minutes").map_err(db_err)?,
            horizon_days: r.try_get("booking_horizon_days").map_err(db_err)?,
        })
    }

    async fn save_booking_settings(&self, s: BookingSettingsRecord, audit: AuditEntry) -> StoreResult<()> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        query(
            "UPDATE clinic SET online_discount_percent = $1, max_future_per_doctor = $2,
                 cancel_close_minutes = $3, booking_horizon_days = $4 WHERE id = 1",
        )
        .bind(i64::from(s.online_discount_percent))
        .bind(s.max_future_per_doctor)
        .bind(s.cancel_close_minutes)
        .bind(s.horizon_days)
        .execute(&mut tx)
        .await
        .map_err(db_err)?;
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn doctors(&self, online_only: bool) -> StoreResult<Vec<DoctorRecord>> {
        let rows = query(
            "SELECT s.id, s.surname, s.name, s.patronymic, s.specialty, s.degree, s.online_booking,
                    b.name AS branch_name
             FROM staff s LEFT JOIN branch b ON b.id = s.branch_id
             WHERE s.specialty IS NOT NULL AND (s.online_booking OR NOT $1)
             ORDER BY s.specialty, s.surname, s.name",
        )
        .bind(online_only)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(DoctorRecord {
                    id: r.try_get("id").map_err(db_err)?,
                    surname: r.try_get("surname").map_err(db_err)?,
                    name: r.try_get("name").map_err(db_err)?,
                    patronymic: r.try_get("patronymic").map_err(db_err)?,
                    specialty: r.try_get("specialty").map_err(db_err)?,
                    branch_name: r.try_get("branch_name").map_err(db_err)?,
                    degree: r.try_get("degree").map_err(db_err)?,
                    online_booking: r.try_get("online_booking").map_err(db_err)?,
                })
            })
            .collect()
    }

    async fn set_doctor_online(
        &self,
        staff_id: i64,
        online: bool,
        degree: Option<String>,
        audit: AuditEntry,
    ) -> StoreResult<bool> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let done = query("UPDATE staff SET online_booking = $2, degree = $3 WHERE id = $1 AND specialty IS NOT NULL")
            .bind(staff_id)
            .bind(online)
            .bind(degree)
            .execute(&mut tx)
            .await
            .map_err(db_err)?
            .rows_affected()
            == 1;
        journal_commit(tx, done, &audit).await
    }

    async fn service_links(&self, staff_id: Option<i64>) -> StoreResult<Vec<ServiceLinkRecord>> {
        let rows = query(
            "SELECT l.staff_id, l.service_id, p.code, p.name, l.mode, l.show_price, l.price_kopecks,
                    l.prepayment_kopecks, l.prepayment_discount_kopecks, l.round_to_roubles
             FROM doctor_service l JOIN price_service p ON p.id = l.service_id
             JOIN price_section s ON s.id = p.section_id
             WHERE $1 IS NULL OR l.staff_id = $1
             ORDER BY l.staff_id, s.position, p.position, p.id",
        )
        .bind(staff_id)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        rows.iter().map(link_record).collect()
    }

    async fn save_service_link(&self, l: ServiceLinkRecord, audit: AuditEntry) -> StoreResult<bool> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let known = exists_in(
            &mut tx,
            "SELECT 1 AS one FROM staff s, price_service p
             WHERE s.id = $1 AND s.specialty IS NOT NULL AND p.id = $2",
            l.staff_id,
            l.service_id,
        )
        .await?;
        if !known {
            return Ok(false);
        }
        service_link_in(&mut tx, &l).await?;
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn delete_service_link(&self, staff_id: i64, service_id: i64, audit: AuditEntry) -> StoreResult<bool> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let done = query("DELETE FROM doctor_service WHERE staff_id = $1 AND service_id = $2")
            .bind(staff_id)
            .bind(service_id)
            .execute(&mut tx)
            .await
            .map_err(db_err)?
            .rows_affected()
            == 1;
        journal_commit(tx, done, &audit).await
    }

    async fn services(&self) -> StoreResult<Vec<(i64, String, String)>> {
        let rows = query(
            "SELECT p.id, p.code, p.name FROM price_service p JOIN price_section s ON s.id = p.section_id
             ORDER BY s.position, p.position, p.id",
        )
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("code")?, r.try_get("name")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_err)
    }

    async fn branches(&self) -> StoreResult<Vec<(i64, String)>> {
        let rows = query("SELECT id, name FROM branch WHERE active = TRUE ORDER BY id")
            .fetch_all(&self.db)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(db_err)
    }

    async fn cancel_reasons(&self) -> StoreResult<Vec<CancelReason>> {
        let rows = query("SELECT id, name, active FROM cancel_reason ORDER BY id").fetch_all(&self.db).await;
        rows.and_then(|rows| {
            rows.iter()
                .map(|r| {
                    Ok(CancelReason { id: r.try_get("id")?, name: r.try_get("name")?, active: r.try_get("active")? })
                })
                .collect()
        })
        .map_err(db_err)
    }

    async fn add_cancel_reason(&self, name: &str, actor: &Actor, now: i64) -> StoreResult<bool> {
        ReferenceList::CancelReason.add(&self.db, name, actor, now).await
    }

    async fn set_cancel_reason_active(&self, id: i64, active: bool, actor: &Actor, now: i64) -> StoreResult<bool> {
        ReferenceList::CancelReason.set_active(&self.db, id, active, actor, now).await
    }

    async fn schedule(&self, staff_id: i64, from: Date, to: Date) -> StoreResult<Vec<ScheduleDayRecord>> {
        let rows = query(
            "SELECT d.staff_id, d.day, d.branch_id, b.name AS branch_name, d.start_min, d.end_min,
                    d.step_min, d.breaks
             FROM schedule_day d JOIN branch b ON b.id = d.branch_id
             WHERE d.staff_id = $1 AND d.day >= $2 AND d.day <= $3 ORDER BY d.day",
        )
        .bind(staff_id)
        .bind(format_date(from))
        .bind(format_date(to))
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        rows.iter().map(schedule_record).collect()
    }

    async fn save_schedule_day(&self, d: ScheduleDayRecord, audit: AuditEntry) -> StoreResult<bool> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let known = exists_in(
            &mut tx,
            "SELECT 1 AS one FROM staff s, branch b WHERE s.id = $1 AND s.specialty IS NOT NULL AND b.id = $2",
            d.staff_id,
            d.branch_id,
        )
        .await?;
        if !known {
            return Ok(false);
        }
        schedule_day_in(&mut tx, &d).await?;
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn delete_schedule_day(&self, staff_id: i64, day: Date, audit: AuditEntry) -> StoreResult<()> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        query("DELETE FROM schedule_day WHERE staff_id = $1 AND day = $2")
            .bind(staff_id)
            .bind(format_date(day))
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn copy_schedule(
        &self,
        staff_id: i64,
        from: Date,
        to: Date,
        shift_days: i64,
        audit: AuditEntry,
    ) -> StoreResult<usize> {
        let shift = time::Duration::days(shift_days);
        let days = self.schedule(staff_id, from, to).await?;
        let mut tx = self.db.begin().await.map_err(db_err)?;
        query("DELETE FROM schedule_day WHERE staff_id = $1 AND day >= $2 AND day <= $3")
            .bind(staff_id)
            .bind(format_date(from + shift))
            .bind(format_date(to + shift))
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        for d in &days {
            schedule_day_in(&mut tx, &ScheduleDayRecord { day: d.day + shift, ..d.clone() }).await?;
        }
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(days.len())
    }
}
