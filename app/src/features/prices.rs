//! The Prices tab: the clinic's price list by section under a tariff plan, and the search over
//! it; and its administration: tariff plans, import from the MIS's CSV/XLSX, export.

pub mod admin_api;
pub mod admin_page;
#[cfg(feature = "ssr")]
pub mod admin_use_cases;
pub mod api;
pub mod import_page;
pub mod import_rules;
pub mod page;
pub mod routes;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;
