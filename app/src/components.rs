//! Pieces shared by several pages.

pub mod errors;
pub mod lang_switch;
pub mod layout;
pub mod title;
pub mod upload;
