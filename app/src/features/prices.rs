//! The Prices tab: the clinic's price list by section under a tariff plan, and the search over
//! it.

pub mod api;
pub mod page;
pub mod routes;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;
