//! Account security: the second factor (TOTP) with recovery codes, the second step of sign-in,
//! re-authentication for sensitive changes, password and e-mail changes, sessions. Its server
//! functions serve the Account page (`features::account`) and the second-factor page.

pub mod api;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;
#[cfg(feature = "ssr")]
pub mod use_cases;
