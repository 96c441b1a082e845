//! The prices feature's pages and their paths: one line in `app.rs` (`<PricesRoutes/>`) mounts them all.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{path, MatchNestedRoutes, SsrMode};

#[component(transparent)]
pub fn PricesRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("prices") view=super::page::PricesPage ssr=SsrMode::Async/>
        <Route path=path!("staff/prices") view=super::admin_page::PriceAdminPage ssr=SsrMode::Async/>
        <Route path=path!("staff/prices/import/:id") view=super::import_page::PriceImportPage ssr=SsrMode::Async/>
    }
    .into_inner()
}
