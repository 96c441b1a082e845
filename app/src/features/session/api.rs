//! Signing in and out, who is signed in, and switching between family profiles.

use crate::kernel::account::Me;
use crate::kernel::error::AppError;
#[cfg(feature = "ssr")]
use crate::kernel::paths::safe_next;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::features::session::use_cases::{self as signing, SignInStep};
#[cfg(feature = "ssr")]
use crate::platform::auth;
#[cfg(feature = "ssr")]
use crate::platform::server_fn::with_error_status;
#[cfg(feature = "ssr")]
use crate::platform::state::use_state;

#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    with_error_status(
        async {
            let state = use_state()?;
            let peer = auth::request_context()?.peer;
            let next = safe_next(next.as_deref());
            match signing::sign_in(&state, peer, &email, password).await? {
                SignInStep::Done => crate::kernel::paths::redirect(&next),
                SignInStep::SecondFactor => crate::kernel::paths::redirect(&format!(
                    "/signin/second-factor?next={}",
                    crate::kernel::paths::percent_encode(&next)
                )),
            }
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    with_error_status(
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
    with_error_status(
        async {
            let state = use_state()?;
            let Some(session) = auth::request_context()?.session else { return Ok(None) };
            let mut me = crate::platform::profiles::me(&state, &session).await?;
            if let Some(card) = me.active_card_id {
                me.unread_messages = state.store.card_unread(card).await?;
            }
            Ok(Some(me))
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
    with_error_status(async { Ok(PortalInfo { demo: use_state()?.config.demo }) }.await)
}

/// Acts as another of the caller's profiles (own card or a ward's) from now on.
#[server(prefix = "/rpc", endpoint = "switch_profile")]
pub async fn switch_profile(card_id: i64) -> Result<(), AppError> {
    with_error_status(
        async {
            let state = use_state()?;
            let ctx = auth::request_context()?;
            let session = ctx.session.clone().ok_or(AppError::Unauthenticated)?;
            crate::platform::profiles::switch(&state, &session, ctx.peer, card_id).await
        }
        .await,
    )
}
