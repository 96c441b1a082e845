//! The session feature's pages and their paths: one line in `app.rs` (`<SessionRoutes/>`) mounts them all.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{path, MatchNestedRoutes, SsrMode};

#[component(transparent)]
pub fn SessionRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("signin") view=super::signin_page::SignInPage ssr=SsrMode::Async/>
        <Route path=path!("signin/second-factor") view=super::second_factor_page::SecondFactorPage ssr=SsrMode::Async/>
    }
    .into_inner()
}
