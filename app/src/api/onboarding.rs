//! "Registration / change password" (public: the person is not signed in yet) and the demo
//! mailbox.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::{auth, onboarding, state::use_state, store::Channel};

/// Step 1: e-mail, surname, first name, date of birth. The answer is the same whether or not
/// they matched a card: the next step, where the e-mailed code is typed.
#[server(prefix = "/rpc", endpoint = "request_code")]
pub async fn request_code(email: String, surname: String, name: String, birth_date: String) -> Result<(), AppError> {
    auth::finish(
        async {
            let state = use_state()?;
            let peer = auth::request_context()?.peer;
            let req = onboarding::CodeRequest { email, surname, name, birth_date };
            let email = onboarding::request_code(&state, peer, req, onboarding::request_lang()).await?;
            leptos_axum::redirect(&format!(
                "/register/code?email={}",
                crate::domain::paths::percent_encode(email.as_str())
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
    auth::finish(
        async {
            let state = use_state()?;
            let peer = auth::request_context()?.peer;
            let sub = onboarding::CodeSubmission { email, code, password, password_again };
            match onboarding::complete(&state, peer, sub, onboarding::request_lang()).await? {
                auth::SignInStep::Done => leptos_axum::redirect("/"),
                auth::SignInStep::SecondFactor => leptos_axum::redirect("/signin/second-factor"),
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
    auth::finish(
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
