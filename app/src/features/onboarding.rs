//! Onboarding: how a person comes to the cabinet. The front desk's invitation, "Registration /
//! change password" with an e-mailed verification code, the consents a card needs, and attach
//! codes that link a card to an account (as one's own or as a ward). Also the demo mailbox.

pub mod api;
#[cfg(feature = "ssr")]
pub mod attach;
pub mod register_page;
pub mod routes;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;
#[cfg(feature = "ssr")]
pub mod use_cases;
