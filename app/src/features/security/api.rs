//! The Account page's functions (second factor, password, sessions, refusals, journal) and the
//! second step of sign-in.

use crate::features::account::rules::AccountPage;
use crate::kernel::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::features::account;
#[cfg(feature = "ssr")]
use crate::features::onboarding::use_cases::request_lang;
#[cfg(feature = "ssr")]
use crate::features::security::use_cases::{self, current};
#[cfg(feature = "ssr")]
use crate::platform::auth;
#[cfg(feature = "ssr")]
use crate::platform::server_fn::with_error_status;
#[cfg(feature = "ssr")]
use crate::platform::state::use_state;

/// The second step of sign-in (public: the session does not exist yet).
#[server(prefix = "/rpc", endpoint = "verify_second_factor")]
pub async fn verify_second_factor(code: String, next: Option<String>) -> Result<(), AppError> {
    with_error_status(
        async {
            let state = use_state()?;
            let peer = auth::request_context()?.peer;
            use_cases::finish_second_step(&state, peer, &code).await?;
            crate::kernel::paths::redirect(&crate::kernel::paths::safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "get_account_page")]
pub async fn get_account_page() -> Result<AccountPage, AppError> {
    with_error_status(
        async {
            let (session, _) = current()?;
            account::use_cases::page(&use_state()?, &session).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "totp_start")]
pub async fn totp_start() -> Result<(), AppError> {
    with_error_status(
        async {
            let (session, _) = current()?;
            use_cases::begin_enrolment(&use_state()?, &session).await?;
            leptos_axum::redirect("/account#second-factor");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "totp_confirm")]
pub async fn totp_confirm(code: String, current_password: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let (session, peer) = current()?;
            use_cases::confirm_enrolment(&use_state()?, &session, peer, current_password, &code, request_lang())
                .await?;
            leptos_axum::redirect("/account#recovery-codes");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "totp_turn_off")]
pub async fn totp_turn_off(current_password: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let (session, peer) = current()?;
            use_cases::disable(&use_state()?, &session, peer, current_password, request_lang()).await?;
            leptos_axum::redirect("/account#second-factor");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "recovery_codes_seen")]
pub async fn recovery_codes_seen() -> Result<(), AppError> {
    with_error_status(
        async {
            let (session, _) = current()?;
            use_state()?.store.recovery_reveal_clear(session.session_id).await?;
            leptos_axum::redirect("/account#second-factor");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    with_error_status(
        async {
            let (session, peer) = current()?;
            use_cases::change_password(
                &use_state()?,
                &session,
                peer,
                current_password,
                password,
                password_again,
                request_lang(),
            )
            .await?;
            leptos_axum::redirect("/account?changed=password#password");
            Ok(())
        }
        .await,
    )
}

/// Ends one of the caller's own sessions.
#[server(prefix = "/rpc", endpoint = "end_session")]
pub async fn end_session(id: i64) -> Result<(), AppError> {
    with_error_status(
        async {
            let (session, _) = current()?;
            if !use_state()?.store.session_end(session.account_id, id).await? {
                return Err(AppError::NotFound);
            }
            leptos_axum::redirect(if id == session.session_id { "/signin" } else { "/account#sessions" });
            Ok(())
        }
        .await,
    )
}

/// Ends every session of the account, this one included.
#[server(prefix = "/rpc", endpoint = "end_all_sessions")]
pub async fn end_all_sessions() -> Result<(), AppError> {
    with_error_status(
        async {
            let (session, _) = current()?;
            let state = use_state()?;
            state.store.sessions_end_all(session.account_id, None).await?;
            auth::sign_out(&state).await?;
            leptos_axum::redirect("/signin");
            Ok(())
        }
        .await,
    )
}

/// The active profile's refusals of notifications and advertising.
#[server(prefix = "/rpc", endpoint = "set_my_refusals")]
pub async fn set_my_refusals(notifications: Option<String>, advertising: Option<String>) -> Result<(), AppError> {
    with_error_status(
        async {
            let (session, peer) = current()?;
            account::use_cases::set_refusals(
                &use_state()?,
                &session,
                peer,
                notifications.is_some(),
                advertising.is_some(),
            )
            .await?;
            leptos_axum::redirect("/account?changed=refusals#notifications");
            Ok(())
        }
        .await,
    )
}

/// The head of a demo installation may relax the staff second-factor requirement.
#[server(prefix = "/rpc", endpoint = "set_staff_totp")]
pub async fn set_staff_totp(required: Option<String>) -> Result<(), AppError> {
    with_error_status(
        async {
            let (session, peer) = current()?;
            account::use_cases::set_staff_totp(&use_state()?, &session, peer, required.is_some()).await?;
            leptos_axum::redirect("/account#second-factor");
            Ok(())
        }
        .await,
    )
}

/// Links a card to the caller's account with an attach code.
#[server(prefix = "/rpc", endpoint = "attach_card")]
pub async fn attach_card(code: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let (session, peer) = current()?;
            crate::features::onboarding::attach::redeem(&use_state()?, &session, peer, &code).await?;
            leptos_axum::redirect("/account?changed=attached#attach");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "change_email")]
pub async fn change_email(current_password: String, new_email: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let (session, peer) = current()?;
            use_cases::change_email(&use_state()?, &session, peer, current_password, &new_email, request_lang())
                .await?;
            leptos_axum::redirect("/account?changed=email#contacts");
            Ok(())
        }
        .await,
    )
}
