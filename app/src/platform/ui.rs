//! Pieces shared by pages: the signed-in frame, how errors are shown, the page title, the
//! language switch, the upload form, the staff area's guard and overview, the journals' words,
//! and "not found".

pub mod errors;
pub mod journal_words;
pub mod lang_switch;
pub mod layout;
pub mod not_found;
pub mod staff;
pub mod title;
pub mod upload;
