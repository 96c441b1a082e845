//! The notifications feature's pages: one line in `app.rs` (`<NotificationsRoutes/>`) mounts
//! them. The engine itself runs in the server (`server/src/lib.rs`, `spawn_notifications`).

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{path, MatchNestedRoutes, SsrMode};

#[component(transparent)]
pub fn NotificationsRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("staff/notifications") view=super::pages::NotificationsPage ssr=SsrMode::Async/>
        <Route path=path!("staff/notifications/log") view=super::pages::LogPage ssr=SsrMode::Async/>
        <Route path=path!("staff/notifications/:id") view=super::pages::SchedulePage ssr=SsrMode::Async/>
    }
    .into_inner()
}
