//! What notifications need from storage: the schedules, what each may fire for, the queue of
//! notifications (one row per schedule, card, subject and occurrence, made once), and the
//! delivery log.

use super::rules::{QuietHours, Reason, Schedule, Status, Subject};
use crate::platform::store::{AuditEntry, NewMail, StoreResult};
use async_trait::async_trait;
use time::Date;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleRecord {
    pub id: i64,
    pub schedule: Schedule,
    /// Since when it fires (set each time it is switched on): nothing that fell due before is
    /// sent.
    pub active_since: i64,
    pub updated_at: i64,
}

/// A notification to queue; the store ignores one whose key exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewNotification {
    pub schedule_id: i64,
    pub card_id: i64,
    pub subject_kind: &'static str,
    pub subject_id: i64,
    pub occurrence: i64,
    pub due_at: i64,
    /// A marketing schedule's: queued as cancelled for a card that refused advertising (as
    /// for any that refused all notifications), so it is never considered again.
    pub marketing: bool,
}

/// A queued notification whose time has come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueNotification {
    pub id: i64,
    pub schedule_id: i64,
    pub card_id: i64,
    pub subject_kind: String,
    pub subject_id: i64,
    pub occurrence: i64,
    pub due_at: i64,
}

/// Whom a notification reaches: the card's names, refusals and contacts, with its first active
/// guardian's contacts for a card that has none of its own (a child's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardContact {
    pub card_id: i64,
    pub surname: String,
    pub name: String,
    pub patronymic: Option<String>,
    pub refused_notifications: bool,
    pub refused_advertising: bool,
    /// A mobile number (SMS goes to mobiles only).
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub birth_date: Date,
    pub incapacitated: bool,
    /// The first active guardian's contacts and refusals, for a card that has no contact.
    pub guardian_mobile: Option<String>,
    pub guardian_email: Option<String>,
    pub guardian_refused_notifications: bool,
    pub guardian_refused_advertising: bool,
}

/// An appointment as a reminder names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppointmentFacts {
    pub id: i64,
    pub card_id: i64,
    pub status: crate::features::booking::rules::AppointmentStatus,
    pub starts_at: i64,
    pub day: Date,
    pub start_min: u16,
    pub duration_min: u16,
    pub online: bool,
    pub room: Option<String>,
    pub doctor: String,
    pub specialty: Option<String>,
    pub branch: String,
    pub address: String,
}

/// What happens to a due notification, in one transaction with its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handover {
    /// Into the outbox (SMS when `sms`).
    Send {
        sms: bool,
        mail: NewMail,
    },
    Cancel(Reason),
    Fail(Reason),
}

/// One line of the delivery log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRecord {
    pub id: i64,
    pub schedule_id: i64,
    pub schedule_name: String,
    pub card_id: i64,
    pub patient: String,
    pub status: Status,
    pub reason: Option<Reason>,
    pub due_at: i64,
    /// "sms" or "email", once handed over.
    pub channel: Option<String>,
    pub recipient: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// When the relay or gateway took it.
    pub delivered_at: Option<i64>,
    /// The relay's last complaint, while it keeps refusing.
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    pub card_id: Option<i64>,
    pub schedule_id: Option<i64>,
    /// Due within [from, to).
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

#[async_trait]
pub trait NotificationsStore: Send + Sync {
    async fn notify_schedules(&self) -> StoreResult<Vec<ScheduleRecord>>;
    async fn notify_schedule(&self, id: i64) -> StoreResult<Option<ScheduleRecord>>;
    /// Creates (`id` None) or replaces a schedule; the queued notifications of a changed one are
    /// cancelled (the evaluator queues them again by the new settings). Switching one on starts
    /// its `active_since` anew. `None`: no such schedule.
    async fn notify_schedule_save(
        &self,
        id: Option<i64>,
        schedule: &Schedule,
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<Option<i64>>;
    async fn quiet_hours(&self) -> StoreResult<QuietHours>;
    async fn set_quiet_hours(&self, quiet: QuietHours, audit: AuditEntry) -> StoreResult<()>;

    // What a schedule may fire for, (card, subject), leaving out what `schedule_id` has a
    // notification for already (so a tick in the steady state writes nothing).

    /// Booked or confirmed appointments starting within [from, to).
    async fn notify_upcoming(&self, schedule_id: i64, from: i64, to: i64) -> StoreResult<Vec<(i64, Subject)>>;
    /// Appointments whose status is `status`, changed within [from, to).
    async fn notify_changed_to(
        &self,
        schedule_id: i64,
        status: crate::features::booking::rules::AppointmentStatus,
        from: i64,
        to: i64,
    ) -> StoreResult<Vec<(i64, Subject)>>;
    /// Completed visits on local days [from, to] for one of `services`.
    async fn notify_completed(
        &self,
        schedule_id: i64,
        from: Date,
        to: Date,
        services: &[i64],
    ) -> StoreResult<Vec<(i64, Subject)>>;
    /// Cards born on one of the month-days ("MM-DD") given, with the year to fire in.
    async fn notify_birthdays(&self, schedule_id: i64, days: &[(String, i32)]) -> StoreResult<Vec<(i64, Subject)>>;
    /// The clinic's uploads delivered whole within [from, to): (card, upload id, when).
    /// `analyses_only`: uploads whose record is of analyses; `hourly`: the schedule notifies per
    /// card and hour (so what it has notified is keyed by the hour).
    async fn notify_uploads(
        &self,
        schedule_id: i64,
        from: i64,
        to: i64,
        analyses_only: bool,
        hourly: bool,
    ) -> StoreResult<Vec<(i64, i64, i64)>>;
    /// Dialogues unread by the patient since within [from, to).
    async fn notify_unread_dialogues(&self, schedule_id: i64, from: i64, to: i64) -> StoreResult<Vec<(i64, Subject)>>;
    /// Broadcasts delivered within [from, to) and not opened.
    async fn notify_unread_broadcasts(&self, schedule_id: i64, from: i64, to: i64) -> StoreResult<Vec<(i64, Subject)>>;

    /// Queues the notifications not queued before (by their key); returns how many were new.
    async fn notify_queue(&self, items: &[NewNotification], now: i64) -> StoreResult<u64>;
    /// Queued notifications due by `now`, oldest first.
    async fn notify_due(&self, now: i64, limit: i64) -> StoreResult<Vec<DueNotification>>;
    async fn notify_card(&self, card_id: i64) -> StoreResult<Option<CardContact>>;
    async fn notify_appointment(&self, id: i64) -> StoreResult<Option<AppointmentFacts>>;
    /// Whether a dialogue is still unread since `since`, or a broadcast still unopened.
    async fn notify_still_unread(&self, subject_kind: &str, id: i64, card_id: i64, since: i64) -> StoreResult<bool>;
    /// Settles a queued notification (once: false when another worker settled it first).
    async fn notify_settle(&self, id: i64, outcome: Handover, now: i64) -> StoreResult<bool>;
    async fn notify_log(&self, filter: &LogFilter) -> StoreResult<Vec<LogRecord>>;
    /// Called before the outbox sends row `outbox_id`: when it is a notification that must not
    /// go any more (the card refused meanwhile, its visit was cancelled, moved or begun — the
    /// relay was down since it was handed over), the notification is cancelled with the reason
    /// and the outbox row removed, in one transaction; true then. False for any other row.
    async fn notify_withdrawn(&self, outbox_id: i64, now: i64) -> StoreResult<bool>;
}
