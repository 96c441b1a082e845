//! Notifications («Уведомления»): the clinic's sending schedules (reminders before a visit,
//! messages after one, birthdays, documents delivered, unread messages) with their templates
//! and quiet hours; the engine that queues each notification once and sends it by SMS or
//! e-mail through the outbox, checking refusals and the visit again at sending; the delivery
//! log for staff and the list of what was sent for the patient.

pub mod api;
pub mod pages;
pub mod routes;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;
#[cfg(feature = "ssr")]
pub mod use_cases;
