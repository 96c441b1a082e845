//! The front desk ("Регистратура") in the staff area: find and create patient cards, record
//! consents and refusals, send invitations, issue attach codes.

pub mod api;
pub mod pages;
pub mod routes;
pub mod rules;
pub mod texts;
#[cfg(feature = "ssr")]
pub mod use_cases;
