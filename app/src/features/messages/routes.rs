//! The messages feature's pages and their paths: one line in `app.rs` (`<MessagesRoutes/>`)
//! mounts them all. Sending (multipart, with files) and attachments are routes of the server
//! (`server/src/routes/messages.rs`).

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{path, MatchNestedRoutes, SsrMode};

#[component(transparent)]
pub fn MessagesRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("messages") view=super::page::MessagesPage ssr=SsrMode::Async/>
        <Route path=path!("messages/new") view=super::page::NewMessagePage ssr=SsrMode::Async/>
        <Route path=path!("messages/clinic/:id") view=super::page::BroadcastPage ssr=SsrMode::Async/>
        <Route path=path!("messages/:id") view=super::page::DialoguePage ssr=SsrMode::Async/>
        <Route path=path!("staff/messages") view=super::staff_pages::StaffInboxPage ssr=SsrMode::Async/>
        <Route path=path!("staff/messages/:id") view=super::staff_pages::StaffDialoguePage ssr=SsrMode::Async/>
        <Route path=path!("staff/broadcasts") view=super::broadcast_pages::BroadcastsPage ssr=SsrMode::Async/>
        <Route path=path!("staff/broadcasts/:id") view=super::broadcast_pages::StaffBroadcastPage ssr=SsrMode::Async/>
    }
    .into_inner()
}
