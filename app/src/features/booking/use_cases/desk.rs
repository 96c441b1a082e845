//! The front desk and the head: booking settings, doctors' service links, schedules, the
//! day's appointment book, desk booking and rescheduling, appointment history, the waitlist.

use super::*;

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
            horizon_days: s.horizon_days,
        },
        doctors,
        services: state.store.services().await?,
        reasons: state.store.cancel_reasons().await?,
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
    pub horizon_days: String,
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
    let horizon =
        number_in("horizon_days", &f.horizon_days, *BOOKING_HORIZON_RANGE.start(), *BOOKING_HORIZON_RANGE.end())?;
    let settings = BookingSettingsRecord {
        online_discount_percent: percent as u8,
        max_future_per_doctor: max,
        cancel_close_minutes: hours * 60,
        horizon_days: horizon,
    };
    let before = state.store.booking_settings().await?;
    let mut audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "booking.settings").object("clinic");
    if let Some(detail) = crate::features::clinic::rules::changes(&[
        ("online_discount_percent", before.online_discount_percent.to_string(), percent.to_string()),
        ("max_future_per_doctor", before.max_future_per_doctor.to_string(), max.to_string()),
        ("cancel_close_minutes", before.cancel_close_minutes.to_string(), (hours * 60).to_string()),
        ("horizon_days", before.horizon_days.to_string(), horizon.to_string()),
    ]) {
        audit = audit.detail(detail);
    }
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
    // The service by its id (the list's choice) or, where the price list is too long for a
    // list, by its external code as typed.
    let typed = f.service.trim();
    let service = match typed.parse::<i64>() {
        Ok(id) => id,
        Err(_) => state
            .store
            .services()
            .await?
            .into_iter()
            .find(|(_, code, _)| code.eq_ignore_ascii_case(typed))
            .map(|(id, _, _)| id)
            .ok_or_else(|| AppError::field("service", Problem::Choice))?,
    };
    let mode = VisitMode::parse(&f.mode).ok_or_else(|| AppError::field("mode", Problem::Choice))?;
    let mut price = roubles("price", &f.price)?;
    if f.show_price && price.is_none() {
        price = list_price(state, service).await?;
    }
    let link = ServiceLinkRecord {
        staff_id: f.doctor,
        service_id: service,
        service_code: String::new(),
        service_name: String::new(),
        mode,
        show_price: f.show_price,
        price,
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

/// A service's price in the price list, under the first plan the cabinet shows: what a link
/// shows when the clinic sets no price of its own.
async fn list_price(state: &AppState, service: i64) -> Result<Option<i64>, AppError> {
    let Some((_, code, _)) = state.store.services().await?.into_iter().find(|(id, _, _)| *id == service) else {
        return Ok(None);
    };
    let Some(plan) = state.store.cabinet_tariff_plans().await?.into_iter().next() else { return Ok(None) };
    let sections = state.store.price_list(plan.id, None).await?;
    Ok(sections.iter().flat_map(|s| &s.items).find(|i| i.code == code).and_then(|i| i.price).map(|k| k.0))
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
        reasons: super::patient::offered_reasons(state).await?,
    })
}

/// Adds a reason to the list; one the list has already is refused as taken.
pub async fn add_cancel_reason(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    name: &str,
) -> Result<(), AppError> {
    let name = check_reason_name(name).map_err(|p| {
        AppError::field(
            "reason_name",
            match p {
                TextProblem::Missing => Problem::Required,
                TextProblem::TooLong(n) => Problem::TooLong(n),
            },
        )
    })?;
    if name == OTHER_REASON {
        return Err(AppError::field("reason_name", Problem::Taken));
    }
    if state.store.add_cancel_reason(&name, &Actor::staff(session, peer), state.now()).await? {
        Ok(())
    } else {
        Err(AppError::field("reason_name", Problem::Taken))
    }
}

pub async fn set_cancel_reason_active(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    active: bool,
) -> Result<(), AppError> {
    if state.store.set_cancel_reason_active(id, active, &Actor::staff(session, peer), state.now()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn set_status(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    status: &str,
    reason: &str,
    typed: &str,
) -> Result<(), AppError> {
    let to = AppointmentStatus::parse(status).ok_or_else(|| AppError::field("status", Problem::Choice))?;
    let a = state.store.appointment(id).await?.ok_or(AppError::NotFound)?;
    if !a.status.can_become(to) {
        return Err(AppError::field("status", Problem::Choice));
    }
    let reason = if to == AppointmentStatus::Cancelled {
        Some(super::patient::reason_of(state, reason, typed).await?)
    } else {
        None
    };
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
