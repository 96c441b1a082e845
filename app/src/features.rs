//! One folder per feature of the portal. Each holds that feature's rules (pure, compiled for the
//! browser and the server, so the browser can give instant feedback and the server, which runs
//! the same rules again, has the final word), its server functions (`api`: thin doors that
//! authenticate, authorise, call a use case and map the error; each is a public endpoint under
//! `/rpc/`, whatever the UI shows, so each checks its caller itself), its pages, and with
//! feature `ssr` its use cases.

pub mod account;
pub mod booking;
pub mod cards;
pub mod clinic;
pub mod messages;
pub mod news;
pub mod notifications;
pub mod onboarding;
pub mod prices;
pub mod record;
pub mod security;
pub mod session;
