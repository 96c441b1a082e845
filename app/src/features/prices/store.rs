//! What the prices feature needs from storage.

use super::rules::{PriceSection, TariffPlan};
use crate::platform::store::StoreResult;
use async_trait::async_trait;

/// The price list the cabinet shows.
#[async_trait]
pub trait PricesStore: Send + Sync {
    async fn cabinet_tariff_plans(&self) -> StoreResult<Vec<TariffPlan>>;
    async fn price_list(&self, plan_id: i64) -> StoreResult<Vec<PriceSection>>;
}
