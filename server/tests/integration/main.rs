//! Integration tests: the storage conformance story against SQLite and PostgreSQL, and the
//! real server on port 0 driven over HTTP with a cookie-jar client.

mod access;
mod attach;
mod backup_restore;
mod binary;
mod booking;
mod branches;
mod cabinet_tabs;
mod clinic_from_nothing;
mod doctors;
mod documents;
mod hostile_input;
mod http;
mod journal;
mod load;
mod messages;
mod newcomer;
mod notifications;
mod onboarding;
mod outbox;
mod price_import;
mod record;
mod second_factor;
mod sms;
mod staff_team;
mod store;
mod support;
mod timing;
mod wards;
