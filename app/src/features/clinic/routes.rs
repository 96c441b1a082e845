//! Clinic administration's pages and their paths: `<ClinicRoutes/>` (public) and
//! `<ClinicStaffRoutes/>` (inside the cabinet's frame) in `app.rs`.

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

/// The signed-in pages, inside the cabinet's frame.
#[component(transparent)]
pub fn ClinicStaffRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("staff/clinic") view=super::details_page::ClinicDetailsPage ssr=SsrMode::Async/>
        <Route path=path!("staff/team") view=super::team_page::TeamPage ssr=SsrMode::Async/>
        <Route path=path!("staff/branches") view=super::branches_page::BranchesPage ssr=SsrMode::Async/>
        <Route path=path!("staff/doctors") view=super::doctors_page::DoctorsPage ssr=SsrMode::Async/>
        <Route path=path!("staff/journal") view=super::journal_page::JournalPage ssr=SsrMode::Async/>
    }
    .into_inner()
}
