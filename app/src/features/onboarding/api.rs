//! "Registration / change password" (public: the person is not signed in yet) and the demo
//! mailbox.

use crate::kernel::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::features::onboarding::use_cases;
#[cfg(feature = "ssr")]
use crate::features::session::use_cases::SignInStep;
#[cfg(feature = "ssr")]
use crate::platform::auth;
#[cfg(feature = "ssr")]
use crate::platform::server_fn::with_error_status;
#[cfg(feature = "ssr")]
use crate::platform::state::use_state;
#[cfg(feature = "ssr")]
use crate::platform::store::Channel;

/// Step 1: e-mail, surname, first name, date of birth. The answer is the same whether or not
/// they matched a card: the next step, where the e-mailed code is typed.
#[server(prefix = "/rpc", endpoint = "request_code")]
pub async fn request_code(email: String, surname: String, name: String, birth_date: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let state = use_state()?;
            let peer = auth::request_context()?.peer;
            let req = use_cases::CodeRequest { email, surname, name, birth_date };
            let email = use_cases::request_code(&state, peer, req, use_cases::request_lang()).await?;
            leptos_axum::redirect(&format!(
                "/register/code?email={}",
                crate::kernel::paths::percent_encode(email.as_str())
            ));
            Ok(())
        }
        .await,
    )
}

/// Step 2: the code, the new password twice. Signs the person in.
#[server(prefix = "/rpc", endpoint = "set_password_with_code")]
pub async fn set_password_with_code(
    email: String,
    code: String,
    password: String,
    password_again: String,
) -> Result<(), AppError> {
    with_error_status(
        async {
            let state = use_state()?;
            let peer = auth::request_context()?.peer;
            let sub = use_cases::CodeSubmission { email, code, password, password_again };
            match use_cases::complete(&state, peer, sub, use_cases::request_lang()).await? {
                SignInStep::Done => leptos_axum::redirect("/"),
                SignInStep::SecondFactor => leptos_axum::redirect("/signin/second-factor"),
            }
            Ok(())
        }
        .await,
    )
}

/// A message as the demo mailbox shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub sent: bool,
}

/// The newest outgoing mail, in demo mode only (so a newcomer can register without a mail
/// server); any other installation answers "not found".
#[server(prefix = "/rpc", endpoint = "demo_mailbox")]
pub async fn demo_mailbox() -> Result<Vec<DemoMail>, AppError> {
    with_error_status(
        async {
            let state = use_state()?;
            if !state.config.demo {
                return Err(AppError::NotFound);
            }
            Ok(state
                .store
                .outbox_recent(30)
                .await?
                .into_iter()
                .map(|m| DemoMail {
                    id: m.id,
                    recipient: m.recipient,
                    subject: if m.channel == Channel::Sms { "SMS".into() } else { m.subject },
                    body: m.body,
                    created_at: m.created_at,
                    sent: m.sent_at.is_some(),
                })
                .collect())
        }
        .await,
    )
}
