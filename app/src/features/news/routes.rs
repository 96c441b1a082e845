//! The news feature's pages and their paths: one line in `app.rs` (`<NewsRoutes/>`) mounts them all.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{path, MatchNestedRoutes, SsrMode};

#[component(transparent)]
pub fn NewsRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("news") view=super::page::NewsListPage ssr=SsrMode::Async/>
        <Route path=path!("news/:id") view=super::page::NewsArticlePage ssr=SsrMode::Async/>
        <Route path=path!("staff/news") view=super::admin_pages::StaffNewsListPage ssr=SsrMode::Async/>
        <Route path=path!("staff/news/new") view=super::admin_pages::StaffNewsNewPage ssr=SsrMode::Async/>
        <Route path=path!("staff/news/:id") view=super::admin_pages::StaffNewsPage ssr=SsrMode::Async/>
        <Route path=path!("staff/news/:id/edit") view=super::admin_pages::StaffNewsEditPage ssr=SsrMode::Async/>
    }
    .into_inner()
}
