//! Pure rules and types of the clinic's domain: no I/O, no Leptos, no SQL. Compiled for the
//! browser and the server alike, so the browser can give instant feedback and the server, which
//! runs the same rules again, has the final word.

pub mod account;
pub mod account_page;
pub mod booking;
pub mod card;
pub mod delivery;
pub mod documents;
pub mod email;
pub mod files;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod news;
pub mod onboarding;
pub mod outbox;
pub mod paths;
pub mod person;
pub mod prices;
pub mod record;
pub mod security;
pub mod time_fmt;
