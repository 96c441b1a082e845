//! What the booking pages show, built on the server from the store's records; the browser
//! only renders them.

use super::*;

// What the pages show. Built on the server from the store's records; the browser only renders.

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorView {
    pub id: i64,
    pub name: String,
    pub specialty: String,
    pub branch: Option<String>,
    pub degree: Option<String>,
    /// For the photo placeholder: "СА".
    pub initials: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceOffer {
    pub service_id: i64,
    pub code: String,
    pub name: String,
    pub mode: VisitMode,
    pub quote: Quote,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayOption {
    pub day: time::Date,
    pub free: usize,
}

/// The booking page: each step's choices, as far as the query has chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingView {
    /// Whom the booking is for (the active profile).
    pub patient_name: String,
    pub specialties: Vec<String>,
    pub specialty: Option<String>,
    pub doctors: Vec<DoctorView>,
    pub doctor: Option<DoctorView>,
    pub services: Vec<ServiceOffer>,
    pub service: Option<ServiceOffer>,
    /// The doctor has service links and none is chosen yet.
    pub needs_service: bool,
    pub days: Vec<DayOption>,
    pub day: Option<time::Date>,
    pub slots: Vec<u16>,
    /// The appointment being moved, when rescheduling.
    pub moving: Option<AppointmentView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentView {
    pub id: i64,
    pub staff_id: i64,
    pub doctor: String,
    pub specialty: Option<String>,
    pub branch: String,
    pub service_id: Option<i64>,
    pub service: Option<String>,
    pub patient: String,
    pub day: time::Date,
    pub start_min: u16,
    pub duration_min: u16,
    pub mode: VisitMode,
    pub status: AppointmentStatus,
    pub cancel_reason: Option<String>,
    pub price: Option<Kopecks>,
    /// The meeting room, once it is time to show it.
    pub video_url: Option<String>,
    /// When the link appears (unix seconds), for an online consultation not yet open.
    pub video_from: Option<i64>,
    /// The patient may still cancel or move it.
    pub can_change: bool,
    pub upcoming: bool,
    pub source: AppointmentSource,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitlistView {
    pub id: i64,
    pub doctor: String,
    pub patient: String,
    pub day: Option<time::Date>,
    pub note: String,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyAppointments {
    pub patient_name: String,
    pub upcoming: Vec<AppointmentView>,
    pub past: Vec<AppointmentView>,
    pub waitlist: Vec<WaitlistView>,
    pub cancel_close_minutes: i64,
    /// The cancellation reasons offered, besides «Другая причина».
    pub reasons: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingSettings {
    pub online_discount_percent: u8,
    pub max_future_per_doctor: i64,
    pub cancel_close_minutes: i64,
    pub horizon_days: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    pub service_id: i64,
    pub code: String,
    pub name: String,
    pub mode: VisitMode,
    pub show_price: bool,
    pub pricing: ServicePricing,
    /// The link's own price, whether shown or not.
    pub list_price: Option<Kopecks>,
    pub quote: Quote,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffDoctorView {
    pub doctor: DoctorView,
    pub online: bool,
    pub links: Vec<LinkView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingAdmin {
    pub settings: BookingSettings,
    pub doctors: Vec<StaffDoctorView>,
    /// (id, code, name) of the price list's services.
    pub services: Vec<(i64, String, String)>,
    /// «Причины отмены записи на приём», hidden ones too.
    pub reasons: Vec<super::CancelReason>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleEntry {
    pub branch_id: i64,
    pub branch: String,
    pub start_min: u16,
    pub end_min: u16,
    pub step_min: u16,
    pub breaks: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleWeek {
    pub doctor: DoctorView,
    pub doctors: Vec<DoctorView>,
    /// Monday of the week.
    pub week_start: time::Date,
    pub days: Vec<(time::Date, Option<ScheduleEntry>)>,
    pub branches: Vec<(i64, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayBook {
    pub doctor: DoctorView,
    pub doctors: Vec<DoctorView>,
    pub day: time::Date,
    pub appointments: Vec<AppointmentView>,
    pub free: Vec<u16>,
    pub services: Vec<ServiceOffer>,
    pub waitlist: Vec<WaitlistView>,
    /// The cancellation reasons offered, besides «Другая причина».
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentHistory {
    pub appointment: AppointmentView,
    pub events: Vec<EventView>,
}
