//! The record feature's pages and their paths: one line in `app.rs` (`<RecordRoutes/>`) mounts them all.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{path, MatchNestedRoutes, SsrMode};

#[component(transparent)]
pub fn RecordRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("record") view=super::page::RecordPage ssr=SsrMode::Async/>
        <Route path=path!("record/:id") view=super::page::RecordItemPage ssr=SsrMode::Async/>
        <Route path=path!("staff/cards/:id/documents") view=super::document_pages::StaffCardDocumentsPage ssr=SsrMode::Async/>
        <Route path=path!("staff/cards/:id/records/:record") view=super::document_pages::StaffProtocolPage ssr=SsrMode::Async/>
        <Route path=path!("staff/documents") view=super::document_pages::StaffDocumentsPage ssr=SsrMode::Async/>
        <Route path=path!("staff/modules") view=super::document_pages::StaffModulesPage ssr=SsrMode::Async/>
    }
    .into_inner()
}
