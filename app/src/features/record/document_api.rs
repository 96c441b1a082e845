//! Documents: the staff documents page of a card (clinicians and the head), resends, the
//! date-of-birth gate (patients and guardians, and staff who lift it), protocols and the
//! cabinet module. Uploads and file bytes stream through the server crate's own routes.

// A server function's arguments are its form's fields; the protocol form has nine (the
// attribute must be at module level to reach the generated code).
#![allow(clippy::too_many_arguments)]

use crate::features::cards::rules::CardSummary;
use crate::kernel::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::features::cards;
#[cfg(feature = "ssr")]
use crate::features::record::document_use_cases;
#[cfg(feature = "ssr")]
use crate::platform::auth;
#[cfg(feature = "ssr")]
use crate::platform::server_fn::with_error_status;
#[cfg(feature = "ssr")]
use crate::platform::state::use_state;

use crate::features::record::delivery::CardDocuments;

#[server(prefix = "/rpc", endpoint = "document_card_search")]
pub async fn document_card_search(query: String, birth_date: Option<String>) -> Result<Vec<CardSummary>, AppError> {
    with_error_status(
        async {
            auth::require_staff(|r| r.can_read_protocols())?;
            cards::use_cases::search(&use_state()?, &query, birth_date.as_deref()).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "card_documents")]
pub async fn get_card_documents(id: i64) -> Result<CardDocuments, AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_read_protocols())?;
            let peer = auth::request_context()?.peer;
            document_use_cases::card_documents(&use_state()?, &session, peer, id).await
        }
        .await,
    )
}

/// Staff send a file again (the rules are read as they stand now).
#[server(prefix = "/rpc", endpoint = "document_resend")]
pub async fn document_resend(card: i64, file: i64) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_read_protocols())?;
            let peer = auth::request_context()?.peer;
            document_use_cases::resend(&use_state()?, &session, peer, file).await?;
            leptos_axum::redirect(&format!("/staff/cards/{card}/documents"));
            Ok(())
        }
        .await,
    )
}

/// Staff lift a locked date-of-birth gate, recording the phone as confirmed when ticked.
#[server(prefix = "/rpc", endpoint = "gate_reset")]
pub async fn gate_reset(card: i64, phone_confirmed: Option<String>) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_read_protocols() || r.can_manage_cards())?;
            let peer = auth::request_context()?.peer;
            document_use_cases::unlock_card_gate(&use_state()?, &session, peer, card, phone_confirmed.is_some())
                .await?;
            leptos_axum::redirect(&format!("/staff/cards/{card}/documents"));
            Ok(())
        }
        .await,
    )
}

/// The patient (or the guardian, in the ward's profile) types the date of birth.
#[server(prefix = "/rpc", endpoint = "gate_answer")]
pub async fn gate_answer(record: i64, birth_date: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            let peer = auth::request_context()?.peer;
            document_use_cases::answer_gate(&use_state()?, &session, peer, record, &birth_date).await?;
            leptos_axum::redirect(&format!("/record/{record}"));
            Ok(())
        }
        .await,
    )
}

/// The patient asks the clinic to send a file again.
#[server(prefix = "/rpc", endpoint = "ask_resend")]
pub async fn ask_resend(record: i64, file: i64) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            let peer = auth::request_context()?.peer;
            document_use_cases::ask_resend(&use_state()?, &session, peer, file).await?;
            leptos_axum::redirect(&format!("/record/{record}"));
            Ok(())
        }
        .await,
    )
}

/// The clinic's modules: when the cabinet module was enabled (none: not yet).
#[server(prefix = "/rpc", endpoint = "modules")]
pub async fn get_modules() -> Result<Option<i64>, AppError> {
    with_error_status(
        async {
            auth::require_staff(|r| r.has(crate::kernel::account::Role::Head))?;
            Ok(use_state()?.store.document_settings().await?.module_enabled_at)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "enable_cabinet_module")]
pub async fn enable_cabinet_module() -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.has(crate::kernel::account::Role::Head))?;
            let peer = auth::request_context()?.peer;
            document_use_cases::enable_module(&use_state()?, &session, peer).await?;
            leptos_axum::redirect("/staff/modules");
            Ok(())
        }
        .await,
    )
}

/// Writes a protocol; with `send` ("Отправить и напечатать") it is sent and opened for print.
#[server(prefix = "/rpc", endpoint = "protocol_save")]
pub async fn protocol_save(
    card: i64,
    id: Option<i64>,
    kind: String,
    visit_date: String,
    title: String,
    icd_code: String,
    icd_text: String,
    body: String,
    send: Option<String>,
    own_consent: Option<String>,
) -> Result<i64, AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_read_protocols())?;
            let peer = auth::request_context()?.peer;
            let state = use_state()?;
            let own_consent = own_consent.is_some();
            let form =
                document_use_cases::ProtocolForm { kind, visit_date, title, icd_code, icd_text, body, own_consent };
            let id = match id {
                Some(id) => {
                    document_use_cases::update_protocol(&state, &session, peer, card, id, form).await?;
                    id
                }
                None => document_use_cases::create_protocol(&state, &session, peer, card, form).await?,
            };
            if send.is_some() {
                document_use_cases::send_protocol(&state, &session, peer, card, id).await?;
                leptos_axum::redirect(&format!("/staff/cards/{card}/records/{id}?print=1"));
            } else {
                leptos_axum::redirect(&format!("/staff/cards/{card}/documents"));
            }
            Ok(id)
        }
        .await,
    )
}
