//! Notifications' use cases: the evaluator (what each schedule fires for, queued once), the
//! dispatcher (each due notification checked again — refusals, a cancelled or moved visit, a
//! message read meanwhile — then rendered and handed to the outbox in one transaction), and
//! the head's settings.

use super::rules::*;
use super::store::*;
use crate::features::booking::rules::video_url;
use crate::i18n::Lang;
use crate::kernel::error::{AppError, Problem};
use crate::kernel::time_fmt::{format_date, format_hhmm, local_date};
use crate::platform::state::{AppState, ContactPriority};
use crate::platform::store::{Actor, AuditEntry, NewMail, SessionRecord, Store, StoreError};
use std::collections::HashMap;
use std::net::IpAddr;
use time::Duration;

/// Who sets the schedules: the head.
pub fn may_configure(r: &crate::kernel::account::Roles) -> bool {
    r.has(crate::kernel::account::Role::Head)
}

/// Who reads the delivery log: the head and the front desk (who answer "I got no reminder").
pub fn may_read_log(r: &crate::kernel::account::Roles) -> bool {
    r.has(crate::kernel::account::Role::Head) || r.has(crate::kernel::account::Role::Registrar)
}

/// What one tick did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TickReport {
    pub queued: u64,
    pub sent: u64,
    pub cancelled: u64,
    pub failed: u64,
}

/// What the engine needs besides the store: the clinic's settings as they are at the tick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Env {
    pub utc_offset_minutes: i32,
    /// The clinic's contact priority: a mobile phone first (else the e-mail address first).
    pub phone_first: bool,
    /// Where patients reach the portal (links in messages).
    pub public_url: String,
    pub clinic_name: String,
    pub video_base_url: String,
    /// How long before an online consultation the cabinet shows its link.
    pub video_link_minutes: i64,
}

impl Env {
    pub fn of(state: &AppState) -> Self {
        let c = &state.config;
        Env {
            utc_offset_minutes: state.utc_offset(),
            phone_first: c.contact_priority == ContactPriority::Phone,
            public_url: c.public_url.clone(),
            clinic_name: c.clinic.card().map(|c| c.name).unwrap_or_default(),
            video_base_url: c.video_base_url.clone(),
            video_link_minutes: c.video_link_minutes,
        }
    }
}

/// One run of the engine at `now`: queue what is due within the horizon, then settle what is
/// due now. Safe to run twice, or in two processes at once.
pub async fn tick(store: &dyn Store, env: &Env, now: i64) -> Result<TickReport, StoreError> {
    // A failure to queue (a busy database) does not hold back what is due already.
    let queued = evaluate(store, env, now).await;
    let mut report = dispatch(store, env, now).await?;
    report.queued = queued?;
    Ok(report)
}

/// Queues, for every schedule that is on, the notifications that fall due from its start (or
/// `CATCH_UP_SECS` ago) until `HORIZON_SECS` from now. Returns how many were new.
pub async fn evaluate(store: &dyn Store, env: &Env, now: i64) -> Result<u64, StoreError> {
    let offset = env.utc_offset_minutes;
    let quiet = store.quiet_hours().await?;
    let horizon = now + HORIZON_SECS;
    let mut queued = 0;
    for rec in store.notify_schedules().await? {
        let s = &rec.schedule;
        if !s.enabled {
            continue;
        }
        let floor = rec.active_since.max(now - CATCH_UP_SECS);
        let wait = s.minutes * 60;
        let candidates: Vec<(i64, Subject)> = match s.kind {
            Kind::DaysBefore => {
                // A visit fires on its day minus `days`: one before this can fire no more.
                let first = at_local(local_date(floor, offset) + Duration::days(s.days), 0, offset).max(now);
                store.notify_upcoming(rec.id, first, horizon + (s.days + 1) * 86_400).await?
            }
            Kind::MinutesBefore => store.notify_upcoming(rec.id, now, horizon + wait).await?,
            Kind::AfterStatus => match s.status {
                Some(st) => store.notify_changed_to(rec.id, st, floor - wait, horizon).await?,
                None => Vec::new(),
            },
            Kind::DaysAfterService => {
                let from = local_date(floor, offset) - Duration::days(s.days + 1);
                let to = local_date(horizon, offset) - Duration::days(s.days);
                store.notify_completed(rec.id, from, to, &s.services).await?
            }
            Kind::Birthday => store.notify_birthdays(rec.id, &birthday_dates(floor, horizon, s.days, offset)).await?,
            Kind::ResultReady => {
                uploads(store.notify_uploads(rec.id, floor - wait, horizon, true, false).await?, false)
            }
            Kind::DocumentDelivered => {
                uploads(store.notify_uploads(rec.id, floor - 3600, horizon, false, s.hourly).await?, s.hourly)
            }
            Kind::NewMessage => {
                let mut all = store.notify_unread_dialogues(rec.id, floor - wait, horizon).await?;
                all.extend(store.notify_unread_broadcasts(rec.id, floor - wait, horizon).await?);
                all
            }
        };
        let mut items = Vec::new();
        for (card_id, subject) in candidates {
            let Some(t) = fire_at(s, &subject, offset) else { continue };
            if t < floor || t > horizon {
                continue;
            }
            // What is queued late (booked in the evening for a reminder due this morning, or
            // caught up after a stop) goes now, but never inside the quiet hours.
            let mut due = quiet.shift(t.max(now), offset);
            if let Subject::Appointment { starts_at, .. } = subject {
                if matches!(s.kind, Kind::DaysBefore | Kind::MinutesBefore) {
                    if t >= starts_at || now >= starts_at {
                        continue;
                    }
                    // A reminder the quiet hours would push past the visit goes at its own time.
                    if due >= starts_at {
                        due = t.max(now);
                    }
                }
            }
            let (subject_kind, subject_id, occurrence) = subject.key();
            // A status change notifies once per appointment, wherever the visit moves later.
            let occurrence = if s.kind == Kind::AfterStatus { 0 } else { occurrence };
            items.push(NewNotification {
                schedule_id: rec.id,
                card_id,
                subject_kind,
                subject_id,
                occurrence,
                due_at: due,
                marketing: s.marketing,
            });
        }
        queued += store.notify_queue(&items, now).await?;
    }
    Ok(queued)
}

/// Uploads as subjects: each on its own, or one per card and hour.
fn uploads(rows: Vec<(i64, i64, i64)>, hourly: bool) -> Vec<(i64, Subject)> {
    rows.into_iter()
        .map(|(card_id, id, at)| {
            let subject =
                if hourly { Subject::UploadsHour { card_id, hour: hour_of(at) } } else { Subject::Upload { id, at } };
            (card_id, subject)
        })
        .collect()
}

/// The month-days ("MM-DD") whose birthdays fire between `from` and `to` when greeting `days`
/// before, with the year each birthday falls in. 28 February stands for 29 February in a
/// common year.
fn birthday_dates(from: i64, to: i64, days: i64, offset: i32) -> Vec<(String, i32)> {
    let (first, last) = (local_date(from, offset), local_date(to, offset));
    let mut out = Vec::new();
    let mut d = first;
    while d <= last {
        let b = d + Duration::days(days);
        out.push((format!("{:02}-{:02}", b.month() as u8, b.day()), b.year()));
        if b.month() == time::Month::February && b.day() == 28 && !time::util::is_leap_year(b.year()) {
            out.push(("02-29".into(), b.year()));
        }
        d += Duration::days(1);
    }
    out
}

/// How long one tick settles due notifications before leaving the rest to the next.
const DISPATCH_BUDGET: std::time::Duration = std::time::Duration::from_secs(20);

/// Settles the notifications due by `now`: each is checked again, then sent, cancelled or
/// failed, once.
pub async fn dispatch(store: &dyn Store, env: &Env, now: i64) -> Result<TickReport, StoreError> {
    let mut report = TickReport::default();
    let mut schedules: HashMap<i64, Option<ScheduleRecord>> = HashMap::new();
    // Bounded in time, so one tick never holds the loop for long; what remains goes next tick.
    let started = std::time::Instant::now();
    while started.elapsed() < DISPATCH_BUDGET {
        let due = store.notify_due(now, 100).await?;
        if due.is_empty() {
            break;
        }
        for n in due {
            if let std::collections::hash_map::Entry::Vacant(e) = schedules.entry(n.schedule_id) {
                e.insert(store.notify_schedule(n.schedule_id).await?);
            }
            let schedule = schedules.get(&n.schedule_id).and_then(Option::as_ref);
            // One notification that cannot be decided (its data unreadable) is settled as not
            // sent, so it does not stand before the others tick after tick.
            let outcome = match decide(store, env, schedule, &n, now).await {
                Ok(o) => o,
                Err(error) => {
                    tracing::error!(notification = n.id, %error, "notification could not be decided: not sent");
                    Handover::Fail(Reason::Gone)
                }
            };
            let kind = match &outcome {
                Handover::Send { .. } => &mut report.sent,
                Handover::Cancel(_) => &mut report.cancelled,
                Handover::Fail(_) => &mut report.failed,
            };
            if store.notify_settle(n.id, outcome, now).await? {
                *kind += 1;
            }
        }
    }
    Ok(report)
}

/// What becomes of one due notification, by the facts as they are now.
async fn decide(
    store: &dyn Store,
    env: &Env,
    schedule: Option<&ScheduleRecord>,
    n: &DueNotification,
    now: i64,
) -> Result<Handover, StoreError> {
    let Some(s) = schedule.map(|r| &r.schedule).filter(|s| s.enabled) else {
        return Ok(Handover::Cancel(Reason::ScheduleOff));
    };
    let Some(card) = store.notify_card(n.card_id).await? else {
        return Ok(Handover::Cancel(Reason::Gone));
    };
    if let Some(r) = refusal(s.marketing, card.refused_notifications, card.refused_advertising) {
        return Ok(Handover::Cancel(r));
    }
    let mut values = base_values(env, &card);
    match n.subject_kind.as_str() {
        "appointment" => {
            let Some(a) = store.notify_appointment(n.subject_id).await? else {
                return Ok(Handover::Cancel(Reason::Gone));
            };
            if let Some(reason) = appointment_stale(s.kind, s.status, a.status, a.starts_at, n.occurrence, now) {
                return Ok(Handover::Cancel(reason));
            }
            appointment_values(env, &a, now, &mut values);
        }
        "dialogue" | "broadcast"
            if !store.notify_still_unread(&n.subject_kind, n.subject_id, n.card_id, n.occurrence).await? =>
        {
            return Ok(Handover::Cancel(Reason::Read));
        }
        _ => {}
    }
    Ok(handover(s, &card, env.phone_first, &values, local_date(now, env.utc_offset_minutes)))
}

/// The rendered message on the route the card's contacts allow. A card with no contact of its
/// own (a child's) is reached through its guardian while the guardianship holds (under 18, or
/// the ward legally incapacitated), by the guardian's own refusals — and not for the clinic's
/// documents of a ward from 15, whose care may be their own (323-FZ art. 54).
fn handover(s: &Schedule, card: &CardContact, phone_first: bool, values: &Values, today: time::Date) -> Handover {
    let own = card.mobile.is_some() || card.email.is_some();
    let (mobile, email) = if own {
        (card.mobile.as_deref(), card.email.as_deref())
    } else {
        let holds = crate::kernel::person::guardianship_is_valid(card.birth_date, card.incapacitated, today);
        let own_care = !card.incapacitated
            && matches!(s.kind, Kind::DocumentDelivered | Kind::ResultReady)
            && crate::kernel::person::own_consent_possible(card.birth_date, today);
        if !holds || own_care {
            return Handover::Fail(Reason::NoContact);
        }
        if let Some(r) = refusal(s.marketing, card.guardian_refused_notifications, card.guardian_refused_advertising) {
            return Handover::Cancel(r);
        }
        (card.guardian_mobile.as_deref(), card.guardian_email.as_deref())
    };
    let Some((sms, recipient)) = route(s.via, phone_first, mobile, email) else {
        return Handover::Fail(Reason::NoContact);
    };
    let mail = if sms {
        NewMail { recipient, subject: String::new(), body: render(&s.sms_text, values) }
    } else {
        NewMail { recipient, subject: render(&s.email_subject, values), body: render(&s.email_body, values) }
    };
    Handover::Send { sms, mail }
}

fn base_values(env: &Env, card: &CardContact) -> Values {
    let mut v = Values::new();
    v.insert(Param::Name, card.name.clone());
    let np = match card.patronymic.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => format!("{} {p}", card.name),
        None => card.name.clone(),
    };
    v.insert(Param::NamePatronymic, np);
    v.insert(Param::BookingLink, format!("{}/booking", env.public_url));
    v.insert(Param::Clinic, env.clinic_name.clone());
    v
}

fn appointment_values(env: &Env, a: &AppointmentFacts, now: i64, v: &mut Values) {
    v.insert(Param::Doctor, a.doctor.clone());
    v.insert(Param::Specialty, a.specialty.clone().unwrap_or_default());
    v.insert(Param::Date, format_date(a.day, Lang::Ru));
    v.insert(Param::Time, format_hhmm(a.start_min));
    v.insert(Param::Branch, a.branch.clone());
    v.insert(Param::Address, a.address.clone());
    let link = match (&a.room, a.online) {
        (Some(room), true) => {
            let shown_from = a.starts_at - env.video_link_minutes * 60;
            if now >= shown_from {
                video_url(&env.video_base_url, room)
            } else {
                // Before the link is shown in the cabinet, the reminder says where it will be.
                format!(
                    "ссылка появится в личном кабинете ({}/booking) за {} мин. до начала",
                    env.public_url, env.video_link_minutes
                )
            }
        }
        _ => String::new(),
    };
    v.insert(Param::VideoLink, link);
}

/// The values a preview shows: a sample patient and visit.
pub fn sample_values(state: &AppState) -> Values {
    let mut v = Values::new();
    v.insert(Param::Name, "Анна".into());
    v.insert(Param::NamePatronymic, "Анна Сергеевна".into());
    v.insert(Param::Doctor, "Соколов Андрей Викторович".into());
    v.insert(Param::Specialty, "терапевт".into());
    let tomorrow = local_date(state.now(), state.utc_offset()) + Duration::days(1);
    v.insert(Param::Date, format_date(tomorrow, Lang::Ru));
    v.insert(Param::Time, "10:30".into());
    v.insert(Param::Branch, "Центральный филиал".into());
    v.insert(Param::Address, "ул. Ленина, 1".into());
    v.insert(Param::BookingLink, format!("{}/booking", state.config.public_url));
    v.insert(Param::VideoLink, format!("{}/sample", state.config.video_base_url.trim_end_matches('/')));
    v.insert(Param::Clinic, state.config.clinic.card().map(|c| c.name).unwrap_or_default());
    v
}

/// Saves a schedule (new when `id` is None). `codes`: the services' codes as typed («Коды
/// услуг», comma-separated), for the days-after-services type.
pub async fn save_schedule(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: Option<i64>,
    mut form: ScheduleForm,
    codes: &str,
) -> Result<i64, AppError> {
    let wanted: Vec<&str> = codes.split([',', ';', ' ']).map(str::trim).filter(|c| !c.is_empty()).collect();
    if Kind::parse(&form.kind).is_some_and(|k| k.uses().services) && !wanted.is_empty() {
        let services = state.store.services().await?;
        for code in wanted {
            match services.iter().find(|(_, c, _)| c.eq_ignore_ascii_case(code)) {
                Some((id, _, _)) => form.services.push(id.to_string()),
                None => return Err(AppError::field("services", Problem::Choice)),
            }
        }
    }
    let schedule = check_schedule(&form).map_err(AppError::Validation)?;
    let now = state.now();
    let action = if id.is_some() { "notify_schedule.update" } else { "notify_schedule.create" };
    let audit = AuditEntry::by(&Actor::staff(session, peer), now, action).detail(schedule.name.clone());
    state.store.notify_schedule_save(id, &schedule, now, audit).await?.ok_or(AppError::NotFound)
}

/// The codes of the services with these ids, as the form shows them.
pub async fn service_codes(state: &AppState, ids: &[i64]) -> Result<String, AppError> {
    if ids.is_empty() {
        return Ok(String::new());
    }
    let services = state.store.services().await?;
    Ok(ids
        .iter()
        .filter_map(|id| services.iter().find(|(i, _, _)| i == id).map(|(_, code, _)| code.clone()))
        .collect::<Vec<_>>()
        .join(", "))
}

/// The delivery log's filters as typed: card number, schedule, the clinic's day ("YYYY-MM-DD").
pub struct LogQuery {
    pub card: Option<String>,
    pub schedule: Option<String>,
    pub day: Option<String>,
    pub page: i64,
}

/// The delivery log (contacts and texts of patients: a card's log is journalled on the card;
/// the unfiltered log by the reader).
pub async fn log(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    q: LogQuery,
) -> Result<super::api::LogView, AppError> {
    let (card, schedule, day, page) = (q.card.as_deref(), q.schedule.as_deref(), q.day.as_deref(), q.page);
    let number = |field: &str, v: Option<&str>| -> Result<Option<i64>, AppError> {
        match v.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v.parse::<i64>().map(Some).map_err(|_| AppError::field(field, Problem::Choice)),
        }
    };
    let card_id = number("card", card)?;
    let schedule_id = number("schedule", schedule)?;
    let (from, to) = match day.map(str::trim).filter(|v| !v.is_empty()) {
        None => (None, None),
        Some(d) => {
            let d = crate::kernel::time_fmt::parse_iso_date(d).ok_or_else(|| AppError::field("day", Problem::Date))?;
            let from = at_local(d, 0, state.utc_offset());
            (Some(from), Some(from + 86_400))
        }
    };
    let page = page.clamp(1, 10_000);
    let filter = LogFilter { card_id, schedule_id, from, to, limit: LOG_PAGE + 1, offset: (page - 1) * LOG_PAGE };
    let mut rows = state.store.notify_log(&filter).await?;
    let mut audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "notification.log");
    if let Some(card_id) = card_id {
        audit = audit.card(card_id);
    }
    state.store.audit(audit).await?;
    let more = rows.len() as i64 > LOG_PAGE;
    rows.truncate(LOG_PAGE as usize);
    let schedules = state.store.notify_schedules().await?.into_iter().map(|r| (r.id, r.schedule.name)).collect();
    Ok(super::api::LogView {
        rows: rows
            .into_iter()
            .map(|r| super::api::LogRow {
                id: r.id,
                schedule_id: r.schedule_id,
                schedule_name: r.schedule_name,
                card_id: r.card_id,
                patient: r.patient,
                status: r.status.as_seen(r.delivered_at.is_some(), r.error.is_some()),
                reason: r.reason,
                due_at: r.due_at,
                sms: r.channel.as_deref().map(|c| c == "sms"),
                recipient: r.recipient,
                delivered_at: r.delivered_at,
                error: r.error,
            })
            .collect(),
        schedules,
        more,
    })
}

/// What was sent to the active profile's card, newest first (the last 50).
pub async fn sent_to_me(state: &AppState, session: &SessionRecord) -> Result<Vec<super::api::SentToMe>, AppError> {
    let me = crate::platform::profiles::me(state, session).await?;
    let Some(card_id) = me.active_card_id else { return Ok(Vec::new()) };
    let filter = LogFilter { card_id: Some(card_id), limit: 50, ..Default::default() };
    Ok(state
        .store
        .notify_log(&filter)
        .await?
        .into_iter()
        .filter(|r| r.status == Status::Sent)
        .map(|r| super::api::SentToMe {
            at: r.delivered_at.unwrap_or(r.due_at),
            sms: r.channel.as_deref() == Some("sms"),
            subject: r.subject.unwrap_or_default(),
            body: r.body.unwrap_or_default(),
        })
        .collect())
}

/// Sets the clinic's quiet hours ("21:00" to "09:00"; equal times: none).
pub async fn save_quiet_hours(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    from: &str,
    to: &str,
) -> Result<(), AppError> {
    let parse = |field: &str, v: &str| {
        crate::kernel::time_fmt::parse_hhmm(v).ok_or_else(|| AppError::field(field, Problem::Time))
    };
    let quiet = QuietHours { from_min: parse("quiet_from", from)?, to_min: parse("quiet_to", to)? };
    let now = state.now();
    let audit = AuditEntry::by(&Actor::staff(session, peer), now, "clinic.quiet_hours").detail(format!(
        "{}–{}",
        format_hhmm(quiet.from_min),
        format_hhmm(quiet.to_min)
    ));
    Ok(state.store.set_quiet_hours(quiet, audit).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birthdays_fire_for_each_local_day_in_the_window_with_leap_days_on_28_february() {
        let offset = 180;
        let from = crate::features::notifications::rules::at_local(time::macros::date!(2027 - 02 - 26), 600, offset);
        let dates = birthday_dates(from, from + 86_400, 2, offset);
        assert_eq!(dates, [("02-28".to_string(), 2027), ("02-29".to_string(), 2027), ("03-01".to_string(), 2027)]);
    }
}
