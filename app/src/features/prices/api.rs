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
/// Plans hidden from the cabinet are refused as unknown. A short list comes whole; a long one
/// (over [`WHOLE_LIST_MAX`](crate::features::prices::rules::WHOLE_LIST_MAX) services) comes as
/// its index of sections with the rows of `section` or of the search `q`.
#[server(prefix = "/rpc", endpoint = "get_price_list")]
pub async fn get_price_list(
    plan_id: Option<i64>,
    section: Option<i64>,
    q: Option<String>,
) -> Result<PriceList, AppError> {
    with_error_status(
        async {
            auth::require_session()?;
            let state = use_state()?;
            price_list(&*state.store, plan_id, section, q.as_deref().unwrap_or_default()).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
async fn price_list(
    store: &dyn crate::features::prices::store::PricesStore,
    plan_id: Option<i64>,
    section: Option<i64>,
    q: &str,
) -> Result<PriceList, AppError> {
    use crate::features::prices::rules::{PriceQuery, MATCHES_SHOWN, QUERY_MAX_CHARS, WHOLE_LIST_MAX};
    let plans = store.cabinet_tariff_plans().await?;
    let plan_id = match plan_id {
        Some(id) if plans.iter().any(|p| p.id == id) => Some(id),
        Some(_) => return Err(AppError::NotFound),
        None => plans.first().map(|p| p.id),
    };
    let Some(id) = plan_id else {
        return Ok(PriceList { plans, plan_id, sections: Vec::new(), index: None, section: None, more: 0 });
    };
    let index = store.price_sections().await?;
    if index.iter().map(|s| s.services).sum::<i64>() <= WHOLE_LIST_MAX {
        let sections = store.price_list(id, None).await?;
        return Ok(PriceList { plans, plan_id, sections, index: None, section: None, more: 0 });
    }
    let query = PriceQuery::new(&q.chars().take(QUERY_MAX_CHARS).collect::<String>());
    let (sections, section, more) = if !query.is_empty() {
        let (sections, total) = store.price_search(id, query.words(), MATCHES_SHOWN).await?;
        let shown: usize = sections.iter().map(|s| s.items.len()).sum();
        (sections, None, (total as usize).saturating_sub(shown))
    } else if let Some(s) = section {
        if !index.iter().any(|i| i.id == s) {
            return Err(AppError::NotFound);
        }
        (store.price_list(id, Some(s)).await?, Some(s), 0)
    } else {
        (Vec::new(), None, 0)
    };
    Ok(PriceList { plans, plan_id, sections, index: Some(index), section, more })
}
