//! Storage for booking: the clinic's booking settings, doctors and their service links,
//! schedules, appointments with their history, and the waitlist. Booking and rescheduling
//! rely on the database's one-live-appointment-per-doctor-and-start constraint, so no time is
//! ever given twice, whatever the concurrency.

use crate::features::booking::rules::{AppointmentSource, AppointmentStatus, VisitMode};
use crate::kernel::account::ActorRole;
pub use crate::platform::audit::Actor;
use crate::platform::store::{AuditEntry, StoreResult};
use async_trait::async_trait;
use time::Date;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BookingSettingsRecord {
    pub online_discount_percent: u8,
    /// Future appointments one patient may hold with one doctor.
    pub max_future_per_doctor: i64,
    /// Patients may cancel or move an appointment until this many minutes before it.
    pub cancel_close_minutes: i64,
    /// How many days ahead the cabinet offers times.
    pub horizon_days: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoctorRecord {
    pub id: i64,
    pub surname: String,
    pub name: String,
    pub patronymic: String,
    pub specialty: Option<String>,
    pub branch_name: Option<String>,
    pub degree: Option<String>,
    pub online_booking: bool,
}

/// A doctor–service link with the prices the clinic set for online booking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceLinkRecord {
    pub staff_id: i64,
    pub service_id: i64,
    pub service_code: String,
    pub service_name: String,
    pub mode: VisitMode,
    pub show_price: bool,
    pub price: Option<i64>,
    pub prepayment: Option<i64>,
    pub prepayment_discount: Option<i64>,
    pub round_to_roubles: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleDayRecord {
    pub staff_id: i64,
    pub day: Date,
    pub branch_id: i64,
    pub branch_name: String,
    pub start_min: u16,
    pub end_min: u16,
    pub step_min: u16,
    /// As typed: "13:00-14:00, 16:30-16:45".
    pub breaks: String,
}

/// An appointment with the names the pages show beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppointmentRecord {
    pub id: i64,
    pub staff_id: i64,
    pub card_id: i64,
    pub day: Date,
    pub start_min: u16,
    pub duration_min: u16,
    pub starts_at: i64,
    pub mode: VisitMode,
    pub status: AppointmentStatus,
    pub cancel_reason: Option<String>,
    pub room: Option<String>,
    pub price: Option<i64>,
    pub source: AppointmentSource,
    pub doctor_name: String,
    pub specialty: Option<String>,
    pub branch_name: String,
    pub service_id: Option<i64>,
    pub service_name: Option<String>,
    pub patient_name: String,
}

/// Where and when an appointment is (or moves to).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotPlace {
    pub branch_id: i64,
    pub day: Date,
    pub start_min: u16,
    pub duration_min: u16,
    pub starts_at: i64,
}

pub struct NewAppointment {
    pub staff_id: i64,
    pub card_id: i64,
    pub service_id: Option<i64>,
    pub place: SlotPlace,
    pub mode: VisitMode,
    /// The meeting room of an online consultation.
    pub room: Option<String>,
    pub price: Option<i64>,
    pub source: AppointmentSource,
    /// Refuse when the card already holds this many future live appointments with the doctor.
    pub max_future: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookOutcome {
    Booked(i64),
    /// Someone holds this doctor's time already.
    Taken,
    /// The card holds the allowed number of future appointments with this doctor.
    LimitReached,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoveOutcome {
    Moved,
    Taken,
    /// The appointment is no longer live (cancelled or over) or does not exist.
    Gone,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppointmentEventRecord {
    pub at: i64,
    pub actor_name: Option<String>,
    pub actor_role: ActorRole,
    pub action: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitlistRecord {
    pub id: i64,
    pub staff_id: i64,
    pub card_id: i64,
    pub patient_name: String,
    pub day: Option<Date>,
    pub note: String,
    pub created_at: i64,
}

/// The booking set-up the front desk keeps: settings, doctors, the services they offer, branches
/// and the doctors' schedules.
#[async_trait]
pub trait ScheduleStore: Send + Sync {
    async fn booking_settings(&self) -> StoreResult<BookingSettingsRecord>;
    async fn save_booking_settings(&self, settings: BookingSettingsRecord, audit: AuditEntry) -> StoreResult<()>;

    /// Doctors (staff with a specialty), all or only those enabled for online booking.
    async fn doctors(&self, online_only: bool) -> StoreResult<Vec<DoctorRecord>>;
    async fn set_doctor_online(
        &self,
        staff_id: i64,
        online: bool,
        degree: Option<String>,
        audit: AuditEntry,
    ) -> StoreResult<bool>;
    /// Service links of one doctor, or of every doctor.
    async fn service_links(&self, staff_id: Option<i64>) -> StoreResult<Vec<ServiceLinkRecord>>;
    async fn save_service_link(&self, link: ServiceLinkRecord, audit: AuditEntry) -> StoreResult<bool>;
    async fn delete_service_link(&self, staff_id: i64, service_id: i64, audit: AuditEntry) -> StoreResult<bool>;
    /// The price list's services (id, code, name), for linking.
    async fn services(&self) -> StoreResult<Vec<(i64, String, String)>>;
    /// The active branches (id, name): where new schedule days may be.
    async fn branches(&self) -> StoreResult<Vec<(i64, String)>>;
    /// «Причины отмены записи на приём», hidden ones too, in the order they were added.
    async fn cancel_reasons(&self) -> StoreResult<Vec<super::rules::CancelReason>>;
    /// Adds a reason, journalled; false when the list has it already.
    async fn add_cancel_reason(&self, name: &str, actor: &Actor, now: i64) -> StoreResult<bool>;
    /// Offers a reason again or stops offering it, journalled; false when unknown.
    async fn set_cancel_reason_active(&self, id: i64, active: bool, actor: &Actor, now: i64) -> StoreResult<bool>;

    /// Schedule days of one doctor in `[from, to]`.
    async fn schedule(&self, staff_id: i64, from: Date, to: Date) -> StoreResult<Vec<ScheduleDayRecord>>;
    async fn save_schedule_day(&self, day: ScheduleDayRecord, audit: AuditEntry) -> StoreResult<bool>;
    async fn delete_schedule_day(&self, staff_id: i64, day: Date, audit: AuditEntry) -> StoreResult<()>;
    /// Replaces the doctor's days in `[from + shift, to + shift]` with those of `[from, to]`
    /// moved by `shift_days`; returns how many days were copied.
    async fn copy_schedule(
        &self,
        staff_id: i64,
        from: Date,
        to: Date,
        shift_days: i64,
        audit: AuditEntry,
    ) -> StoreResult<usize>;
}

/// Appointments: the times taken, booking, status changes, moves, their history, the waitlist.
#[async_trait]
pub trait BookingStore: Send + Sync {
    /// Start times (day, minute) of the doctor in `[from, to]` that are not free: every appointment
    /// not cancelled (what the slot index holds), in order.
    async fn taken_times(&self, staff_id: i64, from: Date, to: Date) -> StoreResult<Vec<(Date, u16)>>;
    /// Books in one transaction (SQLite takes the write lock first; PostgreSQL locks the card
    /// row for the limit), with the history line and the journal entry.
    async fn book(&self, new: NewAppointment, actor: &Actor, now: i64) -> StoreResult<BookOutcome>;
    async fn appointment(&self, id: i64) -> StoreResult<Option<AppointmentRecord>>;
    async fn appointments_for_card(&self, card_id: i64) -> StoreResult<Vec<AppointmentRecord>>;
    async fn appointments_for_day(&self, staff_id: i64, day: Date) -> StoreResult<Vec<AppointmentRecord>>;
    /// Changes the status if it is still `from`; false when it changed meanwhile.
    async fn change_status(
        &self,
        id: i64,
        from: AppointmentStatus,
        to: AppointmentStatus,
        reason: Option<String>,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<bool>;
    /// Moves a live appointment in one statement: it holds the old time until the new one is
    /// its own, and never both.
    async fn reschedule(&self, id: i64, to: SlotPlace, actor: &Actor, now: i64) -> StoreResult<MoveOutcome>;
    async fn appointment_events(&self, id: i64) -> StoreResult<Vec<AppointmentEventRecord>>;

    async fn waitlist_add(
        &self,
        staff_id: i64,
        card_id: i64,
        day: Option<Date>,
        note: &str,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<i64>;
    /// Open waitlist entries of a doctor (or of a card, when `card_id` is set).
    async fn waitlist(&self, staff_id: Option<i64>, card_id: Option<i64>) -> StoreResult<Vec<WaitlistRecord>>;
    async fn waitlist_close(&self, id: i64, actor: &Actor, now: i64) -> StoreResult<bool>;
}
