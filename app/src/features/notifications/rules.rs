//! The rules of notifications, with no I/O: the schedule types and their parameters, when a
//! schedule fires for a subject (in the clinic's local time, out of its quiet hours), the
//! template language and an SMS's length, and why a notification was not sent.

use crate::features::booking::rules::AppointmentStatus;
use crate::kernel::error::{FieldError, Problem};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, PrimitiveDateTime, Time, UtcOffset, Weekday};

/// How often the evaluator runs in the server, in seconds.
pub const TICK_SECS: u64 = 30;
/// How far ahead a reminder is queued (it shows in the delivery log as «В очереди» and is
/// cancelled or re-timed if its appointment changes before it goes).
pub const HORIZON_SECS: i64 = 24 * 3600;
/// How far back the evaluator looks for what it missed (the server was stopped): what fell due
/// longer ago than this is not sent late.
pub const CATCH_UP_SECS: i64 = 3 * 24 * 3600;
/// The longest template text, in characters.
pub const TEXT_MAX: usize = 2_000;
pub const NAME_MAX: usize = 200;
/// Entries the delivery log shows at once.
pub const LOG_PAGE: i64 = 100;

/// What a schedule reacts to (the seed's «Тип задачи»).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// «Дней до записи на приём»: N days before the visit's date, at a time of day.
    DaysBefore,
    /// «Минут до записи на приём».
    MinutesBefore,
    /// «Минут после смены статуса записи на приём на …».
    AfterStatus,
    /// «Дней после оказания услуг»: N days after a completed visit for one of the services.
    DaysAfterService,
    /// «Готовность результата»: minutes after the clinic's analyses reached the cabinet.
    ResultReady,
    /// «День рождения»: N days before the birthday, at a time of day (marketing).
    Birthday,
    /// «Документ доставлен»: a document of the clinic reached the cabinet (at once, or one
    /// message per hour for all that arrived in it).
    DocumentDelivered,
    /// «Новое сообщение»: a message or broadcast unread for N minutes.
    NewMessage,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::DaysBefore,
        Kind::MinutesBefore,
        Kind::AfterStatus,
        Kind::DaysAfterService,
        Kind::ResultReady,
        Kind::Birthday,
        Kind::DocumentDelivered,
        Kind::NewMessage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::DaysBefore => "days_before",
            Kind::MinutesBefore => "minutes_before",
            Kind::AfterStatus => "after_status",
            Kind::DaysAfterService => "days_after_service",
            Kind::ResultReady => "result_ready",
            Kind::Birthday => "birthday",
            Kind::DocumentDelivered => "document_delivered",
            Kind::NewMessage => "new_message",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// About an appointment: its doctor, date and place are parameters.
    pub fn about_appointment(self) -> bool {
        matches!(self, Kind::DaysBefore | Kind::MinutesBefore | Kind::AfterStatus | Kind::DaysAfterService)
    }

    /// The parameters a template of this type may use.
    pub fn params(self) -> &'static [Param] {
        use Param::*;
        if self.about_appointment() {
            &[Name, NamePatronymic, Doctor, Specialty, Date, Time, Branch, Address, BookingLink, VideoLink, Clinic]
        } else {
            &[Name, NamePatronymic, BookingLink, Clinic]
        }
    }

    /// Which of the schedule's settings this type reads.
    pub fn uses(self) -> Uses {
        let mut u = Uses::default();
        match self {
            Kind::DaysBefore | Kind::Birthday => {
                u.days = true;
                u.time = true;
            }
            Kind::DaysAfterService => {
                u.days = true;
                u.time = true;
                u.services = true;
            }
            Kind::MinutesBefore => {
                u.minutes = true;
                u.day_type = true;
                u.same_day = true;
            }
            Kind::AfterStatus => {
                u.minutes = true;
                u.status = true;
                u.day_type = true;
                u.same_day = true;
            }
            Kind::ResultReady | Kind::NewMessage => u.minutes = true,
            Kind::DocumentDelivered => u.hourly = true,
        }
        u
    }
}

/// The settings a schedule type reads (the form shows the others as not used).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Uses {
    pub days: bool,
    pub minutes: bool,
    pub time: bool,
    pub status: bool,
    pub day_type: bool,
    pub same_day: bool,
    pub services: bool,
    pub hourly: bool,
}

/// How a notification travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Via {
    Sms,
    Email,
    /// The card's preferred contact by the clinic's contact priority, the other when it has
    /// none (the seed's «SMS с резервом по e-mail»).
    Either,
}

impl Via {
    pub const ALL: [Via; 3] = [Via::Either, Via::Sms, Via::Email];
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Sms => "sms",
            Via::Email => "email",
            Via::Either => "either",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A schedule as the head set it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub name: String,
    pub kind: Kind,
    pub enabled: bool,
    pub via: Via,
    /// Marketing (a birthday greeting, a review request): not sent to those who refused
    /// advertising. Informational otherwise.
    pub marketing: bool,
    pub days: i64,
    pub minutes: i64,
    /// Time of day to send, minutes after local midnight.
    pub send_at_min: u16,
    pub status: Option<AppointmentStatus>,
    /// Send only on working days (Monday to Friday); otherwise every day.
    pub working_days_only: bool,
    /// Include appointments made on the day of sending.
    pub include_same_day: bool,
    /// Price-list service ids (days after service).
    pub services: Vec<i64>,
    /// Document delivered: one message per hour for all that arrived in it.
    pub hourly: bool,
    pub sms_text: String,
    pub email_subject: String,
    pub email_body: String,
}

/// The schedule form as typed (every field a string, as a form without JavaScript sends it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleForm {
    pub name: String,
    pub kind: String,
    pub enabled: bool,
    pub via: String,
    pub marketing: bool,
    pub days: String,
    pub minutes: String,
    pub send_at: String,
    pub status: String,
    pub working_days_only: bool,
    pub include_same_day: bool,
    pub services: Vec<String>,
    pub hourly: bool,
    pub sms_text: String,
    pub email_subject: String,
    pub email_body: String,
}

fn number(value: &str, range: std::ops::RangeInclusive<i64>) -> Result<i64, Problem> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Problem::Required);
    }
    let n: i64 = v.parse().map_err(|_| Problem::Range)?;
    if range.contains(&n) {
        Ok(n)
    } else {
        Err(Problem::Range)
    }
}

/// The schedule the form describes, or every field's problem. Settings the type does not read
/// are kept at their defaults.
pub fn check_schedule(f: &ScheduleForm) -> Result<Schedule, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut bad = |field: &str, problem: Problem| errors.push(FieldError { field: field.into(), problem });
    let name = f.name.trim().to_string();
    if name.is_empty() {
        bad("name", Problem::Required);
    } else if name.chars().count() > NAME_MAX {
        bad("name", Problem::TooLong(NAME_MAX));
    }
    let kind = Kind::parse(&f.kind);
    if kind.is_none() {
        bad("kind", Problem::Choice);
    }
    let via = Via::parse(&f.via);
    if via.is_none() {
        bad("via", Problem::Choice);
    }
    let kind = kind.unwrap_or(Kind::DaysBefore);
    let uses = kind.uses();
    let mut s = Schedule {
        name,
        kind,
        enabled: f.enabled,
        via: via.unwrap_or(Via::Either),
        marketing: f.marketing || kind == Kind::Birthday,
        days: 0,
        minutes: 0,
        send_at_min: 0,
        status: None,
        working_days_only: false,
        include_same_day: true,
        services: Vec::new(),
        hourly: false,
        sms_text: f.sms_text.trim().to_string(),
        email_subject: f.email_subject.trim().to_string(),
        email_body: f.email_body.trim().to_string(),
    };
    if uses.days {
        // Days after a service may be 0 (the evening of the visit); before, at most a year.
        match number(&f.days, 0..=365) {
            Ok(n) => s.days = n,
            Err(p) => bad("days", p),
        }
    }
    if uses.minutes {
        match number(&f.minutes, 1..=7 * 24 * 60) {
            Ok(n) => s.minutes = n,
            Err(p) => bad("minutes", p),
        }
    }
    if uses.time {
        match crate::kernel::time_fmt::parse_hhmm(&f.send_at) {
            Some(m) => s.send_at_min = m,
            None if f.send_at.trim().is_empty() => bad("send_at", Problem::Required),
            None => bad("send_at", Problem::Time),
        }
    }
    if uses.status {
        match AppointmentStatus::parse(&f.status) {
            Some(st) => s.status = Some(st),
            None => bad("status", Problem::Choice),
        }
    }
    if uses.day_type {
        s.working_days_only = f.working_days_only;
        s.include_same_day = f.include_same_day;
    }
    if uses.services {
        let mut ids = Vec::new();
        for v in &f.services {
            match v.trim().parse::<i64>() {
                Ok(id) if id > 0 => ids.push(id),
                _ => bad("services", Problem::Choice),
            }
        }
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() && !f.services.iter().any(|v| !v.trim().is_empty()) {
            bad("services", Problem::Required);
        }
        s.services = ids;
    }
    if uses.hourly {
        s.hourly = f.hourly;
    }
    let sms_needed = s.via != Via::Email;
    let email_needed = s.via != Via::Sms;
    for (field, text, needed) in [
        ("sms_text", &s.sms_text, sms_needed),
        ("email_subject", &s.email_subject, email_needed),
        ("email_body", &s.email_body, email_needed),
    ] {
        if text.is_empty() {
            if needed {
                bad(field, Problem::Required);
            }
            continue;
        }
        if text.chars().count() > TEXT_MAX {
            bad(field, Problem::TooLong(TEXT_MAX));
        } else if check_template(text, kind).is_err() {
            bad(field, Problem::UnknownParameter);
        }
    }
    if errors.is_empty() {
        Ok(s)
    } else {
        Err(errors)
    }
}

/// A value a template can name («Параметры»). Written in the text as `{имя}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Param {
    Name,
    NamePatronymic,
    Doctor,
    Specialty,
    Date,
    Time,
    Branch,
    Address,
    BookingLink,
    VideoLink,
    Clinic,
}

impl Param {
    pub const ALL: [Param; 11] = [
        Param::Name,
        Param::NamePatronymic,
        Param::Doctor,
        Param::Specialty,
        Param::Date,
        Param::Time,
        Param::Branch,
        Param::Address,
        Param::BookingLink,
        Param::VideoLink,
        Param::Clinic,
    ];

    /// The word between braces in a template (the same in both languages: templates are the
    /// clinic's text, written in Russian).
    pub fn token(self) -> &'static str {
        match self {
            Param::Name => "имя",
            Param::NamePatronymic => "имя_отчество",
            Param::Doctor => "врач",
            Param::Specialty => "специальность",
            Param::Date => "дата",
            Param::Time => "время",
            Param::Branch => "филиал",
            Param::Address => "адрес",
            Param::BookingLink => "ссылка_на_запись",
            Param::VideoLink => "ссылка_на_видео",
            Param::Clinic => "клиника",
        }
    }

    pub fn parse(token: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.token() == token.trim().to_lowercase())
    }
}

/// Why a template is refused: a `{…}` that names no parameter this type has (or a brace left
/// open), with the text found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownParam(pub String);

/// Splits a template into literal text and parameters.
fn pieces(text: &str) -> Vec<Result<&str, &str>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push(Ok(&rest[..open]));
        let after = &rest[open + 1..];
        match after.find(['}', '{']) {
            Some(close) if after.as_bytes()[close] == b'}' => {
                out.push(Err(&after[..close]));
                rest = &after[close + 1..];
            }
            _ => {
                // An unclosed brace: the rest, brace included, names no parameter.
                out.push(Err(&rest[open..]));
                rest = "";
            }
        }
    }
    out.push(Ok(rest));
    out
}

/// Checks that every `{…}` names a parameter this type offers.
pub fn check_template(text: &str, kind: Kind) -> Result<(), UnknownParam> {
    for piece in pieces(text) {
        if let Err(token) = piece {
            match Param::parse(token) {
                Some(p) if kind.params().contains(&p) => {}
                _ => return Err(UnknownParam(token.to_string())),
            }
        }
    }
    Ok(())
}

/// The values of one notification's parameters; a missing one renders as nothing.
pub type Values = std::collections::HashMap<Param, String>;

/// The text with its parameters filled in (an unknown one, which saving refuses, stays as typed).
pub fn render(text: &str, values: &Values) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    for piece in pieces(text) {
        match piece {
            Ok(literal) => out.push_str(literal),
            Err(token) => match Param::parse(token) {
                Some(p) => out.push_str(values.get(&p).map_or("", String::as_str)),
                None if token.starts_with('{') => out.push_str(token),
                None => {
                    out.push('{');
                    out.push_str(token);
                    out.push('}');
                }
            },
        }
    }
    out
}

/// An SMS's size: characters as the network counts them and the parts it is sent in. Text in
/// the GSM alphabet goes 160 characters in one part, 153 per part when split; anything else
/// (Cyrillic, emoji) 70 UTF-16 units in one, 67 per part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SmsSize {
    pub units: usize,
    pub parts: usize,
    pub unicode: bool,
}

pub fn sms_size(text: &str) -> SmsSize {
    const GSM: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    const GSM_EXT: &str = "^{}\\[~]|€\u{c}";
    let unicode = text.chars().any(|c| !GSM.contains(c) && !GSM_EXT.contains(c));
    let units = if unicode {
        text.encode_utf16().count()
    } else {
        text.chars().map(|c| if GSM_EXT.contains(c) { 2 } else { 1 }).sum()
    };
    let (single, part) = if unicode { (70, 67) } else { (160, 153) };
    let parts = match units {
        0 => 0,
        n if n <= single => 1,
        n => n.div_ceil(part),
    };
    SmsSize { units, parts, unicode }
}

fn offset(minutes: i32) -> UtcOffset {
    UtcOffset::from_whole_seconds(minutes * 60).unwrap_or(UtcOffset::UTC)
}

/// Unix time of a local date and minute of the day in the clinic's offset.
pub fn at_local(day: Date, minute: u16, offset_minutes: i32) -> i64 {
    let time = Time::from_hms((minute / 60).min(23) as u8, (minute % 60) as u8, 0).unwrap_or(Time::MIDNIGHT);
    PrimitiveDateTime::new(day, time).assume_offset(offset(offset_minutes)).unix_timestamp()
}

fn local(unix: i64, offset_minutes: i32) -> PrimitiveDateTime {
    let t = time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset(offset_minutes));
    PrimitiveDateTime::new(t.date(), t.time())
}

/// The clinic's quiet hours: what falls due inside them waits for their end. `from == to`:
/// none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub from_min: u16,
    pub to_min: u16,
}

impl QuietHours {
    pub const NONE: QuietHours = QuietHours { from_min: 0, to_min: 0 };

    /// `t` moved to the end of the quiet hours it falls in (unchanged outside them).
    pub fn shift(self, t: i64, offset_minutes: i32) -> i64 {
        if self.from_min == self.to_min {
            return t;
        }
        let l = local(t, offset_minutes);
        let m = l.hour() as u16 * 60 + l.minute() as u16;
        let (from, to) = (self.from_min, self.to_min);
        let inside = if from < to { m >= from && m < to } else { m >= from || m < to };
        if !inside {
            return t;
        }
        // The end is today when the window has not wrapped past midnight yet, else tomorrow.
        let day = if from > to && m >= from { l.date() + Duration::days(1) } else { l.date() };
        at_local(day, to, offset_minutes)
    }
}

fn is_working_day(t: i64, offset_minutes: i32) -> bool {
    !matches!(local(t, offset_minutes).weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// What a schedule may fire for, as the store reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// An appointment: its start, local date, when it was made, and when its status last
    /// changed.
    Appointment { id: i64, starts_at: i64, day: Date, created_at: i64, changed_at: i64 },
    /// A card's birthday in the year given.
    Birthday { card_id: i64, birth_date: Date, year: i32 },
    /// One upload of the clinic's documents, delivered whole at `at`.
    Upload { id: i64, at: i64 },
    /// The clinic's documents that reached a card within one hour (`hour` = its start).
    UploadsHour { card_id: i64, hour: i64 },
    /// A dialogue with messages unread since `since`.
    Dialogue { id: i64, since: i64 },
    /// A broadcast delivered at `at`, not yet opened.
    Broadcast { id: i64, at: i64 },
}

impl Subject {
    /// The notification's unique key beside the schedule and the card: (kind of subject, id,
    /// occurrence). A moved appointment is a new occurrence; so is a dialogue unread again.
    pub fn key(&self) -> (&'static str, i64, i64) {
        match *self {
            Subject::Appointment { id, starts_at, .. } => ("appointment", id, starts_at),
            Subject::Birthday { card_id, year, .. } => ("birthday", card_id, year as i64),
            Subject::Upload { id, .. } => ("upload", id, 0),
            Subject::UploadsHour { card_id, hour } => ("upload_hour", card_id, hour),
            Subject::Dialogue { id, since } => ("dialogue", id, since),
            Subject::Broadcast { id, .. } => ("broadcast", id, 0),
        }
    }
}

/// When `schedule` fires for `subject` (before quiet hours), or `None` when it never does (a
/// weekend for a working-days schedule, a visit made the same day when those are left out).
pub fn fire_at(s: &Schedule, subject: &Subject, offset_minutes: i32) -> Option<i64> {
    let t = match (s.kind, subject) {
        (Kind::DaysBefore, Subject::Appointment { day, .. }) => {
            at_local(*day - Duration::days(s.days), s.send_at_min, offset_minutes)
        }
        (Kind::MinutesBefore, Subject::Appointment { starts_at, .. }) => starts_at - s.minutes * 60,
        (Kind::AfterStatus, Subject::Appointment { changed_at, .. }) => changed_at + s.minutes * 60,
        (Kind::DaysAfterService, Subject::Appointment { day, .. }) => {
            at_local(*day + Duration::days(s.days), s.send_at_min, offset_minutes)
        }
        (Kind::Birthday, Subject::Birthday { birth_date, year, .. }) => {
            let day = anniversary(*birth_date, *year)?;
            at_local(day - Duration::days(s.days), s.send_at_min, offset_minutes)
        }
        (Kind::ResultReady, Subject::Upload { at, .. }) => at + s.minutes * 60,
        (Kind::DocumentDelivered, Subject::Upload { at, .. }) => *at,
        (Kind::DocumentDelivered, Subject::UploadsHour { hour, .. }) => hour + 3600,
        (Kind::NewMessage, Subject::Dialogue { since, .. }) => since + s.minutes * 60,
        (Kind::NewMessage, Subject::Broadcast { at, .. }) => at + s.minutes * 60,
        _ => return None,
    };
    if s.kind.uses().day_type {
        if s.working_days_only && !is_working_day(t, offset_minutes) {
            return None;
        }
        if let Subject::Appointment { created_at, .. } = subject {
            if !s.include_same_day && local(*created_at, offset_minutes).date() == local(t, offset_minutes).date() {
                return None;
            }
        }
    }
    Some(t)
}

/// A birthday's date in `year` (29 February on 28 February in a common year).
pub fn anniversary(birth: Date, year: i32) -> Option<Date> {
    Date::from_calendar_date(year, birth.month(), birth.day())
        .ok()
        .or_else(|| Date::from_calendar_date(year, birth.month(), birth.day() - 1).ok())
}

/// The hour (its start, unix seconds) a delivery at `t` is batched in.
pub fn hour_of(t: i64) -> i64 {
    t - t.rem_euclid(3600)
}

/// Where a notification stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Waiting for its time.
    Queued,
    /// Handed to the outbox; `delivered` once the relay or gateway took it.
    Sent,
    /// Could not be sent (no contact; the relay kept refusing).
    Failed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Queued, Status::Sent, Status::Failed, Status::Cancelled];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Sent => "sent",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

impl Status {
    /// How the log shows a notification: one handed to the outbox that the relay has not taken
    /// and keeps refusing reads as not sent.
    pub fn as_seen(self, delivered: bool, relay_error: bool) -> Status {
        if self == Status::Sent && !delivered && relay_error {
            Status::Failed
        } else {
            self
        }
    }
}

/// Why a notification was cancelled or failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reason {
    /// «Отказ от всех уведомлений».
    Refused,
    /// «Отказ от рекламных рассылок» (a marketing schedule).
    RefusedAdvertising,
    AppointmentCancelled,
    /// The appointment moved: a notification for its new time replaces this one.
    Moved,
    /// The message or broadcast was read before the notification went.
    Read,
    /// The schedule was switched off or changed.
    ScheduleOff,
    /// The card has no phone or e-mail for this channel.
    NoContact,
    /// The subject is gone (a visit no longer completed, a document withdrawn).
    Gone,
}

impl Reason {
    pub const ALL: [Reason; 8] = [
        Reason::Refused,
        Reason::RefusedAdvertising,
        Reason::AppointmentCancelled,
        Reason::Moved,
        Reason::Read,
        Reason::ScheduleOff,
        Reason::NoContact,
        Reason::Gone,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Refused => "refused",
            Reason::RefusedAdvertising => "refused_advertising",
            Reason::AppointmentCancelled => "appointment_cancelled",
            Reason::Moved => "moved",
            Reason::Read => "read",
            Reason::ScheduleOff => "schedule_off",
            Reason::NoContact => "no_contact",
            Reason::Gone => "gone",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The card's refusals as they stand now, for a schedule: the reason it must not send, if any.
pub fn refusal(marketing: bool, refused_all: bool, refused_advertising: bool) -> Option<Reason> {
    if refused_all {
        Some(Reason::Refused)
    } else if marketing && refused_advertising {
        Some(Reason::RefusedAdvertising)
    } else {
        None
    }
}

/// Why an appointment's notification must not go any more, if it must not: a reminder once its
/// visit is cancelled, moved (`occurrence` is the start it was queued for) or begun; a message
/// after a status change once the status is another; one after a service once the visit is no
/// longer completed.
pub fn appointment_stale(
    kind: Kind,
    wanted: Option<AppointmentStatus>,
    status: AppointmentStatus,
    starts_at: i64,
    occurrence: i64,
    now: i64,
) -> Option<Reason> {
    match kind {
        Kind::DaysBefore | Kind::MinutesBefore => {
            if !status.is_active() {
                Some(Reason::AppointmentCancelled)
            } else if starts_at != occurrence {
                Some(Reason::Moved)
            } else if now >= starts_at {
                Some(Reason::Gone)
            } else {
                None
            }
        }
        Kind::AfterStatus => (Some(status) != wanted).then_some(Reason::Gone),
        Kind::DaysAfterService => (status != AppointmentStatus::Completed).then_some(Reason::Gone),
        _ => None,
    }
}

/// Which contact a notification goes to: (channel is SMS, address). The clinic's contact
/// priority decides for `Either`, the other contact being the fallback.
pub fn route(via: Via, phone_first: bool, mobile: Option<&str>, email: Option<&str>) -> Option<(bool, String)> {
    let sms = mobile.filter(|p| !p.is_empty()).map(|p| (true, p.to_string()));
    let mail = email.filter(|e| !e.is_empty()).map(|e| (false, e.to_string()));
    match via {
        Via::Sms => sms,
        Via::Email => mail,
        Via::Either if phone_first => sms.or(mail),
        Via::Either => mail.or(sms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn schedule(kind: Kind) -> Schedule {
        Schedule {
            name: "x".into(),
            kind,
            enabled: true,
            via: Via::Either,
            marketing: false,
            days: 1,
            minutes: 120,
            send_at_min: 10 * 60,
            status: Some(AppointmentStatus::Completed),
            working_days_only: false,
            include_same_day: true,
            services: vec![],
            hourly: false,
            sms_text: "{имя}".into(),
            email_subject: "s".into(),
            email_body: "b".into(),
        }
    }

    fn appt(day: Date, minute: u16, offset: i32) -> Subject {
        let starts_at = at_local(day, minute, offset);
        Subject::Appointment { id: 1, starts_at, day, created_at: starts_at - 10 * 86400, changed_at: starts_at }
    }

    #[test]
    fn days_before_fires_at_the_clinics_local_time_across_a_date_change() {
        // Vladivostok, UTC+10, no daylight saving: 10:00 local on 4 March is 00:00 UTC that day;
        // 08:00 local is still 3 March in UTC.
        let s = schedule(Kind::DaysBefore);
        let t = fire_at(&s, &appt(date!(2027 - 03 - 05), 9 * 60, 600), 600).unwrap();
        assert_eq!(t, time::macros::datetime!(2027-03-04 00:00 UTC).unix_timestamp());
        let early = Schedule { send_at_min: 8 * 60, ..s };
        let t = fire_at(&early, &appt(date!(2027 - 03 - 05), 9 * 60, 600), 600).unwrap();
        assert_eq!(t, time::macros::datetime!(2027-03-03 22:00 UTC).unix_timestamp());
        // Moscow, UTC+3: 10:00 local is 07:00 UTC.
        let t = fire_at(&schedule(Kind::DaysBefore), &appt(date!(2027 - 03 - 05), 9 * 60, 180), 180).unwrap();
        assert_eq!(t, time::macros::datetime!(2027-03-04 07:00 UTC).unix_timestamp());
    }

    #[test]
    fn minutes_before_respects_working_days_and_same_day_bookings() {
        let mut s = schedule(Kind::MinutesBefore);
        let monday = appt(date!(2027 - 03 - 01), 12 * 60, 180);
        let Subject::Appointment { starts_at, .. } = monday else { unreachable!() };
        assert_eq!(fire_at(&s, &monday, 180), Some(starts_at - 7200));
        s.working_days_only = true;
        let saturday = appt(date!(2027 - 03 - 06), 12 * 60, 180);
        assert_eq!(fire_at(&s, &saturday, 180), None);
        assert!(fire_at(&s, &monday, 180).is_some());
        s.include_same_day = false;
        let Subject::Appointment { id, starts_at, day, .. } = monday else { unreachable!() };
        let same_day =
            Subject::Appointment { id, starts_at, day, created_at: starts_at - 3 * 3600, changed_at: starts_at };
        assert_eq!(fire_at(&s, &same_day, 180), None);
        assert!(fire_at(&s, &monday, 180).is_some());
    }

    #[test]
    fn other_kinds_fire_after_their_event() {
        let after = schedule(Kind::AfterStatus);
        let a =
            Subject::Appointment { id: 1, starts_at: 0, day: date!(2027 - 03 - 01), created_at: 0, changed_at: 1000 };
        assert_eq!(fire_at(&after, &a, 180), Some(1000 + 7200));
        let service = Schedule { days: 14, send_at_min: 13 * 60, ..schedule(Kind::DaysAfterService) };
        assert_eq!(fire_at(&service, &a, 180), Some(at_local(date!(2027 - 03 - 15), 13 * 60, 180)));
        let birthday = Schedule { days: 0, send_at_min: 12 * 60, ..schedule(Kind::Birthday) };
        let leap = Subject::Birthday { card_id: 1, birth_date: date!(2000 - 02 - 29), year: 2027 };
        assert_eq!(fire_at(&birthday, &leap, 180), Some(at_local(date!(2027 - 02 - 28), 12 * 60, 180)));
        let doc = schedule(Kind::DocumentDelivered);
        assert_eq!(fire_at(&doc, &Subject::Upload { id: 1, at: 5000 }, 180), Some(5000));
        assert_eq!(fire_at(&doc, &Subject::UploadsHour { card_id: 1, hour: hour_of(7300) }, 180), Some(7200 + 3600));
        let msg = Schedule { minutes: 30, ..schedule(Kind::NewMessage) };
        assert_eq!(fire_at(&msg, &Subject::Dialogue { id: 3, since: 100 }, 180), Some(1900));
        assert_eq!(fire_at(&msg, &a, 180), None, "a type never fires for another type's subject");
    }

    #[test]
    fn quiet_hours_move_a_notification_to_their_end() {
        let q = QuietHours { from_min: 21 * 60, to_min: 9 * 60 };
        let at = |d: Date, h: u16| at_local(d, h * 60, 180);
        let d = date!(2027 - 03 - 01);
        assert_eq!(q.shift(at(d, 22), 180), at(d + Duration::days(1), 9), "evening waits for the morning");
        assert_eq!(q.shift(at(d, 3), 180), at(d, 9), "night waits for the same morning");
        assert_eq!(q.shift(at(d, 12), 180), at(d, 12));
        assert_eq!(q.shift(at(d, 9), 180), at(d, 9), "the end itself is outside");
        let day = QuietHours { from_min: 13 * 60, to_min: 14 * 60 };
        assert_eq!(day.shift(at(d, 13) + 600, 180), at(d, 14));
        assert_eq!(QuietHours::NONE.shift(123, 180), 123);
    }

    #[test]
    fn templates_name_only_known_parameters_and_render_them() {
        assert!(check_template("Здравствуйте, {имя}! Приём {дата} в {время} 😊", Kind::DaysBefore).is_ok());
        assert_eq!(check_template("{фамилия}", Kind::DaysBefore), Err(UnknownParam("фамилия".into())));
        assert_eq!(
            check_template("{врач}", Kind::Birthday),
            Err(UnknownParam("врач".into())),
            "no visit on a birthday"
        );
        assert!(check_template("незакрытая {имя", Kind::DaysBefore).is_err());
        let values: Values = [(Param::Name, "Анна".to_string()), (Param::Date, "5 марта".to_string())].into();
        assert_eq!(render("{Имя}, ждём Вас {дата}. {время}", &values), "Анна, ждём Вас 5 марта. ");
    }

    #[test]
    fn sms_length_counts_cyrillic_and_emoji_in_utf16_parts() {
        assert_eq!(sms_size("Hello"), SmsSize { units: 5, parts: 1, unicode: false });
        assert_eq!(sms_size(&"a".repeat(161)).parts, 2);
        assert_eq!(sms_size(&"я".repeat(70)), SmsSize { units: 70, parts: 1, unicode: true });
        assert_eq!(sms_size(&"я".repeat(71)).parts, 2);
        assert_eq!(sms_size(&"я".repeat(134)).parts, 2);
        assert_eq!(sms_size(&"я".repeat(135)).parts, 3);
        assert_eq!(sms_size("😊").units, 2, "an emoji takes two units");
        assert_eq!(sms_size("[]").units, 4, "GSM extension characters take two");
        assert_eq!(sms_size("").parts, 0);
    }

    #[test]
    fn the_form_is_checked_field_by_field() {
        let form = ScheduleForm {
            name: "Напоминание".into(),
            kind: "days_before".into(),
            enabled: true,
            via: "either".into(),
            days: "1".into(),
            send_at: "10:00".into(),
            sms_text: "{имя}, ждём Вас {дата} в {время}".into(),
            email_subject: "Напоминание о приёме".into(),
            email_body: "{имя_отчество}, ждём Вас {дата} в {время} у врача {врач}.".into(),
            ..Default::default()
        };
        let s = check_schedule(&form).unwrap();
        assert_eq!((s.days, s.send_at_min, s.kind), (1, 600, Kind::DaysBefore));
        let bad = ScheduleForm {
            days: "-1".into(),
            send_at: "25:00".into(),
            sms_text: "{фамилия}".into(),
            email_subject: String::new(),
            ..form.clone()
        };
        let errors = check_schedule(&bad).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.problem)).collect();
        assert_eq!(
            fields,
            [
                ("days", Problem::Range),
                ("send_at", Problem::Time),
                ("sms_text", Problem::UnknownParameter),
                ("email_subject", Problem::Required)
            ]
        );
        let sms_only =
            ScheduleForm { via: "sms".into(), email_subject: String::new(), email_body: String::new(), ..form.clone() };
        assert!(check_schedule(&sms_only).is_ok(), "an SMS schedule needs no e-mail text");
        let after = ScheduleForm { kind: "after_status".into(), minutes: "180".into(), status: "gone".into(), ..form };
        assert_eq!(check_schedule(&after).unwrap_err()[0].field, "status");
        let birthday = ScheduleForm { kind: "birthday".into(), days: "0".into(), ..Default::default() };
        assert!(check_schedule(&birthday).is_err());
    }

    #[test]
    fn a_reminder_is_stale_once_its_visit_is_cancelled_moved_or_begun() {
        use AppointmentStatus::*;
        let stale = |status, starts_at, now| appointment_stale(Kind::MinutesBefore, None, status, starts_at, 5000, now);
        assert_eq!(stale(Booked, 5000, 100), None);
        assert_eq!(stale(Cancelled, 5000, 100), Some(Reason::AppointmentCancelled));
        assert_eq!(stale(Confirmed, 9000, 100), Some(Reason::Moved));
        assert_eq!(stale(Booked, 5000, 5000), Some(Reason::Gone));
        let after = |status| appointment_stale(Kind::AfterStatus, Some(Completed), status, 9000, 0, 100);
        assert_eq!((after(Completed), after(NoShow)), (None, Some(Reason::Gone)), "moved after completion: still once");
    }

    #[test]
    fn a_notice_the_relay_keeps_refusing_reads_as_not_sent() {
        assert_eq!(Status::Sent.as_seen(false, true), Status::Failed);
        assert_eq!(Status::Sent.as_seen(false, false), Status::Sent, "waiting for its first try");
        assert_eq!(Status::Sent.as_seen(true, false), Status::Sent);
        assert_eq!(Status::Cancelled.as_seen(false, true), Status::Cancelled);
    }

    #[test]
    fn refusals_and_routes() {
        assert_eq!(refusal(false, true, false), Some(Reason::Refused));
        assert_eq!(refusal(true, false, true), Some(Reason::RefusedAdvertising));
        assert_eq!(refusal(false, false, true), None, "information still goes to those who refused advertising");
        assert_eq!(route(Via::Either, true, Some("+7900"), Some("a@b")), Some((true, "+7900".into())));
        assert_eq!(route(Via::Either, true, None, Some("a@b")), Some((false, "a@b".into())), "e-mail as the fallback");
        assert_eq!(route(Via::Either, false, Some("+7900"), Some("a@b")), Some((false, "a@b".into())));
        assert_eq!(route(Via::Sms, true, None, Some("a@b")), None);
    }
}
