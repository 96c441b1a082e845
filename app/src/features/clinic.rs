//! Clinic administration: how a clinic that installed Kabinet gets its first staff. The head is
//! made on the command line (`kabinet create-head`), which prints a one-time link; following
//! it, the new staff member sets a password ("welcome" page) and then turns on the second
//! factor on the account page, as every staff member must. Then the head sets the clinic's
//! details (name, address, phone, time zone): until they are set, the head's pages lead there.
//! The head invites the rest of the staff («Сотрудники»), who set their passwords the same way.

pub mod api;
pub mod branches_page;
pub mod details_page;
pub mod doctor_rules;
#[cfg(feature = "ssr")]
pub mod doctor_use_cases;
pub mod doctors_page;
pub mod journal_page;
pub mod routes;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod store;
pub mod team_page;
pub mod texts;
#[cfg(feature = "ssr")]
pub mod use_cases;
pub mod welcome_page;
