//! Signing in and out: the sign-in page, its second step, who is signed in, and switching
//! between family profiles.

pub mod api;
pub mod routes;
pub mod second_factor_page;
pub mod signin_page;
pub mod texts;
#[cfg(feature = "ssr")]
pub mod use_cases;
