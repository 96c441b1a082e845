//! `PricesStore`: tariff plans and the price list.

use super::sql::query;
use super::SqlStore;
use crate::db::db_err;
use app::features::prices::rules::{Kopecks, PriceItem, PriceSection, TariffPlan};
use app::features::prices::store::*;
use app::platform::store::*;
use async_trait::async_trait;

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

    async fn price_list(&self, plan_id: i64) -> StoreResult<Vec<PriceSection>> {
        let rows = query(
            "SELECT s.id AS section_id, s.name AS section, v.code, v.name AS service, p.kopecks
             FROM price p
             JOIN price_service v ON v.id = p.service_id
             JOIN price_section s ON s.id = v.section_id
             WHERE p.plan_id = $1
             ORDER BY s.position, s.id, v.position, v.id",
        )
        .bind(plan_id)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?;
        let mut sections: Vec<(i64, PriceSection)> = Vec::new();
        for r in &rows {
            let section_id: i64 = r.try_get("section_id").map_err(db_err)?;
            let item = PriceItem {
                code: r.try_get("code").map_err(db_err)?,
                service: r.try_get("service").map_err(db_err)?,
                price: Kopecks(r.try_get("kopecks").map_err(db_err)?),
            };
            match sections.last_mut() {
                Some((id, s)) if *id == section_id => s.items.push(item),
                _ => sections.push((
                    section_id,
                    PriceSection { name: r.try_get("section").map_err(db_err)?, items: vec![item] },
                )),
            }
        }
        Ok(sections.into_iter().map(|(_, s)| s).collect())
    }
}
