//! Booking use cases: what the patient (or a guardian, for a ward) and the front desk can do
//! with doctors' times. Rules live in `domain::booking`; the store settles races.

use super::booking_store::*;
use super::profiles;
use super::state::AppState;
use super::store::{Actor, AuditEntry, SessionRecord};
use crate::domain::booking::*;
use crate::domain::person::FullName;
use crate::domain::prices::Kopecks;
use crate::domain::time_fmt::{local_date, parse_iso_date};
use crate::error::{AppError, Problem};
use std::net::IpAddr;
use time::{Date, Duration, PrimitiveDateTime, Time, UtcOffset};

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
    local_date(state.now(), state.config.utc_offset_minutes)
}

/// The free times of one schedule day, given the times already held.
fn free_of_day(state: &AppState, d: &ScheduleDayRecord, taken: &[(Date, u16)]) -> Vec<u16> {
    let today = today(state);
    let not_before = if d.day < today {
        return Vec::new();
    } else if d.day == today {
        let now_local = state.now() + i64::from(state.config.utc_offset_minutes) * 60;
        (now_local.rem_euclid(86_400) / 60 + 1) as u16
    } else {
        0
    };
    let breaks = parse_breaks(&d.breaks).unwrap_or_default();
    let held: Vec<u16> = taken.iter().filter(|(day, _)| *day == d.day).map(|(_, m)| *m).collect();
    free_slots(&[Span { start: d.start_min, end: d.end_min }], &breaks, d.step_min, &held, not_before)
}

/// The doctor's schedule and free times from today to the booking horizon.
async fn free_days(state: &AppState, staff_id: i64) -> Result<Vec<(ScheduleDayRecord, Vec<u16>)>, AppError> {
    let from = today(state);
    let to = from + Duration::days(BOOKING_HORIZON_DAYS);
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
async fn nearest(state: &AppState, staff_id: i64, day: Date, minute: u16) -> Result<Vec<SlotRef>, AppError> {
    let offset = state.config.utc_offset_minutes;
    let all: Vec<(Date, i64, u16)> = free_days(state, staff_id)
        .await?
        .into_iter()
        .flat_map(|(d, free)| free.into_iter().map(move |m| (d.day, slot_unix(d.day, m, offset), m)))
        .collect();
    Ok(nearest_free(&all, slot_unix(day, minute, offset), 3)
        .into_iter()
        .map(|(day, start_min)| SlotRef { day, start_min })
        .collect())
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

/// What the patient chose on the booking page (all optional: each step adds one).
#[derive(Clone, Debug, Default)]
pub struct BookingQuery {
    pub specialty: Option<String>,
    pub doctor: Option<i64>,
    pub service: Option<i64>,
    pub day: Option<String>,
    pub reschedule: Option<i64>,
}

pub async fn view(state: &AppState, session: &SessionRecord, q: BookingQuery) -> Result<BookingView, AppError> {
    let who = acting(state, session).await?;
    let settings = state.store.booking_settings().await?;
    let moving = match q.reschedule {
        Some(id) => {
            let a = own_appointment(state, &who, id).await?;
            Some(appointment_view(state, &a, &settings))
        }
        None => None,
    };
    let doctors = state.store.doctors(true).await?;
    let mut specialties: Vec<String> = doctors.iter().filter_map(|d| d.specialty.clone()).collect();
    specialties.dedup();
    // Moving an appointment keeps its doctor and service.
    let doctor_id = moving.as_ref().map(|m| m.staff_id).or(q.doctor);
    let doctor = doctor_id.and_then(|id| doctors.iter().find(|d| d.id == id));
    let specialty = doctor.and_then(|d| d.specialty.clone()).or(q.specialty.filter(|s| specialties.contains(s)));
    let listed: Vec<DoctorView> =
        doctors.iter().filter(|d| specialty.is_none() || d.specialty == specialty).map(doctor_view).collect();
    let mut view = BookingView {
        patient_name: who.name,
        specialties,
        specialty,
        doctors: listed,
        doctor: doctor.map(doctor_view),
        services: Vec::new(),
        service: None,
        needs_service: false,
        days: Vec::new(),
        day: None,
        slots: Vec::new(),
        moving,
    };
    let Some(doctor) = doctor else { return Ok(view) };
    let links = state.store.service_links(Some(doctor.id)).await?;
    view.services = links.iter().map(|l| offer(l, settings.online_discount_percent)).collect();
    let service_id = view.moving.as_ref().and_then(|m| m.service_id).or(q.service);
    view.service = service_id.and_then(|id| view.services.iter().find(|s| s.service_id == id).cloned());
    view.needs_service = !links.is_empty() && view.service.is_none();
    if view.needs_service {
        return Ok(view);
    }
    let days = free_days(state, doctor.id).await?;
    view.days = days.iter().map(|(d, free)| DayOption { day: d.day, free: free.len() }).collect();
    let wanted = q.day.as_deref().and_then(parse_iso_date);
    let chosen = wanted
        .and_then(|w| days.iter().find(|(d, _)| d.day == w))
        .or_else(|| days.iter().find(|(_, free)| !free.is_empty()));
    if let Some((d, free)) = chosen {
        view.day = Some(d.day);
        view.slots = free.clone();
    }
    Ok(view)
}

/// A time the cabinet or the desk asks for.
pub struct SlotRequest {
    pub doctor: i64,
    pub service: Option<i64>,
    pub day: String,
    pub time: String,
}

/// Checks the request against the doctor's links and schedule; the place, mode and price of
/// the appointment it would make.
async fn resolve(
    state: &AppState,
    req: &SlotRequest,
    settings: &BookingSettingsRecord,
    cabinet: bool,
) -> Result<(SlotPlace, VisitMode, Option<i64>, Option<i64>), AppError> {
    let day = parse_day(&req.day)?;
    let minute = parse_time("time", &req.time)?;
    let links = state.store.service_links(Some(req.doctor)).await?;
    let link = match req.service {
        Some(id) => {
            Some(links.iter().find(|l| l.service_id == id).ok_or_else(|| AppError::field("service", Problem::Choice))?)
        }
        None if links.is_empty() => None,
        None => return Err(AppError::field("service", Problem::Required)),
    };
    // The cabinet offers the booking horizon; the desk may book any scheduled day.
    let in_reach = !cabinet || day <= today(state) + Duration::days(BOOKING_HORIZON_DAYS);
    let schedule = state.store.schedule(req.doctor, day, day).await?.into_iter().next();
    let taken = state.store.taken_times(req.doctor, day, day).await?;
    let Some(d) = schedule.filter(|d| in_reach && free_of_day(state, d, &taken).contains(&minute)) else {
        return Err(AppError::SlotTaken { nearest: nearest(state, req.doctor, day, minute).await? });
    };
    let place = SlotPlace {
        branch_id: d.branch_id,
        day,
        start_min: minute,
        duration_min: d.step_min,
        starts_at: slot_unix(day, minute, state.config.utc_offset_minutes),
    };
    let mode = link.map_or(VisitMode::InClinic, |l| l.mode);
    let price = link.and_then(|l| {
        let q = quote(&pricing(l), settings.online_discount_percent);
        q.online_price.or(q.price).map(|k| k.0)
    });
    Ok((place, mode, link.map(|l| l.service_id), price))
}

/// An unguessable meeting room id: 128 random bits, hex.
fn new_room() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn place_booking(
    state: &AppState,
    req: SlotRequest,
    card_id: i64,
    actor: Actor,
    source: AppointmentSource,
    limit: bool,
) -> Result<i64, AppError> {
    let settings = state.store.booking_settings().await?;
    let (place, mode, service_id, price) =
        resolve(state, &req, &settings, source == AppointmentSource::Cabinet).await?;
    let new = NewAppointment {
        staff_id: req.doctor,
        card_id,
        service_id,
        place,
        mode,
        room: (mode == VisitMode::Online).then(new_room),
        price,
        source,
        max_future: limit.then_some(settings.max_future_per_doctor),
    };
    match state.store.book(new, &actor, state.now()).await? {
        BookOutcome::Booked(id) => Ok(id),
        BookOutcome::Taken => {
            Err(AppError::SlotTaken { nearest: nearest(state, req.doctor, place.day, place.start_min).await? })
        }
        BookOutcome::LimitReached => Err(AppError::BookingLimit { max: settings.max_future_per_doctor }),
    }
}

/// Books a time for the active profile. Returns the appointment's id.
pub async fn book(state: &AppState, session: &SessionRecord, peer: IpAddr, req: SlotRequest) -> Result<i64, AppError> {
    let who = acting(state, session).await?;
    online_doctor(state, req.doctor).await?;
    let actor = Actor::in_profile(session, peer, who.ward);
    place_booking(state, req, who.card_id, actor, AppointmentSource::Cabinet, true).await
}

/// One of the active profile's appointments; any other id is `NotFound`.
async fn own_appointment(state: &AppState, who: &Acting, id: i64) -> Result<AppointmentRecord, AppError> {
    state.store.appointment(id).await?.filter(|a| a.card_id == who.card_id).ok_or(AppError::NotFound)
}

/// A typed reason or comment, checked by the shared rule; problems name `field`.
fn text_of(field: &str, value: &str, required: bool) -> Result<String, AppError> {
    typed_text(value, required).map_err(|p| {
        AppError::field(
            field,
            match p {
                TextProblem::Missing => Problem::Required,
                TextProblem::TooLong(n) => Problem::TooLong(n),
            },
        )
    })
}

pub async fn cancel(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let who = acting(state, session).await?;
    let a = own_appointment(state, &who, id).await?;
    if !a.status.is_active() {
        return Err(AppError::Conflict);
    }
    let reason = text_of("reason", reason, true)?;
    let settings = state.store.booking_settings().await?;
    if !cancellation_open(state.now(), a.starts_at, settings.cancel_close_minutes) {
        return Err(AppError::CancellationClosed);
    }
    let actor = Actor::in_profile(session, peer, who.ward);
    let done = state
        .store
        .change_status(id, a.status, AppointmentStatus::Cancelled, Some(reason), &actor, state.now())
        .await?;
    if done {
        Ok(())
    } else {
        Err(AppError::Conflict)
    }
}

async fn move_to(
    state: &AppState,
    a: &AppointmentRecord,
    day: &str,
    time: &str,
    actor: Actor,
    cabinet: bool,
) -> Result<(), AppError> {
    let settings = state.store.booking_settings().await?;
    let req = SlotRequest { doctor: a.staff_id, service: a.service_id, day: day.into(), time: time.into() };
    let (place, ..) = resolve(state, &req, &settings, cabinet).await?;
    match state.store.reschedule(a.id, place, &actor, state.now()).await? {
        MoveOutcome::Moved => Ok(()),
        MoveOutcome::Taken => {
            Err(AppError::SlotTaken { nearest: nearest(state, a.staff_id, place.day, place.start_min).await? })
        }
        MoveOutcome::Gone => Err(AppError::Conflict),
    }
}

pub async fn reschedule(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    day: &str,
    time: &str,
) -> Result<(), AppError> {
    let who = acting(state, session).await?;
    let a = own_appointment(state, &who, id).await?;
    if !a.status.is_active() {
        return Err(AppError::Conflict);
    }
    let settings = state.store.booking_settings().await?;
    if !cancellation_open(state.now(), a.starts_at, settings.cancel_close_minutes) {
        return Err(AppError::CancellationClosed);
    }
    move_to(state, &a, day, time, Actor::in_profile(session, peer, who.ward), true).await
}

fn waitlist_view(w: &WaitlistRecord, doctors: &[DoctorRecord]) -> WaitlistView {
    WaitlistView {
        id: w.id,
        doctor: doctors.iter().find(|d| d.id == w.staff_id).map(|d| doctor_view(d).name).unwrap_or_default(),
        patient: w.patient_name.clone(),
        day: w.day,
        note: w.note.clone(),
        created_at: w.created_at,
    }
}

pub async fn mine(state: &AppState, session: &SessionRecord) -> Result<MyAppointments, AppError> {
    let who = acting(state, session).await?;
    let settings = state.store.booking_settings().await?;
    let all = state.store.appointments_for_card(who.card_id).await?;
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    for a in &all {
        let v = appointment_view(state, a, &settings);
        if v.upcoming {
            upcoming.push(v);
        } else {
            past.push(v);
        }
    }
    past.reverse();
    let doctors = state.store.doctors(false).await?;
    let waitlist =
        state.store.waitlist(None, Some(who.card_id)).await?.iter().map(|w| waitlist_view(w, &doctors)).collect();
    Ok(MyAppointments {
        patient_name: who.name,
        upcoming,
        past,
        waitlist,
        cancel_close_minutes: settings.cancel_close_minutes,
    })
}

fn optional_day(value: &str) -> Result<Option<Date>, AppError> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        parse_day(value).map(Some)
    }
}

pub async fn join_waitlist(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    doctor: i64,
    day: &str,
    note: &str,
) -> Result<i64, AppError> {
    let who = acting(state, session).await?;
    online_doctor(state, doctor).await?;
    let day = optional_day(day)?;
    if day.is_some_and(|d| d < today(state)) {
        return Err(AppError::field("day", Problem::Date));
    }
    let note = text_of("note", note, false)?;
    let actor = Actor::in_profile(session, peer, who.ward);
    Ok(state.store.waitlist_add(doctor, who.card_id, day, &note, &actor, state.now()).await?)
}

// The front desk and the head.

pub async fn admin(state: &AppState) -> Result<BookingAdmin, AppError> {
    let s = state.store.booking_settings().await?;
    let doctors = state.store.doctors(false).await?;
    let links = state.store.service_links(None).await?;
    let doctors = doctors
        .iter()
        .map(|d| StaffDoctorView {
            doctor: doctor_view(d),
            online: d.online_booking,
            links: links
                .iter()
                .filter(|l| l.staff_id == d.id)
                .map(|l| LinkView {
                    service_id: l.service_id,
                    code: l.service_code.clone(),
                    name: l.service_name.clone(),
                    mode: l.mode,
                    show_price: l.show_price,
                    pricing: pricing(l),
                    list_price: l.price.map(Kopecks),
                    quote: quote(&pricing(l), s.online_discount_percent),
                })
                .collect(),
        })
        .collect();
    Ok(BookingAdmin {
        settings: BookingSettings {
            online_discount_percent: s.online_discount_percent,
            max_future_per_doctor: s.max_future_per_doctor,
            cancel_close_minutes: s.cancel_close_minutes,
        },
        doctors,
        services: state.store.services().await?,
    })
}

fn number_in(field: &str, value: &str, min: i64, max: i64) -> Result<i64, AppError> {
    let n: i64 = value.trim().parse().map_err(|_| AppError::field(field, Problem::Range))?;
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(AppError::field(field, Problem::Range))
    }
}

fn roubles(field: &str, value: &str) -> Result<Option<i64>, AppError> {
    Kopecks::parse_roubles(value).map(|k| k.map(|k| k.0)).map_err(|()| AppError::field(field, Problem::Range))
}

pub struct SettingsForm {
    pub online_discount_percent: String,
    pub max_future_per_doctor: String,
    pub cancel_close_hours: String,
}

pub async fn save_settings(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    f: SettingsForm,
) -> Result<(), AppError> {
    let percent = number_in("online_discount_percent", &f.online_discount_percent, 0, 100)?;
    let max = number_in("max_future_per_doctor", &f.max_future_per_doctor, 1, 50)?;
    let hours = number_in("cancel_close_hours", &f.cancel_close_hours, 0, 168)?;
    let settings = BookingSettingsRecord {
        online_discount_percent: percent as u8,
        max_future_per_doctor: max,
        cancel_close_minutes: hours * 60,
    };
    let audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "booking.settings").object("clinic");
    Ok(state.store.save_booking_settings(settings, audit).await?)
}

pub async fn set_doctor(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    doctor: i64,
    online: bool,
    degree: &str,
) -> Result<(), AppError> {
    let degree = degree.trim();
    if degree.chars().count() > 100 {
        return Err(AppError::field("degree", Problem::TooLong(100)));
    }
    let degree = Some(degree.to_string()).filter(|d| !d.is_empty());
    let audit =
        AuditEntry::by(&Actor::staff(session, peer), state.now(), "booking.doctor").object(format!("staff:{doctor}"));
    state.store.set_doctor_online(doctor, online, degree, audit).await?.then_some(()).ok_or(AppError::NotFound)
}

pub struct LinkForm {
    pub doctor: i64,
    pub service: String,
    pub mode: String,
    pub show_price: bool,
    pub price: String,
    pub prepayment: String,
    pub prepayment_discount: String,
    pub round_to_roubles: bool,
}

pub async fn save_link(state: &AppState, session: &SessionRecord, peer: IpAddr, f: LinkForm) -> Result<(), AppError> {
    let service: i64 = f.service.trim().parse().map_err(|_| AppError::field("service", Problem::Choice))?;
    let mode = VisitMode::parse(&f.mode).ok_or_else(|| AppError::field("mode", Problem::Choice))?;
    let link = ServiceLinkRecord {
        staff_id: f.doctor,
        service_id: service,
        service_code: String::new(),
        service_name: String::new(),
        mode,
        show_price: f.show_price,
        price: roubles("price", &f.price)?,
        prepayment: roubles("prepayment", &f.prepayment)?,
        prepayment_discount: roubles("prepayment_discount", &f.prepayment_discount)?,
        round_to_roubles: f.round_to_roubles,
    };
    if link.show_price && link.price.is_none() {
        return Err(AppError::field("price", Problem::Required));
    }
    let audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "booking.link")
        .object(format!("staff:{}/service:{service}", f.doctor));
    state
        .store
        .save_service_link(link, audit)
        .await?
        .then_some(())
        .ok_or_else(|| AppError::field("service", Problem::Choice))
}

pub async fn delete_link(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    doctor: i64,
    service: i64,
) -> Result<(), AppError> {
    let audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "booking.unlink")
        .object(format!("staff:{doctor}/service:{service}"));
    state.store.delete_service_link(doctor, service, audit).await?.then_some(()).ok_or(AppError::NotFound)
}

async fn any_doctor(state: &AppState, doctor: Option<i64>) -> Result<(DoctorRecord, Vec<DoctorView>), AppError> {
    let doctors = state.store.doctors(false).await?;
    let views = doctors.iter().map(doctor_view).collect();
    let chosen = match doctor {
        Some(id) => doctors.into_iter().find(|d| d.id == id).ok_or(AppError::NotFound)?,
        None => doctors.into_iter().next().ok_or(AppError::NotFound)?,
    };
    Ok((chosen, views))
}

pub async fn schedule_week(
    state: &AppState,
    doctor: Option<i64>,
    week: Option<&str>,
) -> Result<ScheduleWeek, AppError> {
    let (d, doctors) = any_doctor(state, doctor).await?;
    let start = week_start(week.and_then(parse_iso_date).unwrap_or_else(|| today(state)));
    let end = start + Duration::days(6);
    let entries = state.store.schedule(d.id, start, end).await?;
    let days = (0..7)
        .map(|i| {
            let day = start + Duration::days(i);
            let entry = entries.iter().find(|e| e.day == day).map(|e| ScheduleEntry {
                branch_id: e.branch_id,
                branch: e.branch_name.clone(),
                start_min: e.start_min,
                end_min: e.end_min,
                step_min: e.step_min,
                breaks: e.breaks.clone(),
            });
            (day, entry)
        })
        .collect();
    Ok(ScheduleWeek {
        doctor: doctor_view(&d),
        doctors,
        week_start: start,
        days,
        branches: state.store.branches().await?,
    })
}

pub struct ScheduleForm {
    pub doctor: i64,
    pub day: String,
    pub branch: String,
    pub start: String,
    pub end: String,
    pub step: String,
    pub breaks: String,
}

/// Saves one day of a doctor's schedule; empty start and end make it a day off.
pub async fn save_schedule_day(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    f: ScheduleForm,
) -> Result<(), AppError> {
    let day = parse_day(&f.day)?;
    let audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "booking.schedule").object(format!(
        "staff:{}/{}",
        f.doctor,
        f.day.trim()
    ));
    if f.start.trim().is_empty() && f.end.trim().is_empty() {
        return Ok(state.store.delete_schedule_day(f.doctor, day, audit).await?);
    }
    let start = parse_time("start", &f.start)?;
    let end = parse_time("end", &f.end)?;
    if end <= start {
        return Err(AppError::field("end", Problem::Time));
    }
    let step = number_in("step", &f.step, 5, 240)? as u16;
    let breaks = parse_breaks(&f.breaks).ok_or_else(|| AppError::field("breaks", Problem::Time))?;
    let branch: i64 = f.branch.trim().parse().map_err(|_| AppError::field("branch", Problem::Choice))?;
    let record = ScheduleDayRecord {
        staff_id: f.doctor,
        day,
        branch_id: branch,
        branch_name: String::new(),
        start_min: start,
        end_min: end,
        step_min: step,
        breaks: format_breaks(&breaks),
    };
    state
        .store
        .save_schedule_day(record, audit)
        .await?
        .then_some(())
        .ok_or_else(|| AppError::field("branch", Problem::Choice))
}

/// Copies a week's schedule onto the next week (replacing what that week had).
pub async fn copy_week(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    doctor: i64,
    week: &str,
) -> Result<Date, AppError> {
    let start = week_start(parse_day(week)?);
    let audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "booking.schedule_copy")
        .object(format!("staff:{doctor}/{start}"));
    state.store.copy_schedule(doctor, start, start + Duration::days(6), 7, audit).await?;
    Ok(start + Duration::days(7))
}

pub async fn day_book(state: &AppState, doctor: Option<i64>, day: Option<&str>) -> Result<DayBook, AppError> {
    let (d, doctors) = any_doctor(state, doctor).await?;
    let day = day.and_then(parse_iso_date).unwrap_or_else(|| today(state));
    let settings = state.store.booking_settings().await?;
    let appointments = state
        .store
        .appointments_for_day(d.id, day)
        .await?
        .iter()
        .map(|a| appointment_view(state, a, &settings))
        .collect();
    let schedule = state.store.schedule(d.id, day, day).await?;
    let taken = state.store.taken_times(d.id, day, day).await?;
    let free = schedule.first().map(|s| free_of_day(state, s, &taken)).unwrap_or_default();
    let links = state.store.service_links(Some(d.id)).await?;
    let all_doctors = state.store.doctors(false).await?;
    let waitlist =
        state.store.waitlist(Some(d.id), None).await?.iter().map(|w| waitlist_view(w, &all_doctors)).collect();
    Ok(DayBook {
        doctor: doctor_view(&d),
        doctors,
        day,
        appointments,
        free,
        services: links.iter().map(|l| offer(l, settings.online_discount_percent)).collect(),
        waitlist,
    })
}

pub async fn set_status(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    status: &str,
    reason: &str,
) -> Result<(), AppError> {
    let to = AppointmentStatus::parse(status).ok_or_else(|| AppError::field("status", Problem::Choice))?;
    let a = state.store.appointment(id).await?.ok_or(AppError::NotFound)?;
    if !a.status.can_become(to) {
        return Err(AppError::field("status", Problem::Choice));
    }
    let reason = if to == AppointmentStatus::Cancelled { Some(text_of("reason", reason, true)?) } else { None };
    let actor = Actor::staff(session, peer);
    state
        .store
        .change_status(id, a.status, to, reason, &actor, state.now())
        .await?
        .then_some(())
        .ok_or(AppError::Conflict)
}

pub async fn desk_book(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    req: SlotRequest,
    card: &str,
) -> Result<i64, AppError> {
    let card_id: i64 = card.trim().parse().map_err(|_| AppError::field("card", Problem::Choice))?;
    state.store.card_get(card_id).await?.ok_or_else(|| AppError::field("card", Problem::Choice))?;
    any_doctor(state, Some(req.doctor)).await?;
    place_booking(state, req, card_id, Actor::staff(session, peer), AppointmentSource::Desk, false).await
}

pub async fn desk_reschedule(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    day: &str,
    time: &str,
) -> Result<(), AppError> {
    let a = state.store.appointment(id).await?.ok_or(AppError::NotFound)?;
    if !a.status.is_active() {
        return Err(AppError::Conflict);
    }
    move_to(state, &a, day, time, Actor::staff(session, peer), false).await
}

pub async fn history(state: &AppState, id: i64) -> Result<AppointmentHistory, AppError> {
    let a = state.store.appointment(id).await?.ok_or(AppError::NotFound)?;
    let settings = state.store.booking_settings().await?;
    let events = state
        .store
        .appointment_events(id)
        .await?
        .into_iter()
        .map(|e| EventView {
            at: e.at,
            actor: match e.actor_name {
                Some(n) => format!("{n} ({})", e.actor_role.as_str()),
                None => e.actor_role.as_str().into(),
            },
            action: e.action,
            detail: e.detail,
        })
        .collect();
    Ok(AppointmentHistory { appointment: appointment_view(state, &a, &settings), events })
}

pub async fn close_waitlist(state: &AppState, session: &SessionRecord, peer: IpAddr, id: i64) -> Result<(), AppError> {
    state
        .store
        .waitlist_close(id, &Actor::staff(session, peer), state.now())
        .await?
        .then_some(())
        .ok_or(AppError::NotFound)
}
