//! Messages («Сообщения»): a patient's dialogues with a doctor or the front desk, with
//! attachments and the video call a doctor opens in one; the clinic's broadcasts in the same
//! tab; and the staff's inbox and broadcasts. A dialogue belongs to a card (a guardian writes
//! from the ward's profile); messages are stored as written and shown as text, with links made
//! clickable.

pub mod api;
pub mod broadcast_pages;
pub mod live;
pub mod page;
pub mod routes;
pub mod rules;
pub mod staff_pages;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;
#[cfg(feature = "ssr")]
pub mod use_cases;
