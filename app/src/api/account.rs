//! Signing in and out, who is signed in, and switching between family profiles.

use crate::domain::account::Me;
#[cfg(feature = "ssr")]
use crate::domain::paths::safe_next;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{auth, state::use_state};

#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    auth::finish(
        async {
            let state = use_state()?;
            let peer = auth::request_context()?.peer;
            let next = safe_next(next.as_deref());
            match auth::sign_in(&state, peer, &email, password).await? {
                auth::SignInStep::Done => crate::domain::paths::redirect(&next),
                auth::SignInStep::SecondFactor => crate::domain::paths::redirect(&format!(
                    "/signin/second-factor?next={}",
                    crate::domain::paths::percent_encode(&next)
                )),
            }
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    auth::finish(
        async {
            let state = use_state()?;
            auth::sign_out(&state).await?;
            leptos_axum::redirect("/signin");
            Ok(())
        }
        .await,
    )
}

/// The signed-in person, or `None` when signed out.
#[server(prefix = "/rpc", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    auth::finish(
        async {
            let state = use_state()?;
            let Some(session) = auth::request_context()?.session else { return Ok(None) };
            Ok(Some(crate::server::profiles::me(&state, &session).await?))
        }
        .await,
    )
}

/// What the sign-in page may say about this installation.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PortalInfo {
    /// A demo install: the sign-in page lists the demo accounts.
    pub demo: bool,
}

#[server(prefix = "/rpc", endpoint = "portal_info")]
pub async fn get_portal_info() -> Result<PortalInfo, AppError> {
    auth::finish(async { Ok(PortalInfo { demo: use_state()?.config.demo }) }.await)
}

/// Acts as another of the caller's profiles (own card or a ward's) from now on.
#[server(prefix = "/rpc", endpoint = "switch_profile")]
pub async fn switch_profile(card_id: i64) -> Result<(), AppError> {
    auth::finish(
        async {
            let state = use_state()?;
            let ctx = auth::request_context()?;
            let session = ctx.session.clone().ok_or(AppError::Unauthenticated)?;
            crate::server::profiles::switch(&state, &session, ctx.peer, card_id).await
        }
        .await,
    )
}
