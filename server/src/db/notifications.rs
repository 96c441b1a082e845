//! `NotificationsStore`: the clinic's schedules, what they fire for, the queue of notifications
//! (unique per schedule, card, subject and occurrence, so a second evaluator — another replica, a
//! tick run twice — queues nothing new) and the delivery log joined with the outbox.

use super::base::{audit_in, enqueue_in, known, known_opt, name_of};
use super::sql::{query, Row};
use super::SqlStore;
use crate::db::{db_err, format_date, parse_date};
use app::features::booking::rules::AppointmentStatus;
use app::features::notifications::rules::{Kind, QuietHours, Reason, Schedule, Status, Subject, Via};
use app::features::notifications::store::*;
use app::platform::store::*;
use async_trait::async_trait;
use time::Date;

const SCHEDULE_COLUMNS: &str = "id, name, kind, enabled, via, marketing, days, minutes, send_at_min, status,
    working_days_only, include_same_day, services, hourly, sms_text, email_subject, email_body, active_since, updated_at";

fn schedule_record(r: &Row) -> StoreResult<ScheduleRecord> {
    let services: String = r.try_get("services").map_err(db_err)?;
    let send_at: i64 = r.try_get("send_at_min").map_err(db_err)?;
    Ok(ScheduleRecord {
        id: r.try_get("id").map_err(db_err)?,
        schedule: Schedule {
            name: r.try_get("name").map_err(db_err)?,
            kind: known(r, "kind", Kind::parse)?,
            enabled: r.try_get("enabled").map_err(db_err)?,
            via: known(r, "via", Via::parse)?,
            marketing: r.try_get("marketing").map_err(db_err)?,
            days: r.try_get("days").map_err(db_err)?,
            minutes: r.try_get("minutes").map_err(db_err)?,
            send_at_min: u16::try_from(send_at).map_err(|_| StoreError::Corrupt(format!("send_at_min {send_at}")))?,
            status: known_opt(r, "status", AppointmentStatus::parse)?,
            working_days_only: r.try_get("working_days_only").map_err(db_err)?,
            include_same_day: r.try_get("include_same_day").map_err(db_err)?,
            services: services.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
            hourly: r.try_get("hourly").map_err(db_err)?,
            sms_text: r.try_get("sms_text").map_err(db_err)?,
            email_subject: r.try_get("email_subject").map_err(db_err)?,
            email_body: r.try_get("email_body").map_err(db_err)?,
        },
        active_since: r.try_get("active_since").map_err(db_err)?,
        updated_at: r.try_get("updated_at").map_err(db_err)?,
    })
}

fn services_text(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// An appointment row (`id, card_id, starts_at, day, created_at, updated_at`) as a subject.
fn appointment_subject(r: &Row) -> StoreResult<(i64, Subject)> {
    let day: String = r.try_get("day").map_err(db_err)?;
    Ok((
        r.try_get("card_id").map_err(db_err)?,
        Subject::Appointment {
            id: r.try_get("id").map_err(db_err)?,
            starts_at: r.try_get("starts_at").map_err(db_err)?,
            day: parse_date(&day)?,
            created_at: r.try_get("created_at").map_err(db_err)?,
            changed_at: r.try_get("updated_at").map_err(db_err)?,
        },
    ))
}

const APPOINTMENT_SUBJECT: &str =
    "SELECT a.id, a.card_id, a.starts_at, a.day, a.created_at, a.updated_at FROM appointment a";

/// A notification queued again when its subject is a candidate again: one cancelled as moved
/// (the visit may come back to that time) or refused (the refusal may be withdrawn);
/// `notify_queue` queues it again then.
const REVIVABLE: &str = "n.status = 'cancelled' AND n.reason IN ('moved', 'refused', 'refused_advertising')";

/// Leaves out what schedule `$1` has a notification for already — for the card, the subject's
/// kind and id and the occurrence given as SQL (`Subject::key`'s parts) —, unless it may be
/// queued again: one probe of the unique index each, so a tick in the steady state writes
/// nothing.
fn not_notified(card: &str, kind: &str, id: &str, occurrence: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM notification n WHERE n.schedule_id = $1 AND n.card_id = {card}
           AND n.subject_kind = '{kind}' AND n.subject_id = {id} AND n.occurrence = {occurrence}
           AND NOT ({REVIVABLE}))"
    )
}

impl SqlStore {
    /// What a schedule may fire for, by a query binding `$1` the schedule, `$2`–`$3` a window.
    async fn candidates(
        &self,
        sql: &str,
        schedule_id: i64,
        from: i64,
        to: i64,
        subject: fn(&Row) -> StoreResult<(i64, Subject)>,
    ) -> StoreResult<Vec<(i64, Subject)>> {
        query(sql)
            .bind(schedule_id)
            .bind(from)
            .bind(to)
            .fetch_all(&self.db)
            .await
            .map_err(db_err)?
            .iter()
            .map(subject)
            .collect()
    }
}

#[async_trait]
impl NotificationsStore for SqlStore {
    async fn notify_schedules(&self) -> StoreResult<Vec<ScheduleRecord>> {
        query(&format!("SELECT {SCHEDULE_COLUMNS} FROM notify_schedule ORDER BY id"))
            .fetch_all(&self.db)
            .await
            .map_err(db_err)?
            .iter()
            .map(schedule_record)
            .collect()
    }

    async fn notify_schedule(&self, id: i64) -> StoreResult<Option<ScheduleRecord>> {
        query(&format!("SELECT {SCHEDULE_COLUMNS} FROM notify_schedule WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?
            .as_ref()
            .map(schedule_record)
            .transpose()
    }

    async fn notify_schedule_save(
        &self,
        id: Option<i64>,
        s: &Schedule,
        now: i64,
        mut audit: AuditEntry,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        let id = match id {
            None => query(
                "INSERT INTO notify_schedule (name, kind, enabled, via, marketing, days, minutes, send_at_min, status,
                     working_days_only, include_same_day, services, hourly, sms_text, email_subject, email_body,
                     active_since, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $17)
                 RETURNING id",
            ),
            Some(_) => query(
                "UPDATE notify_schedule SET name = $1, kind = $2, enabled = $3, via = $4, marketing = $5, days = $6,
                     minutes = $7, send_at_min = $8, status = $9, working_days_only = $10, include_same_day = $11,
                     services = $12, hourly = $13, sms_text = $14, email_subject = $15, email_body = $16,
                     active_since = CASE WHEN enabled THEN active_since ELSE $17 END, updated_at = $17
                 WHERE id = $18 RETURNING id",
            ),
        }
        .bind(&s.name)
        .bind(s.kind.as_str())
        .bind(s.enabled)
        .bind(s.via.as_str())
        .bind(s.marketing)
        .bind(s.days)
        .bind(s.minutes)
        .bind(i64::from(s.send_at_min))
        .bind(s.status.map(AppointmentStatus::as_str))
        .bind(s.working_days_only)
        .bind(s.include_same_day)
        .bind(services_text(&s.services))
        .bind(s.hourly)
        .bind(&s.sms_text)
        .bind(&s.email_subject)
        .bind(&s.email_body)
        .bind(now)
        .bind(id)
        .fetch_optional(&mut tx)
        .await
        .map_err(db_err)?;
        let Some(row) = id else { return Ok(None) };
        let id: i64 = row.try_get("id").map_err(db_err)?;
        // What was queued by the old settings goes (it has no outbox row yet); the next tick
        // queues by the new ones.
        query("DELETE FROM notification WHERE schedule_id = $1 AND status = 'queued'")
            .bind(id)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        audit.object = Some(format!("notify_schedule:{id}"));
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(Some(id))
    }

    async fn quiet_hours(&self) -> StoreResult<QuietHours> {
        let row = query("SELECT quiet_from_min, quiet_to_min FROM clinic WHERE id = 1")
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?;
        let Some(r) = row else { return Ok(QuietHours::NONE) };
        let get = |c: &str| -> StoreResult<u16> {
            let v: i64 = r.try_get(c).map_err(db_err)?;
            u16::try_from(v).map_err(|_| StoreError::Corrupt(format!("{c} {v}")))
        };
        Ok(QuietHours { from_min: get("quiet_from_min")?, to_min: get("quiet_to_min")? })
    }

    async fn set_quiet_hours(&self, q: QuietHours, audit: AuditEntry) -> StoreResult<()> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        query("UPDATE clinic SET quiet_from_min = $1, quiet_to_min = $2 WHERE id = 1")
            .bind(i64::from(q.from_min))
            .bind(i64::from(q.to_min))
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn notify_upcoming(&self, schedule_id: i64, from: i64, to: i64) -> StoreResult<Vec<(i64, Subject)>> {
        let sql = format!(
            "{APPOINTMENT_SUBJECT} WHERE a.starts_at >= $2 AND a.starts_at < $3 AND a.status IN ('booked', 'confirmed')
               AND {}",
            not_notified("a.card_id", "appointment", "a.id", "a.starts_at")
        );
        self.candidates(&sql, schedule_id, from, to, appointment_subject).await
    }

    async fn notify_changed_to(
        &self,
        schedule_id: i64,
        status: AppointmentStatus,
        from: i64,
        to: i64,
    ) -> StoreResult<Vec<(i64, Subject)>> {
        query(&format!(
            "{APPOINTMENT_SUBJECT} WHERE a.status = $2 AND a.updated_at >= $3 AND a.updated_at < $4 AND {}",
            // Once per appointment: its occurrence is 0 (`evaluate`).
            not_notified("a.card_id", "appointment", "a.id", "0")
        ))
        .bind(schedule_id)
        .bind(status.as_str())
        .bind(from)
        .bind(to)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(appointment_subject)
        .collect()
    }

    async fn notify_completed(
        &self,
        schedule_id: i64,
        from: Date,
        to: Date,
        services: &[i64],
    ) -> StoreResult<Vec<(i64, Subject)>> {
        // Service ids are numbers the form checked; they go in as a list of literals.
        if services.is_empty() {
            return Ok(Vec::new());
        }
        let list = services_text(services);
        query(&format!(
            "{APPOINTMENT_SUBJECT} WHERE a.status = 'completed' AND a.day >= $2 AND a.day <= $3
               AND a.service_id IN ({list}) AND {}",
            not_notified("a.card_id", "appointment", "a.id", "a.starts_at")
        ))
        .bind(schedule_id)
        .bind(format_date(from))
        .bind(format_date(to))
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(appointment_subject)
        .collect()
    }

    async fn notify_birthdays(&self, schedule_id: i64, days: &[(String, i32)]) -> StoreResult<Vec<(i64, Subject)>> {
        let mut out = Vec::new();
        for (month_day, year) in days {
            let sql = format!(
                "SELECT c.id, c.birth_date FROM patient_card c WHERE substr(c.birth_date, 6) = $2 AND {}",
                not_notified("c.id", "birthday", "c.id", "$3")
            );
            let rows = query(&sql)
                .bind(schedule_id)
                .bind(month_day)
                .bind(i64::from(*year))
                .fetch_all(&self.db)
                .await
                .map_err(db_err)?;
            for r in rows {
                let birth: String = r.try_get("birth_date").map_err(db_err)?;
                let id: i64 = r.try_get("id").map_err(db_err)?;
                out.push((id, Subject::Birthday { card_id: id, birth_date: parse_date(&birth)?, year: *year }));
            }
        }
        Ok(out)
    }

    async fn notify_uploads(
        &self,
        schedule_id: i64,
        from: i64,
        to: i64,
        analyses_only: bool,
        hourly: bool,
    ) -> StoreResult<Vec<(i64, i64, i64)>> {
        let category = if analyses_only { " AND r.category = 'analyses'" } else { "" };
        // One per upload: what was notified is left out here. Per hour: by the evaluator's key.
        let fresh = if hourly { "1 = 1".to_string() } else { not_notified("r.card_id", "upload", "u.id", "0") };
        query(&format!(
            "SELECT u.id, r.card_id, MAX(f.delivered_at) AS at
             FROM document_upload u
             JOIN medical_record r ON r.id = u.record_id
             JOIN document_file f ON f.upload_id = u.id
             WHERE u.source = 'clinic'{category} AND $1 = $1 AND {fresh}
               AND u.id IN (SELECT upload_id FROM document_file WHERE delivered_at >= $2 AND delivered_at < $3)
             GROUP BY u.id, r.card_id
             HAVING SUM(CASE WHEN f.status = 'queued' THEN 1 ELSE 0 END) = 0 AND MAX(f.delivered_at) IS NOT NULL"
        ))
        .bind(schedule_id)
        .bind(from)
        .bind(to)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("card_id").map_err(db_err)?,
                r.try_get("id").map_err(db_err)?,
                r.try_get::<Option<i64>, _>("at").map_err(db_err)?.unwrap_or(from),
            ))
        })
        .collect()
    }

    async fn notify_unread_dialogues(&self, schedule_id: i64, from: i64, to: i64) -> StoreResult<Vec<(i64, Subject)>> {
        let sql = format!(
            "SELECT d.id, d.card_id, d.patient_unread_since FROM dialogue d
             WHERE d.patient_unread_since >= $2 AND d.patient_unread_since < $3 AND d.patient_unread > 0 AND {}",
            not_notified("d.card_id", "dialogue", "d.id", "d.patient_unread_since")
        );
        self.candidates(&sql, schedule_id, from, to, |r| {
            let since = r.try_get("patient_unread_since").map_err(db_err)?;
            let id = r.try_get("id").map_err(db_err)?;
            Ok((r.try_get("card_id").map_err(db_err)?, Subject::Dialogue { id, since }))
        })
        .await
    }

    async fn notify_unread_broadcasts(&self, schedule_id: i64, from: i64, to: i64) -> StoreResult<Vec<(i64, Subject)>> {
        let sql = format!(
            "SELECT b.id, b.sent_at, d.card_id FROM broadcast b
             JOIN broadcast_delivery d ON d.broadcast_id = b.id
             WHERE b.sent_at >= $2 AND b.sent_at < $3 AND d.read_at IS NULL AND {}",
            not_notified("d.card_id", "broadcast", "b.id", "0")
        );
        self.candidates(&sql, schedule_id, from, to, |r| {
            let (id, at) = (r.try_get("id").map_err(db_err)?, r.try_get("sent_at").map_err(db_err)?);
            Ok((r.try_get("card_id").map_err(db_err)?, Subject::Broadcast { id, at }))
        })
        .await
    }

    async fn notify_queue(&self, items: &[NewNotification], now: i64) -> StoreResult<u64> {
        if items.is_empty() {
            return Ok(0);
        }
        // One short transaction per batch: SQLite's single writer is held for the inserts only.
        let mut queued = 0;
        for chunk in items.chunks(100) {
            let mut tx = self.db.begin().await.map_err(db_err)?;
            for n in chunk {
                // The card's refusals as they stand: a refused one is written cancelled, so it
                // keeps its key and is never considered again. (Checked again when sending.)
                queued += query(
                    "INSERT INTO notification (schedule_id, card_id, subject_kind, subject_id, occurrence, status, reason,
                         due_at, created_at, settled_at)
                     SELECT $1, c.id, $3, $4, $5,
                            CASE WHEN c.refused_notifications OR ($7 AND c.refused_advertising) THEN 'cancelled' ELSE 'queued' END,
                            CASE WHEN c.refused_notifications THEN 'refused'
                                 WHEN $7 AND c.refused_advertising THEN 'refused_advertising' END,
                            $6, $8,
                            CASE WHEN c.refused_notifications OR ($7 AND c.refused_advertising) THEN $8 END
                     FROM patient_card c WHERE c.id = $2
                     ON CONFLICT (schedule_id, card_id, subject_kind, subject_id, occurrence) DO UPDATE
                       SET status = excluded.status, reason = excluded.reason, due_at = excluded.due_at,
                           created_at = excluded.created_at, settled_at = excluded.settled_at
                       WHERE notification.status = 'cancelled'
                         AND notification.reason IN ('moved', 'refused', 'refused_advertising')
                         AND excluded.status = 'queued'",
                )
                .bind(n.schedule_id)
                .bind(n.card_id)
                .bind(n.subject_kind)
                .bind(n.subject_id)
                .bind(n.occurrence)
                .bind(n.due_at)
                .bind(n.marketing)
                .bind(now)
                .execute(&mut tx)
                .await
                .map_err(db_err)?
                .rows_affected();
            }
            tx.commit().await.map_err(db_err)?;
            if !self.db.is_postgres() {
                // SQLite has one writer: a pause between batches lets the portal's own writes
                // (a booking, a message) in, instead of queuing behind a day's reminders.
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
        }
        Ok(queued)
    }

    async fn notify_due(&self, now: i64, limit: i64) -> StoreResult<Vec<DueNotification>> {
        query(
            "SELECT id, schedule_id, card_id, subject_kind, subject_id, occurrence, due_at FROM notification
             WHERE status = 'queued' AND due_at <= $1 ORDER BY due_at, id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| {
            Ok(DueNotification {
                id: r.try_get("id").map_err(db_err)?,
                schedule_id: r.try_get("schedule_id").map_err(db_err)?,
                card_id: r.try_get("card_id").map_err(db_err)?,
                subject_kind: r.try_get("subject_kind").map_err(db_err)?,
                subject_id: r.try_get("subject_id").map_err(db_err)?,
                occurrence: r.try_get("occurrence").map_err(db_err)?,
                due_at: r.try_get("due_at").map_err(db_err)?,
            })
        })
        .collect()
    }

    async fn notify_card(&self, card_id: i64) -> StoreResult<Option<CardContact>> {
        let row = query(
            "SELECT c.id, c.surname, c.name, c.patronymic, c.birth_date, c.incapacitated, c.refused_notifications,
                    c.refused_advertising,
                    CASE WHEN c.phone_kind = 'mobile' THEN c.phone END AS mobile,
                    COALESCE(c.email, (SELECT a.email FROM account a WHERE a.card_id = c.id)) AS email
             FROM patient_card c WHERE c.id = $1",
        )
        .bind(card_id)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        let Some(r) = row else { return Ok(None) };
        // The guardian first on record whose guardianship is not revoked; whether it still holds
        // (the ward's age) the use case decides.
        let guardian = query(
            "SELECT CASE WHEN g.phone_kind = 'mobile' THEN g.phone END AS mobile,
                    COALESCE(g.email, (SELECT a.email FROM account a WHERE a.card_id = g.id)) AS email,
                    g.refused_notifications, g.refused_advertising
             FROM guardianship gs JOIN patient_card g ON g.id = gs.guardian_card_id
             WHERE gs.ward_card_id = $1 AND gs.revoked_at IS NULL
             ORDER BY gs.granted_at, g.id LIMIT 1",
        )
        .bind(card_id)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        let birth: String = r.try_get("birth_date").map_err(db_err)?;
        let g = |c: &str| -> StoreResult<Option<String>> {
            match &guardian {
                Some(g) => g.try_get(c).map_err(db_err),
                None => Ok(None),
            }
        };
        let g_flag = |c: &str| -> StoreResult<bool> {
            match &guardian {
                Some(g) => g.try_get(c).map_err(db_err),
                None => Ok(false),
            }
        };
        Ok(Some(CardContact {
            card_id,
            surname: r.try_get("surname").map_err(db_err)?,
            name: r.try_get("name").map_err(db_err)?,
            patronymic: r.try_get("patronymic").map_err(db_err)?,
            refused_notifications: r.try_get("refused_notifications").map_err(db_err)?,
            refused_advertising: r.try_get("refused_advertising").map_err(db_err)?,
            mobile: r.try_get("mobile").map_err(db_err)?,
            email: r.try_get("email").map_err(db_err)?,
            birth_date: parse_date(&birth)?,
            incapacitated: r.try_get("incapacitated").map_err(db_err)?,
            guardian_mobile: g("mobile")?,
            guardian_email: g("email")?,
            guardian_refused_notifications: g_flag("refused_notifications")?,
            guardian_refused_advertising: g_flag("refused_advertising")?,
        }))
    }

    async fn notify_appointment(&self, id: i64) -> StoreResult<Option<AppointmentFacts>> {
        let row = query(
            "SELECT a.id, a.card_id, a.status, a.starts_at, a.day, a.start_min, a.duration_min, a.mode, a.room,
                    s.surname AS d_surname, s.name AS d_name, s.patronymic AS d_patronymic,
                    s.specialty, b.name AS branch_name, b.address AS branch_address
             FROM appointment a JOIN staff s ON s.id = a.staff_id JOIN branch b ON b.id = a.branch_id
             WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        let Some(r) = row else { return Ok(None) };
        let day: String = r.try_get("day").map_err(db_err)?;
        let minutes = |c: &str| -> StoreResult<u16> {
            let v: i64 = r.try_get(c).map_err(db_err)?;
            u16::try_from(v).map_err(|_| StoreError::Corrupt(format!("{c} {v}")))
        };
        let mode: String = r.try_get("mode").map_err(db_err)?;
        Ok(Some(AppointmentFacts {
            id,
            card_id: r.try_get("card_id").map_err(db_err)?,
            status: known(&r, "status", AppointmentStatus::parse)?,
            starts_at: r.try_get("starts_at").map_err(db_err)?,
            day: parse_date(&day)?,
            start_min: minutes("start_min")?,
            duration_min: minutes("duration_min")?,
            online: mode == "online",
            room: r.try_get("room").map_err(db_err)?,
            doctor: name_of(&r, "d_")?,
            specialty: r.try_get("specialty").map_err(db_err)?,
            branch: r.try_get("branch_name").map_err(db_err)?,
            address: r.try_get("branch_address").map_err(db_err)?,
        }))
    }

    async fn notify_still_unread(&self, subject_kind: &str, id: i64, card_id: i64, since: i64) -> StoreResult<bool> {
        let q = match subject_kind {
            "dialogue" => query(
                "SELECT id FROM dialogue WHERE id = $1 AND card_id = $2 AND patient_unread > 0
                   AND patient_unread_since = $3",
            )
            .bind(id)
            .bind(card_id)
            .bind(since),
            "broadcast" => query(
                "SELECT broadcast_id FROM broadcast_delivery WHERE broadcast_id = $1 AND card_id = $2 AND read_at IS NULL",
            )
            .bind(id)
            .bind(card_id),
            _ => return Ok(false),
        };
        Ok(q.fetch_optional(&self.db).await.map_err(db_err)?.is_some())
    }

    async fn notify_settle(&self, id: i64, outcome: Handover, now: i64) -> StoreResult<bool> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        let (status, reason) = match &outcome {
            Handover::Send { .. } => (Status::Sent, None),
            Handover::Cancel(r) => (Status::Cancelled, Some(r.as_str())),
            Handover::Fail(r) => (Status::Failed, Some(r.as_str())),
        };
        // Only a queued one: of two workers settling it at once, one changes it.
        let changed = query(
            "UPDATE notification SET status = $2, reason = $3, settled_at = $4 WHERE id = $1 AND status = 'queued'",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(reason)
        .bind(now)
        .execute(&mut tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        if changed != 1 {
            return Ok(false);
        }
        if let Handover::Send { sms, mail } = &outcome {
            let channel = if *sms { Channel::Sms } else { Channel::Email };
            let outbox_id = enqueue_in(&mut tx, channel, mail, now).await?;
            query("UPDATE notification SET outbox_id = $2 WHERE id = $1")
                .bind(id)
                .bind(outbox_id)
                .execute(&mut tx)
                .await
                .map_err(db_err)?;
            // The appointment's communication status («Отправили SMS»): a line of its history,
            // naming the schedule.
            let action = if *sms { "notified_sms" } else { "notified_email" };
            query(
                "INSERT INTO appointment_event (appointment_id, at, actor_account_id, actor_role, action, detail)
                 SELECT n.subject_id, $2, NULL, 'system', $3, s.name
                 FROM notification n JOIN notify_schedule s ON s.id = n.schedule_id
                 WHERE n.id = $1 AND n.subject_kind = 'appointment'",
            )
            .bind(id)
            .bind(now)
            .bind(action)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn notify_log(&self, f: &LogFilter) -> StoreResult<Vec<LogRecord>> {
        let mut sql = String::from(
            "SELECT n.id, n.schedule_id, s.name AS schedule_name, n.card_id, c.surname AS p_surname, c.name AS p_name,
                    c.patronymic AS p_patronymic, n.status, n.reason, n.due_at, o.channel, o.recipient, o.subject,
                    o.body, o.sent_at, o.last_error
             FROM notification n
             JOIN notify_schedule s ON s.id = n.schedule_id
             JOIN patient_card c ON c.id = n.card_id
             LEFT JOIN outbox o ON o.id = n.outbox_id
             WHERE 1 = 1",
        );
        let mut n = 0;
        let mut next = || {
            n += 1;
            n
        };
        if f.card_id.is_some() {
            sql.push_str(&format!(" AND n.card_id = ${}", next()));
        }
        if f.schedule_id.is_some() {
            sql.push_str(&format!(" AND n.schedule_id = ${}", next()));
        }
        if f.from.is_some() {
            sql.push_str(&format!(" AND n.due_at >= ${}", next()));
        }
        if f.to.is_some() {
            sql.push_str(&format!(" AND n.due_at < ${}", next()));
        }
        sql.push_str(&format!(" ORDER BY n.due_at DESC, n.id DESC LIMIT ${} OFFSET ${}", next(), next()));
        let mut q = query(&sql);
        for v in [f.card_id, f.schedule_id, f.from, f.to].into_iter().flatten() {
            q = q.bind(v);
        }
        q.bind(f.limit)
            .bind(f.offset)
            .fetch_all(&self.db)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| {
                Ok(LogRecord {
                    id: r.try_get("id").map_err(db_err)?,
                    schedule_id: r.try_get("schedule_id").map_err(db_err)?,
                    schedule_name: r.try_get("schedule_name").map_err(db_err)?,
                    card_id: r.try_get("card_id").map_err(db_err)?,
                    patient: name_of(r, "p_")?,
                    status: known(r, "status", Status::parse)?,
                    reason: known_opt(r, "reason", Reason::parse)?,
                    due_at: r.try_get("due_at").map_err(db_err)?,
                    channel: r.try_get("channel").map_err(db_err)?,
                    recipient: r.try_get("recipient").map_err(db_err)?,
                    subject: r.try_get("subject").map_err(db_err)?,
                    body: r.try_get("body").map_err(db_err)?,
                    delivered_at: r.try_get("sent_at").map_err(db_err)?,
                    error: r.try_get("last_error").map_err(db_err)?,
                })
            })
            .collect()
    }

    async fn notify_withdrawn(&self, outbox_id: i64, now: i64) -> StoreResult<bool> {
        let row = query(
            "SELECT n.id, n.occurrence, s.kind, s.marketing, s.status AS wanted, c.refused_notifications,
                    c.refused_advertising, a.status AS a_status, a.starts_at AS a_starts
             FROM notification n
             JOIN notify_schedule s ON s.id = n.schedule_id
             JOIN patient_card c ON c.id = n.card_id
             LEFT JOIN appointment a ON n.subject_kind = 'appointment' AND a.id = n.subject_id
             WHERE n.outbox_id = $1",
        )
        .bind(outbox_id)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        let Some(r) = row else { return Ok(false) };
        let kind = known(&r, "kind", Kind::parse)?;
        let refused = app::features::notifications::rules::refusal(
            r.try_get("marketing").map_err(db_err)?,
            r.try_get("refused_notifications").map_err(db_err)?,
            r.try_get("refused_advertising").map_err(db_err)?,
        );
        let stale = match known_opt(&r, "a_status", AppointmentStatus::parse)? {
            Some(status) => app::features::notifications::rules::appointment_stale(
                kind,
                known_opt(&r, "wanted", AppointmentStatus::parse)?,
                status,
                r.try_get("a_starts").map_err(db_err)?,
                r.try_get("occurrence").map_err(db_err)?,
                now,
            ),
            None => None,
        };
        let Some(reason) = refused.or(stale) else { return Ok(false) };
        let id: i64 = r.try_get("id").map_err(db_err)?;
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        query(
            "UPDATE notification SET status = 'cancelled', reason = $2, settled_at = $3, outbox_id = NULL
             WHERE id = $1 AND outbox_id = $4",
        )
        .bind(id)
        .bind(reason.as_str())
        .bind(now)
        .bind(outbox_id)
        .execute(&mut tx)
        .await
        .map_err(db_err)?;
        let removed = query("DELETE FROM outbox WHERE id = $1 AND sent_at IS NULL")
            .bind(outbox_id)
            .execute(&mut tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        tx.commit().await.map_err(db_err)?;
        Ok(removed == 1)
    }
}
