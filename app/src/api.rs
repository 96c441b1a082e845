//! Server functions: thin doors that authenticate, authorise, call a use case and map the
//! error. Each is a public endpoint under `/rpc/`, whatever the UI shows, so each checks its
//! caller itself. Grouped by the tab they serve.

pub mod account;
pub mod booking;
pub mod cards;
pub mod documents;
pub mod news;
pub mod onboarding;
pub mod prices;
pub mod record;
pub mod security;
