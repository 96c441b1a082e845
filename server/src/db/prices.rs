//! `PricesStore`: tariff plans and the price list; `PriceAdminStore`: their administration
//! and the import of a file in one transaction.

use super::base::*;
use super::sql::{query, Tx};
use super::SqlStore;
use crate::db::db_err;
use app::features::prices::import_rules::{compare, CurrentService, ImportRow, Summary};
use app::features::prices::rules::{
    search_text, Funding, Kopecks, PlanRecord, PriceItem, PriceSection, SectionSummary, TariffPlan,
};
use app::features::prices::store::*;
use app::platform::audit::Actor;
use app::platform::store::*;
use async_trait::async_trait;
use std::collections::HashMap;

/// Rows per multi-row statement: up to 5 values each, far under both backends' limits on bound values.
const CHUNK: usize = 400;

#[async_trait]
impl PricesStore for SqlStore {
    async fn cabinet_tariff_plans(&self) -> StoreResult<Vec<TariffPlan>> {
        query("SELECT id, name FROM tariff_plan WHERE visible_in_cabinet = TRUE ORDER BY position, id")
            .fetch_all(&self.db)
            .await
            .and_then(|rows| {
                rows.iter().map(|r| Ok(TariffPlan { id: r.try_get("id")?, name: r.try_get("name")? })).collect()
            })
            .map_err(db_err)
    }

    async fn price_sections(&self) -> StoreResult<Vec<SectionSummary>> {
        query(
            "SELECT s.id, s.name, COUNT(v.id) AS services
             FROM price_section s
             JOIN price_service v ON v.section_id = s.id
             GROUP BY s.id, s.name, s.position
             ORDER BY s.position, s.id",
        )
        .fetch_all(&self.db)
        .await
        .and_then(|rows| {
            rows.iter()
                .map(|r| {
                    Ok(SectionSummary {
                        id: r.try_get("id")?,
                        name: r.try_get("name")?,
                        services: r.try_get("services")?,
                    })
                })
                .collect()
        })
        .map_err(db_err)
    }

    async fn price_list(&self, plan_id: i64, section: Option<i64>) -> StoreResult<Vec<PriceSection>> {
        let rows = query(&format!("{LIST_COLUMNS} WHERE $2 IS NULL OR s.id = $2 ORDER BY {LIST_ORDER}"))
            .bind(plan_id)
            .bind(section)
            .fetch_all(&self.db)
            .await
            .map_err(db_err)?;
        by_section(&rows)
    }

    async fn price_search(
        &self,
        plan_id: i64,
        words: &[String],
        limit: usize,
    ) -> StoreResult<(Vec<PriceSection>, i64)> {
        // One LIKE per word, each a folded word with its wildcards escaped; numbered from `first`.
        let filter = |first: usize| -> String {
            let likes: Vec<String> =
                (0..words.len()).map(|i| format!("v.search_text LIKE ${} ESCAPE '\\'", i + first)).collect();
            if likes.is_empty() {
                "1 = 1".to_string()
            } else {
                likes.join(" AND ")
            }
        };
        let patterns: Vec<String> = words
            .iter()
            .map(|w| format!("%{}%", w.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")))
            .collect();
        let sql = format!("{LIST_COLUMNS} WHERE {} ORDER BY {LIST_ORDER} LIMIT {limit}", filter(2));
        let rows = patterns.iter().fold(query(&sql).bind(plan_id), |q, p| q.bind(p.as_str())).fetch_all(&self.db).await;
        let sections = by_section(&rows.map_err(db_err)?)?;
        let count = format!("SELECT COUNT(*) AS n FROM price_service v WHERE {}", filter(1));
        let total: i64 = patterns
            .iter()
            .fold(query(&count), |q, p| q.bind(p.as_str()))
            .fetch_one(&self.db)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(db_err)?;
        Ok((sections, total))
    }
}

/// The price list's rows: service, section and the price under the plan `$1`.
const LIST_COLUMNS: &str = "SELECT s.id AS section_id, s.name AS section, v.code, v.name AS service, p.kopecks
     FROM price_service v
     JOIN price_section s ON s.id = v.section_id
     LEFT JOIN price p ON p.service_id = v.id AND p.plan_id = $1";
const LIST_ORDER: &str = "s.position, s.id, v.position, v.id";

/// Rows in the list's order, grouped into their sections.
fn by_section(rows: &[super::sql::Row]) -> StoreResult<Vec<PriceSection>> {
    let mut sections: Vec<PriceSection> = Vec::new();
    for r in rows {
        let section_id: i64 = r.try_get("section_id").map_err(db_err)?;
        let item = PriceItem {
            code: r.try_get("code").map_err(db_err)?,
            service: r.try_get("service").map_err(db_err)?,
            price: r.try_get::<Option<i64>, _>("kopecks").map_err(db_err)?.map(Kopecks),
        };
        match sections.last_mut() {
            Some(s) if s.id == section_id => s.items.push(item),
            _ => sections.push(PriceSection {
                id: section_id,
                name: r.try_get("section").map_err(db_err)?,
                items: vec![item],
            }),
        }
    }
    Ok(sections)
}

/// Fills in the search text of services written before it was kept (migration 0018), in chunks;
/// run when the portal opens the database, a no-op once done.
pub async fn fill_search_text(db: &super::sql::Db) -> StoreResult<()> {
    loop {
        let rows = query(
            "SELECT v.id, v.code, v.name, s.name AS section FROM price_service v
             JOIN price_section s ON s.id = v.section_id WHERE v.search_text = '' LIMIT 500",
        )
        .fetch_all(db)
        .await
        .map_err(db_err)?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = db.begin_write().await.map_err(db_err)?;
        for r in &rows {
            let (id, code, name, section): (i64, String, String, String) = (
                r.try_get("id").map_err(db_err)?,
                r.try_get("code").map_err(db_err)?,
                r.try_get("name").map_err(db_err)?,
                r.try_get("section").map_err(db_err)?,
            );
            query("UPDATE price_service SET search_text = $2 WHERE id = $1")
                .bind(id)
                .bind(search_text(&section, &code, &name))
                .execute(&mut tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
    }
}

/// "$1, $2, …" groups for `rows` rows of `width` values each: "($1, $2), ($3, $4)".
fn placeholders(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| {
            let cols: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", cols.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn current_services_on<'c>(on: impl super::sql::On<'c>) -> StoreResult<Vec<CurrentService>> {
    let rows = query(
        "SELECT v.id, v.code, v.name, s.name AS section, p.plan_id, p.kopecks
         FROM price_service v
         JOIN price_section s ON s.id = v.section_id
         LEFT JOIN price p ON p.service_id = v.id
         ORDER BY s.position, s.id, v.position, v.id, p.plan_id",
    )
    .fetch_all(on)
    .await
    .map_err(db_err)?;
    let mut out: Vec<(i64, CurrentService)> = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("id").map_err(db_err)?;
        let price = match (r.try_get::<Option<i64>, _>("plan_id"), r.try_get::<Option<i64>, _>("kopecks")) {
            (Ok(Some(plan)), Ok(Some(k))) => Some((plan, Kopecks(k))),
            (Err(e), _) | (_, Err(e)) => return Err(db_err(e)),
            _ => None,
        };
        match out.last_mut() {
            Some((last, c)) if *last == id => c.prices.extend(price),
            _ => out.push((
                id,
                CurrentService {
                    code: r.try_get("code").map_err(db_err)?,
                    section: r.try_get("section").map_err(db_err)?,
                    name: r.try_get("name").map_err(db_err)?,
                    prices: price.into_iter().collect(),
                },
            )),
        }
    }
    Ok(out.into_iter().map(|(_, c)| c).collect())
}

/// The section named `name`, made at the end of the list when there is none.
async fn section_id(tx: &mut Tx, known: &mut HashMap<String, i64>, name: &str) -> StoreResult<i64> {
    if let Some(id) = known.get(name) {
        return Ok(*id);
    }
    let id: i64 = query(
        "INSERT INTO price_section (name, position)
         VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM price_section)) RETURNING id",
    )
    .bind(name)
    .fetch_one(&mut *tx)
    .await
    .and_then(|r| r.try_get("id"))
    .map_err(db_err)?;
    known.insert(name.to_string(), id);
    Ok(id)
}

fn plan_of(r: &super::sql::Row) -> StoreResult<PlanRecord> {
    Ok(PlanRecord {
        id: r.try_get("id").map_err(db_err)?,
        name: r.try_get("name").map_err(db_err)?,
        funding: known(r, "funding", Funding::parse)?,
        visible: r.try_get("visible_in_cabinet").map_err(db_err)?,
        priced: r.try_get("priced").map_err(db_err)?,
    })
}

const PLAN_COLUMNS: &str = "SELECT t.id, t.name, t.funding, t.visible_in_cabinet,
        (SELECT COUNT(*) FROM price p WHERE p.plan_id = t.id) AS priced
     FROM tariff_plan t";

fn describe(p: &PlanRecord) -> String {
    format!("{} ({}, {})", p.name, p.funding.as_str(), if p.visible { "shown" } else { "hidden" })
}

/// A new tariff plan, last in the cabinet's order: «Тарифные планы» and the demo clinic's plans.
pub(super) async fn insert_plan(tx: &mut Tx, plan: &PlanInput) -> StoreResult<i64> {
    query(
        "INSERT INTO tariff_plan (name, funding, visible_in_cabinet, position)
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), -1) + 1 FROM tariff_plan)) RETURNING id",
    )
    .bind(&plan.name)
    .bind(plan.funding.as_str())
    .bind(plan.visible)
    .fetch_one(&mut *tx)
    .await
    .and_then(|r| r.try_get("id"))
    .map_err(db_err)
}

/// Writes the rows of a price list that are new or changed against the list in force (services
/// by their external code, sections by name, the prices under `plans` in `rows`' price order),
/// in multi-row statements; what changed. The import's «Применить» and the demo clinic's seed
/// both write their price lists through here.
pub(super) async fn write_price_rows(tx: &mut Tx, rows: &[ImportRow], plans: &[i64]) -> StoreResult<Summary> {
    let current = current_services_on(&mut *tx).await?;
    let (summary, write) = compare(&current, rows, plans);
    let mut sections: HashMap<String, i64> = HashMap::new();
    for r in query("SELECT id, name FROM price_section").fetch_all(&mut *tx).await.map_err(db_err)? {
        sections.entry(r.try_get("name").map_err(db_err)?).or_insert(r.try_get("id").map_err(db_err)?);
    }
    let mut service_ids: HashMap<String, i64> = HashMap::new();
    for chunk in write.chunks(CHUNK) {
        let mut section_of = Vec::with_capacity(chunk.len());
        for &i in chunk {
            section_of.push(section_id(&mut *tx, &mut sections, &rows[i].section).await?);
        }
        let sql = format!(
            "INSERT INTO price_service (section_id, code, name, position, search_text) VALUES {}
             ON CONFLICT (code) DO UPDATE
             SET section_id = excluded.section_id, name = excluded.name, position = excluded.position,
                 search_text = excluded.search_text
             RETURNING id, code",
            placeholders(chunk.len(), 5)
        );
        let mut q = query(&sql);
        for (&i, section) in chunk.iter().zip(&section_of) {
            let r = &rows[i];
            let text = search_text(&r.section, &r.code, &r.name);
            q = q.bind(*section).bind(&r.code).bind(&r.name).bind(r.line as i64).bind(text);
        }
        for r in q.fetch_all(&mut *tx).await.map_err(db_err)? {
            service_ids.insert(r.try_get("code").map_err(db_err)?, r.try_get("id").map_err(db_err)?);
        }
    }
    let ids: Vec<i64> = write.iter().filter_map(|&i| service_ids.get(&rows[i].code).copied()).collect();
    for (slot, plan) in plans.iter().enumerate() {
        for chunk in ids.chunks(CHUNK) {
            let list: Vec<String> = (0..chunk.len()).map(|k| format!("${}", k + 2)).collect();
            let sql = format!("DELETE FROM price WHERE plan_id = $1 AND service_id IN ({})", list.join(", "));
            chunk.iter().fold(query(&sql).bind(*plan), |q, id| q.bind(*id)).execute(&mut *tx).await.map_err(db_err)?;
        }
        let priced: Vec<(i64, i64)> = write
            .iter()
            .filter_map(|&i| Some((*service_ids.get(&rows[i].code)?, rows[i].prices.get(slot).copied().flatten()?.0)))
            .collect();
        for chunk in priced.chunks(CHUNK) {
            let sql =
                format!("INSERT INTO price (service_id, plan_id, kopecks) VALUES {}", placeholders(chunk.len(), 3));
            chunk
                .iter()
                .fold(query(&sql), |q, (service, kopecks)| q.bind(*service).bind(*plan).bind(*kopecks))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
    }
    Ok(summary)
}

#[async_trait]
impl PriceAdminStore for SqlStore {
    async fn plans(&self) -> StoreResult<Vec<PlanRecord>> {
        query(&format!("{PLAN_COLUMNS} ORDER BY t.position, t.id"))
            .fetch_all(&self.db)
            .await
            .map_err(db_err)?
            .iter()
            .map(plan_of)
            .collect()
    }

    async fn save_plan(&self, id: Option<i64>, plan: &PlanInput, actor: &Actor, now: i64) -> StoreResult<Option<i64>> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        let after =
            |id| PlanRecord { id, name: plan.name.clone(), funding: plan.funding, visible: plan.visible, priced: 0 };
        let (id, detail) = match id {
            None => {
                let id = insert_plan(&mut tx, plan).await?;
                (id, format!("— → {}", describe(&after(id))))
            }
            Some(id) => {
                let Some(before) = query(&format!("{PLAN_COLUMNS} WHERE t.id = $1"))
                    .bind(id)
                    .fetch_optional(&mut tx)
                    .await
                    .map_err(db_err)?
                else {
                    return Ok(None);
                };
                let before = plan_of(&before)?;
                query("UPDATE tariff_plan SET name = $2, funding = $3, visible_in_cabinet = $4 WHERE id = $1")
                    .bind(id)
                    .bind(&plan.name)
                    .bind(plan.funding.as_str())
                    .bind(plan.visible)
                    .execute(&mut tx)
                    .await
                    .map_err(db_err)?;
                (id, format!("{} → {}", describe(&before), describe(&after(id))))
            }
        };
        audit_in(&mut tx, &AuditEntry::by(actor, now, "prices.plan").object(format!("plan:{id}")).detail(detail))
            .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(Some(id))
    }

    async fn stage_import(
        &self,
        account_id: i64,
        file_name: &str,
        cells: &[Vec<String>],
        now: i64,
    ) -> StoreResult<i64> {
        let json = serde_json::to_string(cells).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        query("DELETE FROM price_import WHERE created_at < $1")
            .bind(now - 7 * 86_400)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        let id = query(
            "INSERT INTO price_import (account_id, file_name, cells, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(account_id)
        .bind(file_name)
        .bind(json)
        .bind(now)
        .fetch_one(&mut tx)
        .await
        .and_then(|r| r.try_get("id"))
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    async fn staged_import(&self, id: i64) -> StoreResult<Option<StagedImport>> {
        let Some(r) = query("SELECT id, file_name, cells, created_at, applied_at FROM price_import WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.db)
            .await
            .map_err(db_err)?
        else {
            return Ok(None);
        };
        let cells: String = r.try_get("cells").map_err(db_err)?;
        Ok(Some(StagedImport {
            id: r.try_get("id").map_err(db_err)?,
            file_name: r.try_get("file_name").map_err(db_err)?,
            cells: serde_json::from_str(&cells).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            created_at: r.try_get("created_at").map_err(db_err)?,
            applied_at: r.try_get("applied_at").map_err(db_err)?,
        }))
    }

    async fn current_services(&self) -> StoreResult<Vec<CurrentService>> {
        current_services_on(&self.db).await
    }

    async fn apply_import(
        &self,
        id: i64,
        rows: &[ImportRow],
        plans: &[i64],
        actor: &Actor,
        now: i64,
    ) -> StoreResult<ApplyOutcome> {
        let mut tx = self.db.begin_write().await.map_err(db_err)?;
        let marked = query("UPDATE price_import SET applied_at = $2 WHERE id = $1 AND applied_at IS NULL")
            .bind(id)
            .bind(now)
            .execute(&mut tx)
            .await
            .map_err(db_err)?;
        if marked.rows_affected() == 0 {
            let exists = query("SELECT id FROM price_import WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut tx)
                .await
                .map_err(db_err)?;
            return Ok(if exists.is_some() { ApplyOutcome::AlreadyApplied } else { ApplyOutcome::Missing });
        }
        let summary = write_price_rows(&mut tx, rows, plans).await?;
        let detail = format!(
            "added {}, changed {}, unchanged {}, new sections {}",
            summary.added, summary.changed, summary.unchanged, summary.new_sections
        );
        audit_in(
            &mut tx,
            &AuditEntry::by(actor, now, "prices.import").object(format!("price_import:{id}")).detail(detail),
        )
        .await?;
        tx.commit().await.map_err(db_err)?;
        Ok(ApplyOutcome::Applied(summary))
    }
}
