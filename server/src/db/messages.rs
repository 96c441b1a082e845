//! `MessagesStore`: dialogues, their messages and attachments, video calls, broadcasts.

use super::base::{audit_in, known, name_of};
use super::sql::{query, Row};
use super::SqlStore;
use crate::db::{db_err, format_date};
use app::features::messages::rules::{Audience, InboxFilter, Side, Subject};
use app::features::messages::store::*;
use app::kernel::media::MediaType;
use app::platform::store::*;
use async_trait::async_trait;

const DIALOGUE_COLUMNS: &str = "d.id, d.card_id, d.staff_id, d.subject, d.closed, d.waiting, d.patient_unread,
    d.staff_unread, d.created_at, d.last_at, d.video_room, d.video_until,
    s.surname AS s_surname, s.name AS s_name, s.patronymic AS s_patronymic,
    c.surname AS c_surname, c.name AS c_name, c.patronymic AS c_patronymic, c.birth_date AS c_birth_date";
const DIALOGUE_FROM: &str = "dialogue d JOIN patient_card c ON c.id = d.card_id LEFT JOIN staff s ON s.id = d.staff_id";

fn dialogue_record(r: &Row) -> StoreResult<DialogueRecord> {
    let staff_id: Option<i64> = r.try_get("staff_id").map_err(db_err)?;
    Ok(DialogueRecord {
        id: r.try_get("id").map_err(db_err)?,
        card_id: r.try_get("card_id").map_err(db_err)?,
        staff_id,
        doctor_name: match staff_id {
            Some(_) => Some(name_of(r, "s_")?),
            None => None,
        },
        patient_name: name_of(r, "c_")?,
        patient_birth_date: r.try_get("c_birth_date").map_err(db_err)?,
        subject: known(r, "subject", Subject::parse)?,
        closed: r.try_get("closed").map_err(db_err)?,
        waiting: r.try_get("waiting").map_err(db_err)?,
        patient_unread: r.try_get("patient_unread").map_err(db_err)?,
        staff_unread: r.try_get("staff_unread").map_err(db_err)?,
        created_at: r.try_get("created_at").map_err(db_err)?,
        last_at: r.try_get("last_at").map_err(db_err)?,
        video_room: r.try_get("video_room").map_err(db_err)?,
        video_until: r.try_get("video_until").map_err(db_err)?,
    })
}

const FILE_COLUMNS: &str =
    "f.id, f.message_id, f.original_name, f.media_type, f.size, f.stored_name, f.served_name, f.served_type";

fn file_record(r: &Row) -> StoreResult<MessageFileRecord> {
    Ok(MessageFileRecord {
        id: r.try_get("id").map_err(db_err)?,
        message_id: r.try_get("message_id").map_err(db_err)?,
        original_name: r.try_get("original_name").map_err(db_err)?,
        media_type: known(r, "media_type", MediaType::parse_mime)?,
        size: r.try_get("size").map_err(db_err)?,
        stored_name: r.try_get("stored_name").map_err(db_err)?,
        served_name: r.try_get("served_name").map_err(db_err)?,
        served_type: known(r, "served_type", MediaType::parse_mime)?,
    })
}

/// Messages with their authors' names: staff by the staff list, patients (and guardians) by
/// their own card.
const MESSAGE_SELECT: &str = "SELECT m.id, m.dialogue_id, m.from_patient, m.body, m.created_at,
        s.surname AS s_surname, s.name AS s_name, s.patronymic AS s_patronymic,
        pc.surname AS p_surname, pc.name AS p_name, pc.patronymic AS p_patronymic
    FROM message m JOIN account a ON a.id = m.author_account_id
    LEFT JOIN staff s ON s.id = a.staff_id LEFT JOIN patient_card pc ON pc.id = a.card_id";

fn message_record(r: &Row) -> StoreResult<MessageRecord> {
    let from_patient: bool = r.try_get("from_patient").map_err(db_err)?;
    let author_name = if from_patient { name_of(r, "p_")? } else { name_of(r, "s_")? };
    Ok(MessageRecord {
        id: r.try_get("id").map_err(db_err)?,
        dialogue_id: r.try_get("dialogue_id").map_err(db_err)?,
        from_patient,
        author_name,
        body: r.try_get("body").map_err(db_err)?,
        created_at: r.try_get("created_at").map_err(db_err)?,
        files: Vec::new(),
    })
}

const BROADCAST_COLUMNS: &str = "b.id, b.title, b.body, b.advertising, b.audience, b.branch_id, b.staff_id,
    b.age_min, b.age_max, b.send_at, b.sent_at, b.recipients, b.created_at";

fn broadcast_record(r: &Row) -> StoreResult<BroadcastRecord> {
    let kind: String = r.try_get("audience").map_err(db_err)?;
    let id = |c: &str| r.try_get::<Option<i64>, _>(c).map_err(db_err);
    let audience = match kind.as_str() {
        "all" => Audience::All,
        "branch" => Audience::Branch(id("branch_id")?.unwrap_or_default()),
        "doctor" => Audience::Doctor(id("staff_id")?.unwrap_or_default()),
        "age" => Audience::Age { min: id("age_min")?.unwrap_or_default(), max: id("age_max")?.unwrap_or_default() },
        other => return Err(StoreError::Corrupt(format!("audience {other:?}"))),
    };
    Ok(BroadcastRecord {
        id: r.try_get("id").map_err(db_err)?,
        title: r.try_get("title").map_err(db_err)?,
        body: r.try_get("body").map_err(db_err)?,
        advertising: r.try_get("advertising").map_err(db_err)?,
        audience,
        send_at: r.try_get("send_at").map_err(db_err)?,
        sent_at: r.try_get("sent_at").map_err(db_err)?,
        recipients: r.try_get("recipients").map_err(db_err)?,
        created_at: r.try_get("created_at").map_err(db_err)?,
    })
}

/// The cards a broadcast to `audience` reaches today: `WHERE` text over `patient_card c` and its
/// two values (unused ones bound as NULL, so the placeholders stay in place).
fn audience_filter(
    audience: Audience,
    advertising: bool,
    today: time::Date,
) -> (String, Option<String>, Option<String>) {
    let ads = if advertising { " AND c.refused_advertising = FALSE" } else { "" };
    let visited = |column: &str| {
        format!(
            "EXISTS (SELECT 1 FROM appointment a WHERE a.card_id = c.id AND a.{column} = CAST($1 AS BIGINT)
                AND a.status <> 'cancelled')"
        )
    };
    match audience {
        Audience::All => (format!("($1 IS NULL OR TRUE) AND ($2 IS NULL OR TRUE){ads}"), None, None),
        Audience::Branch(id) => {
            (format!("{} AND ($2 IS NULL OR TRUE){ads}", visited("branch_id")), Some(id.to_string()), None)
        }
        Audience::Doctor(id) => {
            (format!("{} AND ($2 IS NULL OR TRUE){ads}", visited("staff_id")), Some(id.to_string()), None)
        }
        Audience::Age { min, max } => {
            let (earliest, latest) = app::features::messages::rules::birth_range(min, max, today);
            (
                format!("c.birth_date >= $1 AND c.birth_date <= $2{ads}"),
                Some(format_date(earliest)),
                Some(format_date(latest)),
            )
        }
    }
}

impl SqlStore {
    async fn files_of(&self, dialogue_id: i64, messages: &mut [MessageRecord]) -> StoreResult<()> {
        let (Some(first), Some(last)) = (messages.first().map(|m| m.id), messages.last().map(|m| m.id)) else {
            return Ok(());
        };
        let rows = query(&format!(
            "SELECT {FILE_COLUMNS} FROM message_file f JOIN message m ON m.id = f.message_id
             WHERE m.dialogue_id = $1 AND m.id >= $2 AND m.id <= $3 ORDER BY f.message_id, f.position"
        ))
        .bind(dialogue_id)
        .bind(first)
        .bind(last)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        for r in &rows {
            let f = file_record(r)?;
            if let Some(m) = messages.iter_mut().find(|m| m.id == f.message_id) {
                m.files.push(f);
            }
        }
        Ok(())
    }
}

#[async_trait]
impl MessagesStore for SqlStore {
    async fn card_dialogues(&self, card_id: i64, offset: i64, limit: i64) -> StoreResult<(Vec<DialogueRecord>, i64)> {
        let rows = query(&format!(
            "SELECT {DIALOGUE_COLUMNS} FROM {DIALOGUE_FROM} WHERE d.card_id = $1
             ORDER BY d.last_at DESC, d.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(card_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(dialogue_record)
        .collect::<StoreResult<Vec<_>>>()?;
        let total: i64 = query("SELECT COUNT(*) AS n FROM dialogue WHERE card_id = $1")
            .bind(card_id)
            .fetch_one(&self.db)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(db_err)?;
        Ok((rows, total))
    }

    async fn dialogue(&self, id: i64) -> StoreResult<Option<DialogueRecord>> {
        query(&format!("SELECT {DIALOGUE_COLUMNS} FROM {DIALOGUE_FROM} WHERE d.id = $1"))
            .bind(id)
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?
            .as_ref()
            .map(dialogue_record)
            .transpose()
    }

    async fn dialogue_messages(
        &self,
        dialogue_id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<MessageRecord>> {
        let mut messages =
            query(&format!("{MESSAGE_SELECT} WHERE m.dialogue_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3"))
                .bind(dialogue_id)
                .bind(before.unwrap_or(i64::MAX))
                .bind(limit)
                .fetch_all(&self.db)
                .await
                .map_err(db_err)?
                .iter()
                .map(message_record)
                .collect::<StoreResult<Vec<_>>>()?;
        messages.reverse();
        self.files_of(dialogue_id, &mut messages).await?;
        Ok(messages)
    }

    async fn messages_after(&self, dialogue_id: i64, after: i64) -> StoreResult<Vec<MessageRecord>> {
        let mut messages =
            query(&format!("{MESSAGE_SELECT} WHERE m.dialogue_id = $1 AND m.id > $2 ORDER BY m.id LIMIT 200"))
                .bind(dialogue_id)
                .bind(after)
                .fetch_all(&self.db)
                .await
                .map_err(db_err)?
                .iter()
                .map(message_record)
                .collect::<StoreResult<Vec<_>>>()?;
        self.files_of(dialogue_id, &mut messages).await?;
        Ok(messages)
    }

    async fn post_message(&self, m: NewMessage) -> StoreResult<Posted> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        let from_patient = m.from == Side::Patient;
        if let Some(max) = m.hourly_limit {
            // Counted under the writer's lock: SQLite's `BEGIN IMMEDIATE` has it already; on
            // PostgreSQL the author's account row is held until commit.
            if self.db.is_postgres() {
                query("SELECT id FROM account WHERE id = $1 FOR UPDATE")
                    .bind(m.author_account_id)
                    .fetch_optional(&mut tx)
                    .await
                    .map_err(db_err)?;
            }
            let r = query(
                "SELECT COUNT(*) AS n, MIN(created_at) AS first FROM message
                 WHERE author_account_id = $1 AND created_at > $2",
            )
            .bind(m.author_account_id)
            .bind(m.now - 3600)
            .fetch_one(&mut tx)
            .await
            .map_err(db_err)?;
            let sent: i64 = r.try_get("n").map_err(db_err)?;
            if sent >= max {
                let first: Option<i64> = r.try_get("first").map_err(db_err)?;
                return Ok(Posted::OverLimit { first: first.unwrap_or(m.now) });
            }
        }
        let dialogue_id: i64 = match &m.thread {
            Thread::New { card_id, staff_id, subject } => query(
                "INSERT INTO dialogue (card_id, staff_id, subject, closed, waiting, created_at, last_at)
                 VALUES ($1, $2, $3, FALSE, $4, $5, $5) RETURNING id",
            )
            .bind(*card_id)
            .bind(*staff_id)
            .bind(subject.key())
            .bind(from_patient)
            .bind(m.now)
            .fetch_one(&mut tx)
            .await
            .and_then(|r| r.try_get("id"))
            .map_err(db_err)?,
            Thread::Existing(id) => {
                match query("SELECT id FROM dialogue WHERE id = $1")
                    .bind(*id)
                    .fetch_optional(&mut tx)
                    .await
                    .map_err(db_err)?
                {
                    Some(_) => *id,
                    None => return Ok(Posted::NoDialogue),
                }
            }
        };
        let message_id: i64 = query(
            "INSERT INTO message (dialogue_id, from_patient, author_account_id, body, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(dialogue_id)
        .bind(from_patient)
        .bind(m.author_account_id)
        .bind(m.body.as_str())
        .bind(m.now)
        .fetch_one(&mut tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_err)?;
        for (position, f) in m.files.iter().enumerate() {
            query(
                "INSERT INTO message_file (message_id, position, original_name, media_type, size, stored_name,
                     served_name, served_type)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(message_id)
            .bind(position as i64)
            .bind(f.original_name.as_str())
            .bind(f.media_type.mime())
            .bind(f.size)
            .bind(f.stored_name.as_str())
            .bind(f.served_name.as_str())
            .bind(f.served_type.mime())
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        }
        // The writer has read the dialogue; the other side has one more to read.
        let update = if from_patient {
            "UPDATE dialogue SET last_at = $2, closed = FALSE, waiting = TRUE, patient_unread = 0,
                 patient_unread_since = NULL, staff_unread = staff_unread + 1 WHERE id = $1"
        } else {
            "UPDATE dialogue SET last_at = $2, closed = FALSE, waiting = FALSE, staff_unread = 0,
                 patient_unread = patient_unread + 1, patient_unread_since = COALESCE(patient_unread_since, $2)
             WHERE id = $1"
        };
        query(update).bind(dialogue_id).bind(m.now).execute(&mut tx).await.map_err(db_err)?;
        let audit = AuditEntry { object: Some(format!("dialogue:{dialogue_id}")), ..m.audit };
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(Posted::Yes(dialogue_id, message_id))
    }

    async fn mark_read(&self, dialogue_id: i64, side: Side) -> StoreResult<()> {
        let sql = match side {
            Side::Patient => {
                "UPDATE dialogue SET patient_unread = 0, patient_unread_since = NULL
                 WHERE id = $1 AND patient_unread <> 0"
            }
            Side::Clinic => "UPDATE dialogue SET staff_unread = 0 WHERE id = $1 AND staff_unread <> 0",
        };
        query(sql).bind(dialogue_id).execute(&self.db).await.map_err(db_err)?;
        Ok(())
    }

    async fn sent_since(&self, account_id: i64, since: i64) -> StoreResult<(i64, Option<i64>)> {
        let r = query(
            "SELECT COUNT(*) AS n, MIN(created_at) AS first FROM message
             WHERE author_account_id = $1 AND created_at > $2",
        )
        .bind(account_id)
        .bind(since)
        .fetch_one(&self.db)
        .await
        .map_err(db_err)?;
        Ok((r.try_get("n").map_err(db_err)?, r.try_get("first").map_err(db_err)?))
    }

    async fn card_doctors(&self, card_id: i64) -> StoreResult<Vec<DoctorChoice>> {
        query(
            "SELECT s.id, s.surname, s.name, s.patronymic, s.specialty FROM staff s
             JOIN account acc ON acc.staff_id = s.id AND acc.disabled_at IS NULL
             WHERE EXISTS (SELECT 1 FROM appointment a WHERE a.card_id = $1 AND a.staff_id = s.id
                           AND a.status <> 'cancelled')
             ORDER BY s.surname, s.name, s.id",
        )
        .bind(card_id)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(doctor_choice)
        .collect()
    }

    async fn card_unread(&self, card_id: i64) -> StoreResult<i64> {
        let r = query(
            "SELECT CAST(COALESCE((SELECT SUM(patient_unread) FROM dialogue WHERE card_id = $1), 0) AS BIGINT)
                  + (SELECT COUNT(*) FROM (
                        SELECT bd.read_at FROM broadcast_delivery bd JOIN broadcast b ON b.id = bd.broadcast_id
                        WHERE bd.card_id = $1 ORDER BY b.sent_at DESC, b.id DESC LIMIT $2
                     ) shown WHERE shown.read_at IS NULL) AS n",
        )
        .bind(card_id)
        .bind(app::features::messages::rules::PAGE_DIALOGUES)
        .fetch_one(&self.db)
        .await
        .map_err(db_err)?;
        r.try_get("n").map_err(db_err)
    }

    async fn inbox(
        &self,
        scope: InboxScope,
        filter: InboxFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<DialogueRecord>, i64)> {
        let who = match (scope.staff_id.is_some(), scope.desk) {
            (true, true) => "(d.staff_id = $1 OR d.staff_id IS NULL)",
            (true, false) => "d.staff_id = $1",
            (false, true) => "(d.staff_id IS NULL AND $1 IS NULL)",
            (false, false) => "(1 = 0 AND $1 IS NULL)",
        };
        let which = match filter {
            InboxFilter::Open => "d.closed = FALSE",
            InboxFilter::Unread => "d.staff_unread > 0",
            InboxFilter::Waiting => "d.closed = FALSE AND d.waiting = TRUE",
            InboxFilter::Closed => "d.closed = TRUE",
        };
        let rows = query(&format!(
            "SELECT {DIALOGUE_COLUMNS} FROM {DIALOGUE_FROM} WHERE {who} AND {which}
             ORDER BY d.last_at DESC, d.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(scope.staff_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(dialogue_record)
        .collect::<StoreResult<Vec<_>>>()?;
        let total: i64 = query(&format!("SELECT COUNT(*) AS n FROM dialogue d WHERE {who} AND {which}"))
            .bind(scope.staff_id)
            .fetch_one(&self.db)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(db_err)?;
        Ok((rows, total))
    }

    async fn set_closed(&self, dialogue_id: i64, closed: bool, audit: AuditEntry) -> StoreResult<bool> {
        let change = query("UPDATE dialogue SET closed = $2 WHERE id = $1").bind(dialogue_id).bind(closed);
        Ok(super::base::write_audited(&self.db, change, &audit).await? == 1)
    }

    async fn hand_over(&self, dialogue_id: i64, staff_id: Option<i64>, audit: AuditEntry) -> StoreResult<bool> {
        let change =
            query("UPDATE dialogue SET staff_id = $2, closed = FALSE WHERE id = $1").bind(dialogue_id).bind(staff_id);
        Ok(super::base::write_audited(&self.db, change, &audit).await? == 1)
    }

    async fn set_video(&self, dialogue_id: i64, video: Option<(String, i64)>, audit: AuditEntry) -> StoreResult<bool> {
        let (room, until) = match video {
            Some((room, until)) => (Some(room), Some(until)),
            None => (None, None),
        };
        let change = query("UPDATE dialogue SET video_room = $2, video_until = $3 WHERE id = $1")
            .bind(dialogue_id)
            .bind(room)
            .bind(until);
        Ok(super::base::write_audited(&self.db, change, &audit).await? == 1)
    }

    async fn message_file(&self, file_id: i64) -> StoreResult<Option<FileInDialogue>> {
        let r = query(&format!(
            "SELECT {FILE_COLUMNS}, m.dialogue_id FROM message_file f JOIN message m ON m.id = f.message_id
             WHERE f.id = $1"
        ))
        .bind(file_id)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        match r {
            Some(r) => Ok(Some(FileInDialogue {
                file: file_record(&r)?,
                dialogue_id: r.try_get("dialogue_id").map_err(db_err)?,
            })),
            None => Ok(None),
        }
    }

    async fn recent_visits(&self, card_id: i64, limit: i64) -> StoreResult<Vec<VisitRecord>> {
        query(
            "SELECT a.starts_at, a.status, s.surname, s.name, s.patronymic FROM appointment a
             JOIN staff s ON s.id = a.staff_id WHERE a.card_id = $1 ORDER BY a.starts_at DESC LIMIT $2",
        )
        .bind(card_id)
        .bind(limit)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| {
            Ok(VisitRecord {
                starts_at: r.try_get("starts_at").map_err(db_err)?,
                doctor_name: name_of(r, "")?,
                status: known(r, "status", app::features::booking::rules::AppointmentStatus::parse)?,
            })
        })
        .collect()
    }

    async fn clinicians(&self) -> StoreResult<Vec<DoctorChoice>> {
        query(
            "SELECT s.id, s.surname, s.name, s.patronymic, s.specialty FROM staff s
             JOIN staff_role r ON r.staff_id = s.id AND r.role = 'clinician'
             JOIN account acc ON acc.staff_id = s.id AND acc.disabled_at IS NULL
             ORDER BY s.surname, s.name, s.id",
        )
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(doctor_choice)
        .collect()
    }

    async fn broadcast_create(&self, b: NewBroadcast, audit: AuditEntry) -> StoreResult<i64> {
        let (branch, staff, min, max) = match b.audience {
            Audience::All => (None, None, None, None),
            Audience::Branch(id) => (Some(id), None, None, None),
            Audience::Doctor(id) => (None, Some(id), None, None),
            Audience::Age { min, max } => (None, None, Some(min), Some(max)),
        };
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let id: i64 = query(
            "INSERT INTO broadcast (title, body, advertising, audience, branch_id, staff_id, age_min, age_max,
                 author_account_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(b.title.as_str())
        .bind(b.body.as_str())
        .bind(b.advertising)
        .bind(b.audience.key())
        .bind(branch)
        .bind(staff)
        .bind(min)
        .bind(max)
        .bind(b.author_account_id)
        .bind(b.now)
        .fetch_one(&mut tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_err)?;
        let audit = AuditEntry { object: Some(format!("broadcast:{id}")), ..audit };
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    async fn broadcast(&self, id: i64) -> StoreResult<Option<BroadcastRecord>> {
        query(&format!("SELECT {BROADCAST_COLUMNS} FROM broadcast b WHERE b.id = $1"))
            .bind(id)
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?
            .as_ref()
            .map(broadcast_record)
            .transpose()
    }

    async fn broadcasts(&self, limit: i64) -> StoreResult<Vec<BroadcastRecord>> {
        query(&format!("SELECT {BROADCAST_COLUMNS} FROM broadcast b ORDER BY b.id DESC LIMIT $1"))
            .bind(limit)
            .fetch_all(&self.db)
            .await
            .map_err(db_err)?
            .iter()
            .map(broadcast_record)
            .collect()
    }

    async fn audience_size(&self, audience: Audience, advertising: bool, today: time::Date) -> StoreResult<i64> {
        let (filter, a, b) = audience_filter(audience, advertising, today);
        query(&format!("SELECT COUNT(*) AS n FROM patient_card c WHERE {filter}"))
            .bind(a)
            .bind(b)
            .fetch_one(&self.db)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(db_err)
    }

    async fn broadcast_schedule(&self, id: i64, send_at: i64, audit: AuditEntry) -> StoreResult<bool> {
        let change =
            query("UPDATE broadcast SET send_at = $2 WHERE id = $1 AND sent_at IS NULL").bind(id).bind(send_at);
        Ok(super::base::write_audited(&self.db, change, &audit).await? == 1)
    }

    async fn release_broadcasts(&self, now: i64, today: time::Date) -> StoreResult<usize> {
        let due = query(&format!(
            "SELECT {BROADCAST_COLUMNS} FROM broadcast b
             WHERE b.sent_at IS NULL AND b.send_at IS NOT NULL AND b.send_at <= $1 ORDER BY b.send_at, b.id"
        ))
        .bind(now)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(broadcast_record)
        .collect::<StoreResult<Vec<_>>>()?;
        let mut released = 0;
        for b in due {
            let mut tx = self.db.begin_write().await.map_err(db_err)?;
            // Claimed in the transaction that writes its recipients: once, whoever runs it.
            let claimed = query("UPDATE broadcast SET sent_at = $2 WHERE id = $1 AND sent_at IS NULL")
                .bind(b.id)
                .bind(now)
                .execute(&mut tx)
                .await
                .map_err(db_err)?
                .rows_affected();
            if claimed != 1 {
                continue;
            }
            let (filter, x, y) = audience_filter(b.audience, b.advertising, today);
            let written = query(&format!(
                "INSERT INTO broadcast_delivery (broadcast_id, card_id)
                 SELECT CAST($3 AS BIGINT), c.id FROM patient_card c WHERE {filter}"
            ))
            .bind(x)
            .bind(y)
            .bind(b.id)
            .execute(&mut tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            query("UPDATE broadcast SET recipients = $2 WHERE id = $1")
                .bind(b.id)
                .bind(written as i64)
                .execute(&mut tx)
                .await
                .map_err(db_err)?;
            tx.commit().await.map_err(db_err)?;
            released += 1;
        }
        Ok(released)
    }

    async fn card_broadcasts(&self, card_id: i64, limit: i64) -> StoreResult<Vec<ReceivedBroadcast>> {
        query(&format!(
            "SELECT {BROADCAST_COLUMNS}, bd.read_at FROM broadcast_delivery bd JOIN broadcast b ON b.id = bd.broadcast_id
             WHERE bd.card_id = $1 ORDER BY b.sent_at DESC, b.id DESC LIMIT $2"
        ))
        .bind(card_id)
        .bind(limit)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(received_broadcast)
        .collect()
    }

    async fn card_broadcast(&self, card_id: i64, id: i64) -> StoreResult<Option<ReceivedBroadcast>> {
        let r = query(&format!(
            "SELECT {BROADCAST_COLUMNS}, bd.read_at FROM broadcast_delivery bd JOIN broadcast b ON b.id = bd.broadcast_id
             WHERE bd.card_id = $1 AND bd.broadcast_id = $2"
        ))
        .bind(card_id)
        .bind(id)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        r.as_ref().map(received_broadcast).transpose()
    }

    async fn mark_broadcast_read(&self, card_id: i64, id: i64, now: i64) -> StoreResult<()> {
        query(
            "UPDATE broadcast_delivery SET read_at = $3 WHERE card_id = $1 AND broadcast_id = $2 AND read_at IS NULL",
        )
        .bind(card_id)
        .bind(id)
        .bind(now)
        .execute(&self.db)
        .await
        .map_err(db_err)?;
        Ok(())
    }
}

/// A broadcast as one card received it (`BROADCAST_COLUMNS` and `bd.read_at`).
fn received_broadcast(r: &Row) -> StoreResult<ReceivedBroadcast> {
    Ok(ReceivedBroadcast { broadcast: broadcast_record(r)?, read_at: r.try_get("read_at").map_err(db_err)? })
}

fn doctor_choice(r: &Row) -> StoreResult<DoctorChoice> {
    Ok(DoctorChoice {
        staff_id: r.try_get("id").map_err(db_err)?,
        name: name_of(r, "")?,
        specialty: r.try_get("specialty").map_err(db_err)?,
    })
}
