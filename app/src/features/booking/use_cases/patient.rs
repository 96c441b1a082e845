//! The patient's (or a guardian's, for a ward) booking: the booking page's choices, booking,
//! cancelling and moving an appointment, "Мои записи", and the waitlist.

use super::*;

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
    let days = free_days(state, doctor.id, settings.horizon_days).await?;
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

/// The appointment a request would make, and the horizon's free times read to check it.
struct Resolved {
    place: SlotPlace,
    mode: VisitMode,
    service_id: Option<i64>,
    price: Option<i64>,
    /// The doctor's days and free times as read, when the day is within the booking horizon.
    days: Option<Vec<(ScheduleDayRecord, Vec<u16>)>>,
    horizon_days: i64,
}

impl Resolved {
    /// The nearest free times once the store answered that this one was just taken: the days
    /// already read, without the lost time, rather than a second read in the middle of a rush.
    async fn nearest_after_loss(self, state: &AppState, doctor: i64) -> Result<Vec<SlotRef>, AppError> {
        let (day, minute) = (self.place.day, self.place.start_min);
        match self.days {
            Some(mut days) => {
                for (_, free) in days.iter_mut().filter(|(d, _)| d.day == day) {
                    free.retain(|&m| m != minute);
                }
                Ok(nearest_of(state, &days, day, minute))
            }
            None => nearest(state, doctor, day, minute, self.horizon_days).await,
        }
    }
}

/// Checks the request against the doctor's links and schedule; the place, mode and price of
/// the appointment it would make.
async fn resolve(
    state: &AppState,
    req: &SlotRequest,
    settings: &BookingSettingsRecord,
    cabinet: bool,
) -> Result<Resolved, AppError> {
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
    let in_horizon = day >= today(state) && day <= today(state) + Duration::days(settings.horizon_days);
    let in_reach = !cabinet || in_horizon;
    let (d, days) = if in_horizon {
        // One read of the horizon serves the check and, when the time is gone, the nearest
        // free ones (most refusals in a rush for the same times end here).
        let days = free_days(state, req.doctor, settings.horizon_days).await?;
        match days.iter().find(|(d, free)| d.day == day && free.contains(&minute)) {
            Some((d, _)) => (d.clone(), Some(days)),
            None => return Err(AppError::SlotTaken { nearest: nearest_of(state, &days, day, minute) }),
        }
    } else {
        let schedule = state.store.schedule(req.doctor, day, day).await?.into_iter().next();
        let taken = state.store.taken_times(req.doctor, day, day).await?;
        match schedule.filter(|d| in_reach && free_of_day(state, d, &taken).contains(&minute)) {
            Some(d) => (d, None),
            None => {
                return Err(AppError::SlotTaken {
                    nearest: nearest(state, req.doctor, day, minute, settings.horizon_days).await?,
                })
            }
        }
    };
    let place = SlotPlace {
        branch_id: d.branch_id,
        day,
        start_min: minute,
        duration_min: d.step_min,
        starts_at: slot_unix(day, minute, state.utc_offset()),
    };
    let mode = link.map_or(VisitMode::InClinic, |l| l.mode);
    let price = link.and_then(|l| {
        let q = quote(&pricing(l), settings.online_discount_percent);
        q.online_price.or(q.price).map(|k| k.0)
    });
    Ok(Resolved {
        place,
        mode,
        service_id: link.map(|l| l.service_id),
        price,
        days,
        horizon_days: settings.horizon_days,
    })
}

/// An unguessable meeting room id: 128 random bits, hex.
fn new_room() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) async fn place_booking(
    state: &AppState,
    req: SlotRequest,
    card_id: i64,
    actor: Actor,
    source: AppointmentSource,
    limit: bool,
) -> Result<i64, AppError> {
    let settings = state.store.booking_settings().await?;
    let r = resolve(state, &req, &settings, source == AppointmentSource::Cabinet).await?;
    let new = NewAppointment {
        staff_id: req.doctor,
        card_id,
        service_id: r.service_id,
        place: r.place,
        mode: r.mode,
        room: (r.mode == VisitMode::Online).then(new_room),
        price: r.price,
        source,
        max_future: limit.then_some(settings.max_future_per_doctor),
    };
    match state.store.book(new, &actor, state.now()).await? {
        BookOutcome::Booked(id) => Ok(id),
        BookOutcome::Taken => Err(AppError::SlotTaken { nearest: r.nearest_after_loss(state, req.doctor).await? }),
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
pub(super) fn text_of(field: &str, value: &str, required: bool) -> Result<String, AppError> {
    typed_text(value, required).map_err(|p| text_problem(field, p))
}

fn text_problem(field: &str, p: TextProblem) -> AppError {
    AppError::field(
        field,
        match p {
            TextProblem::Missing => Problem::Required,
            TextProblem::TooLong(n) => Problem::TooLong(n),
        },
    )
}

/// The cancellation's reason from the clinic's list (`chosen`) or in words (`typed`).
pub(super) async fn reason_of(state: &AppState, chosen: &str, typed: &str) -> Result<String, AppError> {
    let reasons = state.store.cancel_reasons().await?;
    crate::features::booking::rules::chosen_reason(&reasons, chosen, typed).map_err(|p| text_problem("reason", p))
}

pub async fn cancel(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    reason: &str,
    typed: &str,
) -> Result<(), AppError> {
    let who = acting(state, session).await?;
    let a = own_appointment(state, &who, id).await?;
    if !a.status.is_active() {
        return Err(AppError::Conflict);
    }
    let reason = reason_of(state, reason, typed).await?;
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

pub(super) async fn move_to(
    state: &AppState,
    a: &AppointmentRecord,
    day: &str,
    time: &str,
    actor: Actor,
    cabinet: bool,
) -> Result<(), AppError> {
    let settings = state.store.booking_settings().await?;
    let req = SlotRequest { doctor: a.staff_id, service: a.service_id, day: day.into(), time: time.into() };
    let r = resolve(state, &req, &settings, cabinet).await?;
    match state.store.reschedule(a.id, r.place, &actor, state.now()).await? {
        MoveOutcome::Moved => Ok(()),
        MoveOutcome::Taken => Err(AppError::SlotTaken { nearest: r.nearest_after_loss(state, a.staff_id).await? }),
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

pub(super) fn waitlist_view(w: &WaitlistRecord, doctors: &[DoctorRecord]) -> WaitlistView {
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
        reasons: offered_reasons(state).await?,
    })
}

/// The names of the cancellation reasons the forms offer.
pub(super) async fn offered_reasons(state: &AppState) -> Result<Vec<String>, AppError> {
    Ok(state.store.cancel_reasons().await?.into_iter().filter(|r| r.active).map(|r| r.name).collect())
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
