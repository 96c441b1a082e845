//! `DocumentStore`: clinic documents and uploaded files, their delivery status and reasons.

use super::base::*;
use super::sql::{query, Db, Row};
use super::SqlStore;
use crate::db::{db_err, format_date, parse_date};
use app::features::record::delivery::{FileStatus, Reason};
use app::features::record::document_rules::{Category, UploadSource};
use app::features::record::document_store::*;
use app::kernel::media::MediaType;
use app::kernel::person::PhoneKind;
use app::platform::store::{AuditEntry, StoreResult};
use async_trait::async_trait;

const CARD_FACTS: &str = "
    SELECT c.id, c.surname, c.name, c.patronymic, c.birth_date, c.refused_pd_processing, c.phone_kind,
           c.phone_confirmed, c.incapacitated
    FROM patient_card c";

fn card_facts(r: &Row) -> StoreResult<CardFactsRow> {
    let birth: String = r.try_get("birth_date").map_err(db_err)?;
    Ok(CardFactsRow {
        card_id: r.try_get("id").map_err(db_err)?,
        surname: r.try_get("surname").map_err(db_err)?,
        name: r.try_get("name").map_err(db_err)?,
        patronymic: r.try_get("patronymic").map_err(db_err)?,
        birth_date: parse_date(&birth)?,
        refused_pd_processing: r.try_get("refused_pd_processing").map_err(db_err)?,
        phone_kind: known_opt(r, "phone_kind", PhoneKind::parse)?,
        phone_confirmed: r.try_get("phone_confirmed").map_err(db_err)?,
        incapacitated: r.try_get("incapacitated").map_err(db_err)?,
    })
}

const FILE: &str = "
    SELECT f.id, f.upload_id, f.position, f.original_name, f.media_type, f.size, f.stored_name,
           f.converted_name, f.converted_type, f.status, f.reasons, f.attempts, f.resend_requested_at,
           u.record_id, r.card_id AS record_card_id, u.card_id AS upload_card_id, u.source,
           r.dob_gate, r.dob_unlocked_at
    FROM document_file f JOIN document_upload u ON u.id = f.upload_id
    JOIN medical_record r ON r.id = u.record_id";

fn file_row(r: &Row) -> StoreResult<FileRow> {
    Ok(FileRow {
        id: r.try_get("id").map_err(db_err)?,
        upload_id: r.try_get("upload_id").map_err(db_err)?,
        position: r.try_get("position").map_err(db_err)?,
        original_name: r.try_get("original_name").map_err(db_err)?,
        media_type: known(r, "media_type", MediaType::parse_mime)?,
        size: r.try_get("size").map_err(db_err)?,
        stored_name: r.try_get("stored_name").map_err(db_err)?,
        converted_name: r.try_get("converted_name").map_err(db_err)?,
        converted_type: known_opt(r, "converted_type", MediaType::parse_mime)?,
        status: known(r, "status", FileStatus::parse)?,
        reasons: known(r, "reasons", Reason::split)?,
        attempts: r.try_get("attempts").map_err(db_err)?,
        resend_requested_at: r.try_get("resend_requested_at").map_err(db_err)?,
        record_id: r.try_get("record_id").map_err(db_err)?,
        record_card_id: r.try_get("record_card_id").map_err(db_err)?,
        upload_card_id: r.try_get("upload_card_id").map_err(db_err)?,
        source: known(r, "source", UploadSource::parse)?,
        dob_gate: r.try_get("dob_gate").map_err(db_err)?,
        dob_unlocked_at: r.try_get("dob_unlocked_at").map_err(db_err)?,
    })
}

async fn files_where(db: &Db, cond: &str, id: i64) -> StoreResult<Vec<FileRow>> {
    let sql = format!("{FILE} WHERE {cond} ORDER BY f.upload_id, f.position");
    let rows = query(&sql).bind(id).fetch_all(db).await.map_err(db_err)?;
    rows.iter().map(file_row).collect()
}

#[async_trait]
impl DocumentStore for SqlStore {
    async fn staff_of_account(&self, account_id: i64) -> StoreResult<Option<(i64, String)>> {
        let r = query(
            "SELECT s.id, s.surname, s.name, s.patronymic FROM account a JOIN staff s ON s.id = a.staff_id
             WHERE a.id = $1",
        )
        .bind(account_id)
        .fetch_optional(&self.db)
        .await
        .map_err(db_err)?;
        match r {
            Some(r) => Ok(Some((r.try_get("id").map_err(db_err)?, name_of(&r, "")?))),
            None => Ok(None),
        }
    }

    async fn card_facts(&self, card_id: i64) -> StoreResult<Option<CardFactsRow>> {
        let sql = format!("{CARD_FACTS} WHERE c.id = $1");
        let r = query(&sql).bind(card_id).fetch_optional(&self.db).await.map_err(db_err)?;
        r.as_ref().map(card_facts).transpose()
    }

    async fn guardians_of(&self, ward_card_id: i64) -> StoreResult<Vec<CardFactsRow>> {
        let sql = format!(
            "{CARD_FACTS} JOIN guardianship g ON g.guardian_card_id = c.id
             WHERE g.ward_card_id = $1 AND g.revoked_at IS NULL ORDER BY c.id"
        );
        let rows = query(&sql).bind(ward_card_id).fetch_all(&self.db).await.map_err(db_err)?;
        rows.iter().map(card_facts).collect()
    }

    async fn document_settings(&self) -> StoreResult<DocumentSettings> {
        let r = query("SELECT cabinet_module_enabled_at, protocol_edit_hours FROM clinic WHERE id = 1")
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?;
        match r {
            Some(r) => Ok(DocumentSettings {
                module_enabled_at: r.try_get("cabinet_module_enabled_at").map_err(db_err)?,
                protocol_edit_hours: r.try_get("protocol_edit_hours").map_err(db_err)?,
            }),
            None => Ok(DocumentSettings { module_enabled_at: None, protocol_edit_hours: 24 }),
        }
    }

    async fn enable_cabinet_module(&self, at: i64, audit: AuditEntry) -> StoreResult<()> {
        let change =
            query("UPDATE clinic SET cabinet_module_enabled_at = COALESCE(cabinet_module_enabled_at, $1)").bind(at);
        write_audited(&self.db, change, &audit).await?;
        Ok(())
    }

    async fn create_upload(&self, u: NewUpload) -> StoreResult<(i64, i64)> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let record_id: i64 = query(
            "INSERT INTO medical_record (card_id, kind, visit_date, staff_id, specialty, icd_code, icd_text,
                 title, body, category, search_text, created_at, sent_at, author_account_id, dob_gate,
                 own_consent)
             VALUES ($1, $2, $3, $4, (SELECT specialty FROM staff WHERE id = $4), $5, $6, $7, '', $8, $9,
                 $10, $11, $12, $13, $14)
             RETURNING id",
        )
        .bind(u.target_card_id)
        .bind(u.kind.as_str())
        .bind(format_date(u.visit_date))
        .bind(u.staff_id)
        .bind(&u.icd_code)
        .bind(&u.icd_text)
        .bind(&u.title)
        .bind(u.category.map(Category::as_str))
        .bind(&u.search_text)
        .bind(u.now)
        .bind(u.shown_now.then_some(u.now))
        .bind(u.uploaded_by)
        .bind(u.dob_gate)
        .bind(u.own_consent)
        .fetch_one(&mut tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_err)?;
        let upload_id: i64 = query(
            "INSERT INTO document_upload (card_id, record_id, source, uploaded_by, anonymous_visit, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(u.card_id)
        .bind(record_id)
        .bind(u.source.as_str())
        .bind(u.uploaded_by)
        .bind(u.anonymous_visit)
        .bind(u.now)
        .fetch_one(&mut tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_err)?;
        for (i, f) in u.files.iter().enumerate() {
            query(
                "INSERT INTO document_file (upload_id, position, original_name, media_type, size, stored_name,
                     status, reasons, next_attempt_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(upload_id)
            .bind(i as i64)
            .bind(&f.original_name)
            .bind(f.media_type.mime())
            .bind(f.size)
            .bind(&f.stored_name)
            .bind(f.status.as_str())
            .bind(Reason::join(&f.reasons))
            .bind(u.now)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        }
        audit_in(&mut tx, &u.audit.clone().object(format!("upload:{upload_id}"))).await?;
        tx.commit().await.map_err(db_err)?;
        Ok((upload_id, record_id))
    }

    async fn uploads_of_card(&self, card_id: i64) -> StoreResult<Vec<UploadRow>> {
        let rows = query(
            "SELECT u.id, u.record_id, u.created_at, r.card_id AS record_card_id, r.title, r.category,
                    r.visit_date, r.own_consent, s.surname, s.name, s.patronymic,
                    t.surname AS t_surname, t.name AS t_name, t.patronymic AS t_patronymic
             FROM document_upload u JOIN medical_record r ON r.id = u.record_id
             JOIN account a ON a.id = u.uploaded_by LEFT JOIN staff s ON s.id = a.staff_id
             JOIN patient_card t ON t.id = r.card_id
             WHERE u.card_id = $1 AND u.source = 'clinic' ORDER BY u.created_at DESC, u.id DESC",
        )
        .bind(card_id)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        let files = files_where(&self.db, "u.card_id = $1", card_id).await?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id").map_err(db_err)?;
                let record_card_id: i64 = r.try_get("record_card_id").map_err(db_err)?;
                let date: String = r.try_get("visit_date").map_err(db_err)?;
                Ok(UploadRow {
                    id,
                    record_id: r.try_get("record_id").map_err(db_err)?,
                    record_card_id,
                    landed_with: (record_card_id != card_id).then(|| name_of(r, "t_")).transpose()?,
                    title: r.try_get("title").map_err(db_err)?,
                    category: known_opt(r, "category", Category::parse)?,
                    visit_date: parse_date(&date)?,
                    created_at: r.try_get("created_at").map_err(db_err)?,
                    uploaded_by: name_of(r, "")?,
                    own_consent: r.try_get("own_consent").map_err(db_err)?,
                    files: files.iter().filter(|f| f.upload_id == id).cloned().collect(),
                })
            })
            .collect()
    }

    async fn file(&self, id: i64) -> StoreResult<Option<FileRow>> {
        Ok(files_where(&self.db, "f.id = $1", id).await?.into_iter().next())
    }

    async fn record_files(&self, record_id: i64) -> StoreResult<Vec<FileRow>> {
        files_where(&self.db, "u.record_id = $1", record_id).await
    }

    async fn upload_anonymous(&self, upload_id: i64) -> StoreResult<bool> {
        query("SELECT anonymous_visit FROM document_upload WHERE id = $1")
            .bind(upload_id)
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?
            .map(|r| r.try_get("anonymous_visit").map_err(db_err))
            .unwrap_or(Ok(false))
    }

    async fn lease_files(&self, now: i64, lease_until: i64, limit: i64) -> StoreResult<Vec<FileRow>> {
        // One statement: two workers never lease the same file.
        let ids: Vec<i64> = query(
            "UPDATE document_file SET lease_until = $2, attempts = attempts + 1
             WHERE id IN (
                 SELECT id FROM document_file
                 WHERE status = 'queued' AND next_attempt_at <= $1 AND lease_until <= $1
                 ORDER BY next_attempt_at, id LIMIT $3)
             RETURNING id",
        )
        .bind(now)
        .bind(lease_until)
        .bind(limit)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| r.try_get("id").map_err(db_err))
        .collect::<StoreResult<_>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(self.file(id).await?);
        }
        out.sort_by_key(|f| f.id);
        Ok(out)
    }

    async fn deliver_file(
        &self,
        id: i64,
        converted: Option<(String, MediaType)>,
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<bool> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let (name, kind) = converted.unzip();
        let done = query(
            "UPDATE document_file SET status = 'delivered', converted_name = $2, converted_type = $3,
                 delivered_at = $4, lease_until = 0, reasons = '', resend_requested_at = NULL
             WHERE id = $1 AND status = 'queued'",
        )
        .bind(id)
        .bind(name)
        .bind(kind.map(MediaType::mime))
        .bind(now)
        .execute(&mut tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        if done == 0 {
            return Ok(false);
        }
        query(
            "UPDATE medical_record SET sent_at = COALESCE(sent_at, $2)
             WHERE id = (SELECT u.record_id FROM document_file f JOIN document_upload u ON u.id = f.upload_id
                         WHERE f.id = $1)",
        )
        .bind(id)
        .bind(now)
        .execute(&mut tx)
        .await
        .map_err(db_err)?;
        audit_in(&mut tx, &audit).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn fail_file(&self, id: i64, reasons: &[Reason]) -> StoreResult<()> {
        query(
            "UPDATE document_file SET status = 'not_sent', reasons = $2, lease_until = 0
             WHERE id = $1 AND status = 'queued'",
        )
        .bind(id)
        .bind(Reason::join(reasons))
        .execute(&self.db)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn retry_file(&self, id: i64, next_attempt_at: i64) -> StoreResult<()> {
        query("UPDATE document_file SET next_attempt_at = $2, lease_until = 0 WHERE id = $1 AND status = 'queued'")
            .bind(id)
            .bind(next_attempt_at)
            .execute(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn requeue_file(
        &self,
        id: i64,
        status: FileStatus,
        reasons: &[Reason],
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<bool> {
        let change = query(
            "UPDATE document_file SET status = $2, reasons = $3, next_attempt_at = $4, lease_until = 0,
                 attempts = 0
             WHERE id = $1 AND status IN ('not_sent', 'cannot_send')",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(Reason::join(reasons))
        .bind(now);
        let done = write_audited(&self.db, change, &audit).await?;
        Ok(done > 0)
    }

    async fn request_resend(&self, id: i64, now: i64, audit: AuditEntry) -> StoreResult<bool> {
        let change = query(
            "UPDATE document_file SET resend_requested_at = COALESCE(resend_requested_at, $2)
             WHERE id = $1 AND status <> 'delivered'",
        )
        .bind(id)
        .bind(now);
        let done = write_audited(&self.db, change, &audit).await?;
        Ok(done > 0)
    }

    async fn unlock_gate(&self, record_id: i64, now: i64, audit: AuditEntry) -> StoreResult<()> {
        let change = query("UPDATE medical_record SET dob_unlocked_at = COALESCE(dob_unlocked_at, $2) WHERE id = $1")
            .bind(record_id)
            .bind(now);
        write_audited(&self.db, change, &audit).await?;
        Ok(())
    }

    async fn confirm_phone(&self, card_id: i64, audit: AuditEntry) -> StoreResult<()> {
        let change = query("UPDATE patient_card SET phone_confirmed = $2 WHERE id = $1").bind(card_id).bind(true);
        write_audited(&self.db, change, &audit).await?;
        Ok(())
    }

    async fn create_protocol(
        &self,
        card_id: i64,
        staff_id: Option<i64>,
        author: i64,
        p: &ProtocolInput,
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<i64> {
        let mut tx = self.db.begin().await.map_err(db_err)?;
        let id: i64 = query(
            "INSERT INTO medical_record (card_id, kind, visit_date, staff_id, specialty, icd_code, icd_text,
                 title, body, search_text, created_at, author_account_id, own_consent)
             VALUES ($1, $2, $3, $4, (SELECT specialty FROM staff WHERE id = $4), $5, $6, $7, $8, $9, $10, $11,
                 $12)
             RETURNING id",
        )
        .bind(card_id)
        .bind(p.kind.as_str())
        .bind(format_date(p.visit_date))
        .bind(staff_id)
        .bind(&p.icd_code)
        .bind(&p.icd_text)
        .bind(&p.title)
        .bind(&p.body)
        .bind(&p.search_text)
        .bind(now)
        .bind(author)
        .bind(p.own_consent)
        .fetch_one(&mut tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_err)?;
        audit_in(&mut tx, &audit.object(format!("record:{id}"))).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    async fn update_protocol(
        &self,
        card_id: i64,
        id: i64,
        p: &ProtocolInput,
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<bool> {
        let change = query(
            "UPDATE medical_record SET kind = $3, visit_date = $4, icd_code = $5, icd_text = $6, title = $7,
                 body = $8, search_text = $9, updated_at = $10, own_consent = $11
             WHERE id = $1 AND card_id = $2 AND sent_at IS NULL",
        )
        .bind(id)
        .bind(card_id)
        .bind(p.kind.as_str())
        .bind(format_date(p.visit_date))
        .bind(&p.icd_code)
        .bind(&p.icd_text)
        .bind(&p.title)
        .bind(&p.body)
        .bind(&p.search_text)
        .bind(now)
        .bind(p.own_consent);
        let done = write_audited(&self.db, change, &audit).await?;
        Ok(done > 0)
    }

    async fn send_protocol(
        &self,
        card_id: i64,
        id: i64,
        dob_gate: bool,
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<bool> {
        let change = query(
            "UPDATE medical_record SET sent_at = $3, dob_gate = $4
             WHERE id = $1 AND card_id = $2 AND sent_at IS NULL",
        )
        .bind(id)
        .bind(card_id)
        .bind(now)
        .bind(dob_gate);
        let done = write_audited(&self.db, change, &audit).await?;
        Ok(done > 0)
    }
}
