//! The Prices tab.

use crate::domain::prices::PriceList;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{auth, state::use_state};

/// The price list under `plan_id`, or under the first plan the clinic shows in the cabinet.
/// Plans hidden from the cabinet are refused as unknown.
#[server(prefix = "/rpc", endpoint = "get_price_list")]
pub async fn get_price_list(plan_id: Option<i64>) -> Result<PriceList, AppError> {
    auth::finish(
        async {
            auth::require_session()?;
            let state = use_state()?;
            let plans = state.store.cabinet_tariff_plans().await?;
            let plan_id = match plan_id {
                Some(id) if plans.iter().any(|p| p.id == id) => Some(id),
                Some(_) => return Err(AppError::NotFound),
                None => plans.first().map(|p| p.id),
            };
            let sections = match plan_id {
                Some(id) => state.store.price_list(id).await?,
                None => Vec::new(),
            };
            Ok(PriceList { plans, plan_id, sections })
        }
        .await,
    )
}
