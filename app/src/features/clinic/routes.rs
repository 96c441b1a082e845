//! Clinic administration's pages and their paths: one line in `app.rs` (`<ClinicRoutes/>`) mounts them all.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{path, MatchNestedRoutes, SsrMode};

#[component(transparent)]
pub fn ClinicRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("welcome") view=super::welcome_page::WelcomePage ssr=SsrMode::Async/>
    }
    .into_inner()
}
