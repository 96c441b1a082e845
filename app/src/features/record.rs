//! The medical record ("Медкарта") and the documents that fill it: the active profile's records
//! and one record; documents the clinic uploads and sends to a card (the staff pages), the
//! patient's own uploads, how each file is delivered (types, conversion, statuses), the
//! date-of-birth gate, protocols, and the whole record as one printable document. These parts
//! depend on one another, so they live in one folder.

pub mod api;
pub mod delivery;
pub mod document_api;
pub mod document_pages;
pub mod document_rules;
#[cfg(feature = "ssr")]
pub mod document_store;
pub mod document_texts;
#[cfg(feature = "ssr")]
pub mod document_use_cases;
#[cfg(feature = "ssr")]
pub mod export;
pub mod page;
pub mod routes;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;
#[cfg(feature = "ssr")]
pub mod use_cases;
