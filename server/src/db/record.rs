//! `RecordStore`: the medical record (protocols, conclusions, what the patient entered).

use super::base::*;
use super::sql::{query, Row};
use super::SqlStore;
use crate::db::{db_err, format_date, parse_date};
use app::features::record::document_rules::Category;
use app::features::record::rules::RecordKind;
use app::features::record::store::*;
use app::platform::store::StoreResult;
use async_trait::async_trait;

const SELECT: &str = "
    SELECT r.id, r.card_id, r.kind, r.visit_date, r.staff_id, r.specialty, r.icd_code, r.icd_text,
           r.title, r.body, r.category, r.created_at, r.sent_at, r.author_account_id, r.dob_gate,
           r.dob_unlocked_at, EXISTS (SELECT 1 FROM document_upload u WHERE u.record_id = r.id) AS has_upload,
           r.own_consent,
           (SELECT ru.card_id FROM document_upload ru WHERE ru.record_id = r.id AND ru.card_id <> r.card_id)
               AS routed_from,
           s.surname AS d_surname, s.name AS d_name, s.patronymic AS d_patronymic
    FROM medical_record r LEFT JOIN staff s ON s.id = r.staff_id";

/// The filter's conditions on `$2` to `$7`, after the card's (`$1`).
const FILTER: &str = "
    AND ($2 IS NULL OR r.kind = $2) AND ($3 IS NULL OR r.visit_date >= $3)
      AND ($4 IS NULL OR r.visit_date <= $4) AND ($5 IS NULL OR r.staff_id = $5)
      AND ($6 IS NULL OR r.search_text LIKE $6 ESCAPE '\\') AND ($7 = FALSE OR r.sent_at IS NOT NULL)";

/// Which records of card `$1` its reader sees (`ReaderView`); staff (no reader) see
/// the card's rows as stored. The ward ids are the store's own numbers, written into
/// the statement as literals (their count varies).
fn card_cond(reader: Option<&ReaderView>) -> String {
    let Some(v) = reader else { return "r.card_id = $1".into() };
    let wards = if v.wards.is_empty() {
        String::new()
    } else {
        let ids: Vec<String> = v.wards.iter().map(i64::to_string).collect();
        format!(" AND lu.card_id NOT IN ({})", ids.join(", "))
    };
    let mut cond = format!(
        "(r.card_id = $1 AND NOT EXISTS (SELECT 1 FROM document_upload lu
            WHERE lu.record_id = r.id AND lu.card_id <> r.card_id{wards}))"
    );
    if v.sent_to_guardians {
        cond = format!("({cond} OR r.id IN (SELECT su.record_id FROM document_upload su WHERE su.card_id = $1))");
    }
    if v.guardian {
        cond.push_str(" AND r.own_consent = FALSE");
    }
    cond
}

fn row(r: &Row) -> StoreResult<RecordRow> {
    let date: String = r.try_get("visit_date").map_err(db_err)?;
    let doctor_name = Some(name_of(r, "d_")?).filter(|n| !n.trim().is_empty());
    Ok(RecordRow {
        id: r.try_get("id").map_err(db_err)?,
        card_id: r.try_get("card_id").map_err(db_err)?,
        kind: known(r, "kind", RecordKind::parse)?,
        visit_date: parse_date(&date)?,
        staff_id: r.try_get("staff_id").map_err(db_err)?,
        doctor_name,
        specialty: r.try_get("specialty").map_err(db_err)?,
        icd_code: r.try_get("icd_code").map_err(db_err)?,
        icd_text: r.try_get("icd_text").map_err(db_err)?,
        title: r.try_get("title").map_err(db_err)?,
        body: r.try_get("body").map_err(db_err)?,
        category: known_opt(r, "category", Category::parse)?,
        created_at: r.try_get("created_at").map_err(db_err)?,
        sent_at: r.try_get("sent_at").map_err(db_err)?,
        author_account_id: r.try_get("author_account_id").map_err(db_err)?,
        dob_gate: r.try_get("dob_gate").map_err(db_err)?,
        dob_unlocked_at: r.try_get("dob_unlocked_at").map_err(db_err)?,
        has_upload: r.try_get("has_upload").map_err(db_err)?,
        own_consent: r.try_get("own_consent").map_err(db_err)?,
        routed_from: r.try_get("routed_from").map_err(db_err)?,
    })
}

/// `%text%` for LIKE, with LIKE's own characters escaped.
fn like(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[async_trait]
impl RecordStore for SqlStore {
    async fn records(
        &self,
        card_id: i64,
        q: &RecordQuery,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<RecordRow>, i64)> {
        let text = q.text.as_deref().map(like);
        let cond = card_cond(q.reader.as_ref());
        let count_sql = format!("SELECT COUNT(*) AS n FROM medical_record r WHERE {cond} {FILTER}");
        let total: i64 = query(&count_sql)
            .bind(card_id)
            .bind(q.kind.map(RecordKind::as_str))
            .bind(q.from.map(format_date))
            .bind(q.to.map(format_date))
            .bind(q.doctor)
            .bind(&text)
            .bind(q.sent_only)
            .fetch_one(&self.db)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(db_err)?;
        let sql = format!("{SELECT} WHERE {cond} {FILTER} ORDER BY r.visit_date DESC, r.id DESC LIMIT $8 OFFSET $9");
        let rows = query(&sql)
            .bind(card_id)
            .bind(q.kind.map(RecordKind::as_str))
            .bind(q.from.map(format_date))
            .bind(q.to.map(format_date))
            .bind(q.doctor)
            .bind(&text)
            .bind(q.sent_only)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.db)
            .await
            .map_err(db_err)?;
        Ok((rows.iter().map(row).collect::<StoreResult<_>>()?, total))
    }

    async fn record(&self, card_id: i64, id: i64, sent_only: bool) -> StoreResult<Option<RecordRow>> {
        let sql = format!("{SELECT} WHERE r.id = $1 AND r.card_id = $2 AND ($3 = FALSE OR r.sent_at IS NOT NULL)");
        let r = query(&sql).bind(id).bind(card_id).bind(sent_only).fetch_optional(&self.db).await.map_err(db_err)?;
        r.as_ref().map(row).transpose()
    }

    async fn reader_record(&self, card_id: i64, id: i64, reader: &ReaderView) -> StoreResult<Option<RecordRow>> {
        let cond = card_cond(Some(reader));
        let sql = format!("{SELECT} WHERE r.id = $2 AND {cond} AND r.sent_at IS NOT NULL");
        let r = query(&sql).bind(card_id).bind(id).fetch_optional(&self.db).await.map_err(db_err)?;
        r.as_ref().map(row).transpose()
    }

    async fn own_consent_objects(&self, card_id: i64) -> StoreResult<Vec<String>> {
        let rows = query(
            "SELECT 'record' AS kind, r.id FROM medical_record r WHERE r.card_id = $1 AND r.own_consent = TRUE
             UNION ALL
             SELECT 'upload' AS kind, u.id FROM document_upload u JOIN medical_record r ON r.id = u.record_id
             WHERE r.card_id = $1 AND r.own_consent = TRUE
             UNION ALL
             SELECT 'file' AS kind, f.id FROM document_file f JOIN document_upload u ON u.id = f.upload_id
             JOIN medical_record r ON r.id = u.record_id WHERE r.card_id = $1 AND r.own_consent = TRUE",
        )
        .bind(card_id)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind").map_err(db_err)?;
                let id: i64 = r.try_get("id").map_err(db_err)?;
                Ok(format!("{kind}:{id}"))
            })
            .collect()
    }

    async fn record_doctors(&self, card_id: i64, reader: &ReaderView) -> StoreResult<Vec<(i64, String)>> {
        let cond = card_cond(Some(reader));
        let sql = format!(
            "SELECT DISTINCT s.id, s.surname, s.name, s.patronymic FROM medical_record r
             JOIN staff s ON s.id = r.staff_id WHERE {cond} AND r.sent_at IS NOT NULL ORDER BY s.surname, s.name"
        );
        let rows = query(&sql).bind(card_id).fetch_all(&self.db).await.map_err(db_err)?;
        rows.iter().map(|r| Ok((r.try_get("id").map_err(db_err)?, name_of(r, "")?))).collect()
    }
}
