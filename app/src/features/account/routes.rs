//! The account feature's pages and their paths: one line in `app.rs` (`<AccountRoutes/>`) mounts them all.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{path, MatchNestedRoutes, SsrMode};

#[component(transparent)]
pub fn AccountRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("account") view=super::page::AccountPage ssr=SsrMode::Async/>
    }
    .into_inner()
}
