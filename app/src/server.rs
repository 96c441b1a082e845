//! The storage interface of the shared crate (feature `ssr`): the store traits the `server`
//! crate implements for SQLite and PostgreSQL, and the journal's builder. The use cases live in
//! their features (`features::*::use_cases`), the state and authentication in `platform`.
//! Nothing here is compiled into the browser.

pub mod audit;
pub mod booking_store;
pub mod document_store;
pub mod onboarding_store;
pub mod record_store;
pub mod security_store;
pub mod store;

pub use crate::platform::state::{AppState, PortalConfig};
pub use booking_store::BookingStore;
pub use onboarding_store::OnboardingStore;
pub use store::{Store, StoreError};
