//! The front desk's booking pages: online booking settings (the general discount, limits,
//! doctors' online switch and their service links), doctors' schedules by week, the day's
//! appointment book with statuses, desk booking and the waitlist, and each appointment's
//! history. Registrars and the head; the server refuses everyone else.

use crate::features::booking::api::{
    get_appointment_history, get_booking_admin, get_day_book, get_schedule_week, AddCancelReason, CloseWaitlist,
    CopyScheduleWeek, DeleteServiceLink, DeskBook, DeskReschedule, SaveBookingSettings, SaveScheduleDay,
    SaveServiceLink, SetAppointmentStatus, SetCancelReasonActive, SetDoctorBooking,
};
use crate::features::booking::page::{mode_label, status_label, QuoteView, ReasonChoice};
use crate::features::booking::rules::{
    format_hhmm, AppointmentHistory, AppointmentSource, AppointmentStatus, AppointmentView, BookingAdmin, CancelReason,
    DayBook, DoctorView, ScheduleWeek, StaffDoctorView, VisitMode,
};
use crate::i18n::{clinic_offset, use_lang, use_texts, Texts};
use crate::kernel::time_fmt::{format_date, format_datetime};
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use time::Duration;

mod appointment;
mod day_book;
mod schedule;
mod settings;
pub use appointment::*;
pub use day_book::*;
pub use schedule::*;
pub use settings::*;

fn event_label(t: &Texts, action: &str) -> String {
    match action {
        "booked" => t.booking().event_booked.to_string(),
        "rescheduled" => t.booking().event_rescheduled.to_string(),
        "notified_sms" => t.notifications().event_sms.to_string(),
        "notified_email" => t.notifications().event_email.to_string(),
        other => {
            AppointmentStatus::parse(other).map(|s| status_label(t, s).to_string()).unwrap_or_else(|| other.into())
        }
    }
}

/// A doctor picker as a plain GET form, so each view has an address.
#[component]
fn DoctorPicker(
    action: &'static str,
    doctors: Vec<DoctorView>,
    current: i64,
    extra: Option<(&'static str, String)>,
) -> impl IntoView {
    let t = use_texts();
    view! {
        <form method="get" action=action class="picker">
            <label for="doctor-pick">{t.step_doctor}</label>
            <select id="doctor-pick" name="doctor">
                {doctors.into_iter().map(|d| view! {
                    <option value=d.id.to_string() selected=d.id == current>{format!("{} — {}", d.name, d.specialty)}</option>
                }).collect_view()}
            </select>
            {extra.map(|(name, value)| {
                let label = if name == "day" { t.booking().day_label } else { t.booking().week_label };
                view! {
                    <label for="pick-date">{label}</label>
                    <input id="pick-date" name=name type="date" value=value/>
                }
            })}
            <button type="submit">{t.booking().show_button}</button>
        </form>
    }
}

#[component]
fn StaffBookingNav() -> impl IntoView {
    let t = use_texts();
    view! {
        <nav class="subnav" aria-label=t.nav_booking_settings>
            <a href="/staff/booking">{t.nav_booking_settings}</a>
            <a href="/staff/schedule">{t.nav_schedule}</a>
            <a href="/staff/appointments">{t.nav_day_book}</a>
        </nav>
    }
}
