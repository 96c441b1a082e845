//! The onboarding feature's pages and their paths: one line in `app.rs` (`<OnboardingRoutes/>`) mounts them all.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{path, MatchNestedRoutes, SsrMode};

#[component(transparent)]
pub fn OnboardingRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("register") view=super::register_page::RegisterPage ssr=SsrMode::Async/>
        <Route path=path!("register/code") view=super::register_page::RegisterCodePage ssr=SsrMode::Async/>
        <Route path=path!("demo/mail") view=super::register_page::DemoMailboxPage ssr=SsrMode::Async/>
    }
    .into_inner()
}
