//! What the prices feature needs from storage: the list the cabinet shows, and its
//! administration (tariff plans, imports).

use super::import_rules::{CurrentService, ImportRow, Summary};
use super::rules::{Funding, PlanRecord, PriceSection, SectionSummary, TariffPlan};
use crate::platform::audit::Actor;
use crate::platform::store::StoreResult;
use async_trait::async_trait;

/// The price list the cabinet shows.
#[async_trait]
pub trait PricesStore: Send + Sync {
    async fn cabinet_tariff_plans(&self) -> StoreResult<Vec<TariffPlan>>;
    /// Every section with how many services it lists, in the list's order.
    async fn price_sections(&self) -> StoreResult<Vec<SectionSummary>>;
    /// The services under `plan_id` (a price or none), of one section or of all.
    async fn price_list(&self, plan_id: i64, section: Option<i64>) -> StoreResult<Vec<PriceSection>>;
    /// The services whose search text holds every one of `words` (folded, as
    /// `rules::PriceQuery::words`), the first `limit` in the list's order, and how many match.
    async fn price_search(&self, plan_id: i64, words: &[String], limit: usize)
        -> StoreResult<(Vec<PriceSection>, i64)>;
}

/// A price-list file read and waiting for confirmation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StagedImport {
    pub id: i64,
    pub file_name: String,
    pub cells: Vec<Vec<String>>,
    pub created_at: i64,
    pub applied_at: Option<i64>,
}

/// What applying a staged import came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyOutcome {
    Applied(Summary),
    /// Applied before (a repeated click): nothing written again.
    AlreadyApplied,
    Missing,
}

/// A tariff plan as staff set it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanInput {
    pub name: String,
    pub funding: Funding,
    pub visible: bool,
}

/// The price list's administration.
#[async_trait]
pub trait PriceAdminStore: Send + Sync {
    /// Every plan, in the cabinet's order, with how many services it prices.
    async fn plans(&self) -> StoreResult<Vec<PlanRecord>>;
    /// Adds (`id` None) or changes a plan, journalled with what changed; None when `id` is unknown.
    async fn save_plan(&self, id: Option<i64>, plan: &PlanInput, actor: &Actor, now: i64) -> StoreResult<Option<i64>>;
    /// Keeps a file's cells until it is applied; imports older than a week are dropped.
    async fn stage_import(&self, account_id: i64, file_name: &str, cells: &[Vec<String>], now: i64)
        -> StoreResult<i64>;
    async fn staged_import(&self, id: i64) -> StoreResult<Option<StagedImport>>;
    /// Every service with its section and prices, in the list's order.
    async fn current_services(&self) -> StoreResult<Vec<CurrentService>>;
    /// In one transaction: marks the import applied (once), writes the rows that are new or
    /// changed under `plans`, journals the summary.
    async fn apply_import(
        &self,
        id: i64,
        rows: &[ImportRow],
        plans: &[i64],
        actor: &Actor,
        now: i64,
    ) -> StoreResult<ApplyOutcome>;
}
