//! `AuditStore`: the journal.

use super::base::*;
use super::sql::query;
use super::SqlStore;
use crate::db::db_err;
use app::kernel::account::ActorRole;
use app::platform::store::*;
use async_trait::async_trait;

#[async_trait]
impl AuditStore for SqlStore {
    async fn audit(&self, e: AuditEntry) -> StoreResult<()> {
        insert_audit(&self.db, &e).await
    }

    async fn audit_for_card(&self, card_id: i64) -> StoreResult<Vec<AuditEntry>> {
        query(
            "SELECT at, actor_account_id, actor_role, card_id, action, object, origin, detail
             FROM audit_log WHERE card_id = $1 ORDER BY at DESC, id DESC",
        )
        .bind(card_id)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| {
            Ok(AuditEntry {
                at: r.try_get("at").map_err(db_err)?,
                actor_account_id: r.try_get("actor_account_id").map_err(db_err)?,
                actor_role: known(r, "actor_role", ActorRole::parse)?,
                card_id: r.try_get("card_id").map_err(db_err)?,
                action: r.try_get("action").map_err(db_err)?,
                object: r.try_get("object").map_err(db_err)?,
                origin: r.try_get("origin").map_err(db_err)?,
                detail: r.try_get("detail").map_err(db_err)?,
            })
        })
        .collect()
    }
}
