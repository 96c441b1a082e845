//! Booking use cases: what the patient (or a guardian, for a ward) and the front desk can do
//! with doctors' times. Rules live in `features::booking::rules`; the store settles races.

use crate::features::booking::rules::*;
use crate::features::booking::store::*;
use crate::features::prices::rules::Kopecks;
use crate::kernel::error::{AppError, Problem};
use crate::kernel::person::FullName;
use crate::kernel::time_fmt::{local_date, parse_iso_date};
use crate::platform::profiles;
use crate::platform::state::AppState;
use crate::platform::store::{Actor, AuditEntry, SessionRecord};
use std::net::IpAddr;
use time::{Date, Duration, PrimitiveDateTime, Time, UtcOffset};

mod desk;
mod patient;
pub use desk::*;
pub use patient::*;

/// The profile a booking is for: the session's active card.
struct Acting {
    card_id: i64,
    ward: bool,
    name: String,
}

async fn acting(state: &AppState, session: &SessionRecord) -> Result<Acting, AppError> {
    let me = profiles::me(state, session).await?;
    let p = me.active_profile().ok_or(AppError::Forbidden)?;
    Ok(Acting { card_id: p.card_id, ward: p.is_ward, name: p.name.clone() })
}

fn doctor_view(d: &DoctorRecord) -> DoctorView {
    let full = FullName {
        surname: d.surname.clone(),
        name: d.name.clone(),
        patronymic: Some(d.patronymic.clone()).filter(|p| !p.is_empty()),
    };
    let initials: String = [&d.surname, &d.name].iter().filter_map(|s| s.chars().next()).collect();
    DoctorView {
        id: d.id,
        name: full.full(),
        specialty: d.specialty.clone().unwrap_or_default(),
        branch: d.branch_name.clone(),
        degree: d.degree.clone(),
        initials,
    }
}

fn pricing(l: &ServiceLinkRecord) -> ServicePricing {
    ServicePricing {
        price: l.price.filter(|_| l.show_price).map(Kopecks),
        prepayment: l.prepayment.map(Kopecks),
        prepayment_discount: l.prepayment_discount.map(Kopecks),
        round_to_roubles: l.round_to_roubles,
    }
}

fn offer(l: &ServiceLinkRecord, percent: u8) -> ServiceOffer {
    ServiceOffer {
        service_id: l.service_id,
        code: l.service_code.clone(),
        name: l.service_name.clone(),
        mode: l.mode,
        quote: quote(&pricing(l), percent),
    }
}

/// Unix seconds of a clinic-local day and minute.
pub fn slot_unix(day: Date, minute: u16, offset_minutes: i32) -> i64 {
    let offset = UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap_or(UtcOffset::UTC);
    let time = Time::from_hms(0, 0, 0).unwrap_or(Time::MIDNIGHT);
    PrimitiveDateTime::new(day, time).assume_offset(offset).unix_timestamp() + i64::from(minute) * 60
}

fn today(state: &AppState) -> Date {
    local_date(state.now(), state.utc_offset())
}

/// The free times of one schedule day, given the times already held.
fn free_of_day(state: &AppState, d: &ScheduleDayRecord, taken: &[(Date, u16)]) -> Vec<u16> {
    let today = today(state);
    let not_before = if d.day < today {
        return Vec::new();
    } else if d.day == today {
        let now_local = state.now() + i64::from(state.utc_offset()) * 60;
        (now_local.rem_euclid(86_400) / 60 + 1) as u16
    } else {
        0
    };
    let breaks = parse_breaks(&d.breaks).unwrap_or_default();
    let held: Vec<u16> = taken.iter().filter(|(day, _)| *day == d.day).map(|(_, m)| *m).collect();
    free_slots(&[Span { start: d.start_min, end: d.end_min }], &breaks, d.step_min, &held, not_before)
}

/// The doctor's schedule and free times from today to the booking horizon.
async fn free_days(
    state: &AppState,
    staff_id: i64,
    horizon_days: i64,
) -> Result<Vec<(ScheduleDayRecord, Vec<u16>)>, AppError> {
    let from = today(state);
    let to = from + Duration::days(horizon_days);
    let days = state.store.schedule(staff_id, from, to).await?;
    let taken = state.store.taken_times(staff_id, from, to).await?;
    Ok(days
        .into_iter()
        .map(|d| {
            let free = free_of_day(state, &d, &taken);
            (d, free)
        })
        .collect())
}

/// The free times nearest to (day, minute), for the "just taken" answer.
async fn nearest(
    state: &AppState,
    staff_id: i64,
    day: Date,
    minute: u16,
    horizon_days: i64,
) -> Result<Vec<SlotRef>, AppError> {
    Ok(nearest_of(state, &free_days(state, staff_id, horizon_days).await?, day, minute))
}

/// The free times among `days` nearest to (day, minute).
fn nearest_of(state: &AppState, days: &[(ScheduleDayRecord, Vec<u16>)], day: Date, minute: u16) -> Vec<SlotRef> {
    let offset = state.utc_offset();
    let all: Vec<(Date, i64, u16)> =
        days.iter().flat_map(|(d, free)| free.iter().map(move |&m| (d.day, slot_unix(d.day, m, offset), m))).collect();
    nearest_free(&all, slot_unix(day, minute, offset), 3)
        .into_iter()
        .map(|(day, start_min)| SlotRef { day, start_min })
        .collect()
}

async fn online_doctor(state: &AppState, staff_id: i64) -> Result<DoctorRecord, AppError> {
    state.store.doctors(true).await?.into_iter().find(|d| d.id == staff_id).ok_or(AppError::NotFound)
}

fn appointment_view(state: &AppState, a: &AppointmentRecord, settings: &BookingSettingsRecord) -> AppointmentView {
    let now = state.now();
    let upcoming = a.status.is_active() && a.starts_at + i64::from(a.duration_min) * 60 > now;
    let online_live = a.mode == VisitMode::Online && a.status.is_active();
    let show = state.config.video_link_minutes;
    let video_url = a
        .room
        .as_deref()
        .filter(|_| online_live && video_link_visible(now, a.starts_at, i64::from(a.duration_min), show))
        .map(|room| video_url(&state.config.video_base_url, room));
    let video_from = (online_live && video_url.is_none() && now < a.starts_at).then(|| a.starts_at - show * 60);
    AppointmentView {
        id: a.id,
        staff_id: a.staff_id,
        doctor: a.doctor_name.clone(),
        specialty: a.specialty.clone(),
        branch: a.branch_name.clone(),
        service_id: a.service_id,
        service: a.service_name.clone(),
        patient: a.patient_name.clone(),
        day: a.day,
        start_min: a.start_min,
        duration_min: a.duration_min,
        mode: a.mode,
        status: a.status,
        cancel_reason: a.cancel_reason.clone(),
        price: a.price.map(Kopecks),
        video_url,
        video_from,
        can_change: a.status.is_active() && cancellation_open(now, a.starts_at, settings.cancel_close_minutes),
        upcoming,
        source: a.source,
    }
}

fn parse_day(value: &str) -> Result<Date, AppError> {
    parse_iso_date(value).ok_or_else(|| AppError::field("day", Problem::Date))
}

fn parse_time(field: &str, value: &str) -> Result<u16, AppError> {
    parse_hhmm(value).ok_or_else(|| AppError::field(field, Problem::Time))
}
