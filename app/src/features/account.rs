//! The Account page ("Учётная запись"): contacts, consents and refusals, password, second factor,
//! sessions, and the card's access journal. Its server functions are the security feature's
//! (`features::security::api`).

pub mod page;
pub mod routes;
pub mod rules;
pub mod texts;
#[cfg(feature = "ssr")]
pub mod use_cases;
