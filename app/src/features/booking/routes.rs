//! The booking feature's pages and their paths: one line in `app.rs` (`<BookingRoutes/>`) mounts them all.

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{path, MatchNestedRoutes, SsrMode};

#[component(transparent)]
pub fn BookingRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("booking") view=super::page::BookingPage ssr=SsrMode::Async/>
        <Route path=path!("appointments") view=super::page::AppointmentsPage ssr=SsrMode::Async/>
        <Route path=path!("staff/booking") view=super::staff_pages::StaffBookingPage ssr=SsrMode::Async/>
        <Route path=path!("staff/schedule") view=super::staff_pages::StaffSchedulePage ssr=SsrMode::Async/>
        <Route path=path!("staff/appointments") view=super::staff_pages::StaffDayBookPage ssr=SsrMode::Async/>
        <Route path=path!("staff/appointments/:id") view=super::staff_pages::StaffAppointmentPage ssr=SsrMode::Async/>
    }
    .into_inner()
}
