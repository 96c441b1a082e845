//! The cards feature's pages and their paths: one line in `app.rs` (`<CardsRoutes/>`) mounts them all.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{path, MatchNestedRoutes, SsrMode};

#[component(transparent)]
pub fn CardsRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("staff/cards") view=super::pages::StaffCardsPage ssr=SsrMode::Async/>
        <Route path=path!("staff/cards/new") view=super::pages::StaffCardNewPage ssr=SsrMode::Async/>
        <Route path=path!("staff/cards/:id") view=super::pages::StaffCardPage ssr=SsrMode::Async/>
    }
    .into_inner()
}
