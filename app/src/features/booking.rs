//! Booking ("Запись к врачу", "Мои записи"): the patient books, cancels and moves appointments
//! with doctors' free times and joins waitlists; the front desk keeps the booking settings,
//! doctors' schedules and the day's appointment book (the staff pages).

pub mod api;
pub mod page;
pub mod routes;
pub mod rules;
pub mod staff_pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;
#[cfg(feature = "ssr")]
pub mod use_cases;
