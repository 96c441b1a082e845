//! The Prices tab.

use crate::features::prices::rules::PriceList;
use crate::kernel::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::platform::auth;
#[cfg(feature = "ssr")]
use crate::platform::server_fn::with_error_status;
#[cfg(feature = "ssr")]
use crate::platform::state::use_state;

/// The price list under `plan_id`, or under the first plan the clinic shows in the cabinet.
/// Plans hidden from the cabinet are refused as unknown.
#[server(prefix = "/rpc", endpoint = "get_price_list")]
pub async fn get_price_list(plan_id: Option<i64>) -> Result<PriceList, AppError> {
    with_error_status(
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
