//! The front desk ("Регистратура") in the staff area: find and create cards, record consents
//! and refusals, send invitations. Registrars and the head only.

use crate::features::cards::rules::{CardDetail, CardSummary};
use crate::kernel::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::features::cards::use_cases;
#[cfg(feature = "ssr")]
use crate::platform::auth;
#[cfg(feature = "ssr")]
use crate::platform::server_fn::with_error_status;
#[cfg(feature = "ssr")]
use crate::platform::state::use_state;

#[server(prefix = "/rpc", endpoint = "card_search")]
pub async fn card_search(query: String, birth_date: Option<String>) -> Result<Vec<CardSummary>, AppError> {
    with_error_status(
        async {
            auth::require_staff(|r| r.can_manage_cards())?;
            use_cases::search(&use_state()?, &query, birth_date.as_deref()).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "card_create")]
#[allow(clippy::too_many_arguments)]
pub async fn card_create(
    surname: String,
    name: String,
    patronymic: String,
    birth_date: String,
    sex: String,
    phone: String,
    email: String,
) -> Result<i64, AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_cards())?;
            let peer = auth::request_context()?.peer;
            let form = use_cases::CardForm { surname, name, patronymic, birth_date, sex, phone, email };
            let id = use_cases::create(&use_state()?, &session, peer, form).await?;
            leptos_axum::redirect(&format!("/staff/cards/{id}"));
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "get_card")]
pub async fn get_card(id: i64) -> Result<CardDetail, AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_cards())?;
            let peer = auth::request_context()?.peer;
            use_cases::detail(&use_state()?, &session, peer, id).await
        }
        .await,
    )
}

/// Records the consents whose boxes are ticked, signed on `signed_on`.
#[server(prefix = "/rpc", endpoint = "record_consents")]
pub async fn record_consents(
    id: i64,
    signed_on: String,
    telemedicine: Option<String>,
    email_results: Option<String>,
    pd_processing: Option<String>,
    results_email: String,
) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_cards())?;
            let peer = auth::request_context()?.peer;
            let form = use_cases::ConsentForm {
                signed_on,
                telemedicine: telemedicine.is_some(),
                email_results: email_results.is_some(),
                pd_processing: pd_processing.is_some(),
                results_email,
            };
            use_cases::record_consents(&use_state()?, &session, peer, id, form).await?;
            leptos_axum::redirect(&format!("/staff/cards/{id}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "set_refusals")]
pub async fn set_refusals(
    id: i64,
    pd_processing: Option<String>,
    notifications: Option<String>,
    advertising: Option<String>,
) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_cards())?;
            let peer = auth::request_context()?.peer;
            let refusals = crate::features::onboarding::store::Refusals {
                pd_processing: pd_processing.is_some(),
                notifications: notifications.is_some(),
                advertising: advertising.is_some(),
            };
            use_cases::set_refusals(&use_state()?, &session, peer, id, refusals).await?;
            leptos_axum::redirect(&format!("/staff/cards/{id}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "send_invitation")]
pub async fn send_invitation(id: i64) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_cards())?;
            let peer = auth::request_context()?.peer;
            use_cases::invite(&use_state()?, &session, peer, id).await?;
            leptos_axum::redirect(&format!("/staff/cards/{id}?invited=1"));
            Ok(())
        }
        .await,
    )
}

/// Issues an attach code for the card, for the patient or for a guardian (by card number).
#[server(prefix = "/rpc", endpoint = "issue_attach_code")]
pub async fn issue_attach_code(id: i64, recipient: String, guardian_card: String) -> Result<String, AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_cards())?;
            let peer = auth::request_context()?.peer;
            let guardian = match recipient.as_str() {
                "guardian" => Some(
                    guardian_card
                        .trim()
                        .parse::<i64>()
                        .map_err(|_| AppError::field("guardian_card", crate::kernel::error::Problem::Required))?,
                ),
                _ => None,
            };
            let to = crate::features::onboarding::attach::issue(&use_state()?, &session, peer, id, guardian).await?;
            leptos_axum::redirect(&format!(
                "/staff/cards/{id}?attach_sent={}",
                crate::kernel::paths::percent_encode(&to)
            ));
            Ok(to)
        }
        .await,
    )
}
