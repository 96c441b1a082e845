//! The server half of the shared crate (feature `ssr`): the state server functions run against,
//! the storage interface the `server` crate implements for SQLite and PostgreSQL, and the
//! authentication and authorisation use cases. Nothing here is compiled into the browser.

pub mod account;
pub mod attach;
pub mod audit;
pub mod auth;
pub mod booking;
pub mod booking_store;
pub mod cards;
pub mod document_store;
pub mod documents;
pub mod export;
pub mod onboarding;
pub mod onboarding_store;
pub mod profiles;
pub mod record;
pub mod record_store;
pub mod secret_box;
pub mod security;
pub mod security_store;
pub mod state;
pub mod store;

pub use booking_store::BookingStore;
pub use onboarding_store::OnboardingStore;
pub use state::{AppState, PortalConfig};
pub use store::{Store, StoreError};
