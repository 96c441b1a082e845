//! The shared kernel: types and pure rules every feature uses, with no I/O, no Leptos and no
//! SQL, compiled for the browser and the server alike. Who is signed in and their roles, people
//! on the cards, e-mail addresses, media types, times as the clinic shows them, where forms may
//! send people next, the outbox's retry and secret rules, and the one error type.

pub mod account;
pub mod email;
pub mod error;
pub mod media;
pub mod outbox;
pub mod paths;
pub mod person;
pub mod tabs;
pub mod time_fmt;
