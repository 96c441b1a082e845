//! News: the News tab for everyone signed in (published items, newest first, paged), and news
//! management for editors and the head in the staff area. Bodies are Markdown, rendered on the
//! server so nothing an author writes can run in a reader's browser.

pub mod admin_pages;
pub mod api;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod page;
pub mod routes;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;
