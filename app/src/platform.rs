//! The platform the features run on. In every build: the page frame and the pieces shared by
//! pages (`ui`). With feature `ssr` only (never compiled into the browser): the state server
//! functions run against, authentication and authorisation, the wrapper every server function
//! answers through, family profiles, and the encryption of secrets at rest.

#[cfg(feature = "ssr")]
pub mod audit;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod profiles;
#[cfg(feature = "ssr")]
pub mod secret_box;
#[cfg(feature = "ssr")]
pub mod server_fn;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;
