//! Messages' server functions: the patient's tab, the staff's inbox and dialogue actions, and
//! broadcasts. Sending a message (with files) is a multipart route of the server
//! (`server/src/routes/messages.rs`); these are the rest.

// `broadcast_save` takes the form's fields one by one, as a plain form posts them.
#![allow(clippy::too_many_arguments)]

use super::rules::*;
use crate::kernel::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::use_cases as uc;
#[cfg(feature = "ssr")]
use crate::kernel::error::Problem;
#[cfg(feature = "ssr")]
use crate::platform::auth;
#[cfg(feature = "ssr")]
use crate::platform::server_fn::with_error_status;
#[cfg(feature = "ssr")]
use crate::platform::state::use_state;

/// The patient's tab with whom a new dialogue may go to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientTab {
    pub inbox: Inbox,
    pub doctors: Vec<RecipientChoice>,
}

#[server(prefix = "/rpc", endpoint = "messages_tab")]
pub async fn messages_tab(page: Option<i64>) -> Result<PatientTab, AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            let state = use_state()?;
            let inbox = uc::inbox(&state, &session, page.unwrap_or(1)).await?;
            Ok(PatientTab { inbox, doctors: uc::doctors(&state, &session).await? })
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "messages_dialogue")]
pub async fn messages_dialogue(id: i64, before: Option<i64>) -> Result<DialogueView, AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            let state = use_state()?;
            uc::patient_dialogue(&state, &session, id, before).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "messages_broadcast")]
pub async fn messages_broadcast(id: i64) -> Result<BroadcastView, AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            let state = use_state()?;
            let b = uc::received_broadcast(&state, &session, id).await?.broadcast;
            Ok(BroadcastView {
                id: b.id,
                body_html: crate::features::news::markdown::render(&b.body),
                title: b.title,
                sent_at: b.sent_at.unwrap_or(b.created_at),
            })
        }
        .await,
    )
}

/// One page of a staff inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffInbox {
    pub rows: Vec<DialogueRow>,
    pub total: i64,
    pub page: i64,
    pub filter: InboxFilter,
}

#[server(prefix = "/rpc", endpoint = "messages_staff_inbox")]
pub async fn messages_staff_inbox(filter: String, page: i64) -> Result<StaffInbox, AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            let state = use_state()?;
            let filter = InboxFilter::parse(&filter);
            let page = page.max(1);
            let (rows, total) = uc::staff_inbox(&state, &session, filter, page).await?;
            Ok(StaffInbox { rows, total, page, filter })
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "messages_staff_dialogue")]
pub async fn messages_staff_dialogue(id: i64, before: Option<i64>) -> Result<DialogueView, AppError> {
    with_error_status(
        async {
            let ctx = auth::request_context()?;
            let session = ctx.session.clone().ok_or(AppError::Unauthenticated)?;
            let state = use_state()?;
            uc::staff_dialogue(&state, &session, ctx.peer, id, before).await
        }
        .await,
    )
}

/// «Закрыть диалог» (`closed`) or «Открыть диалог».
#[server(prefix = "/rpc", endpoint = "dialogue_close")]
pub async fn dialogue_close(id: i64, closed: bool) -> Result<(), AppError> {
    with_error_status(
        async {
            let ctx = auth::request_context()?;
            let session = ctx.session.clone().ok_or(AppError::Unauthenticated)?;
            uc::set_closed(&use_state()?, &session, ctx.peer, id, closed).await?;
            leptos_axum::redirect(&format!("/staff/messages/{id}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "dialogue_handover")]
pub async fn dialogue_handover(id: i64, to: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let ctx = auth::request_context()?;
            let session = ctx.session.clone().ok_or(AppError::Unauthenticated)?;
            let state = use_state()?;
            uc::hand_over(&state, &session, ctx.peer, id, &to).await?;
            // Handed to someone else, the dialogue leaves this inbox.
            leptos_axum::redirect("/staff/messages");
            Ok(())
        }
        .await,
    )
}

/// «Начать видеосвязь» (`open`) or «Завершить видеосвязь».
#[server(prefix = "/rpc", endpoint = "dialogue_video")]
pub async fn dialogue_video(id: i64, open: bool) -> Result<(), AppError> {
    with_error_status(
        async {
            let ctx = auth::request_context()?;
            let session = ctx.session.clone().ok_or(AppError::Unauthenticated)?;
            uc::video(&use_state()?, &session, ctx.peer, id, open).await?;
            leptos_axum::redirect(&format!("/staff/messages/{id}"));
            Ok(())
        }
        .await,
    )
}

/// The choices of the broadcast form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastSetup {
    pub branches: Vec<(i64, String)>,
    pub doctors: Vec<(i64, String)>,
    pub list: Vec<BroadcastAdminRow>,
}

#[cfg(feature = "ssr")]
fn admin_row(b: super::store::BroadcastRecord) -> BroadcastAdminRow {
    BroadcastAdminRow {
        id: b.id,
        title: b.title,
        advertising: b.advertising,
        audience: b.audience,
        send_at: b.sent_at.or(b.send_at).unwrap_or(b.created_at),
        scheduled: b.sent_at.is_none() && b.send_at.is_some(),
        sent: b.sent_at.is_some(),
        recipients: b.recipients,
    }
}

#[server(prefix = "/rpc", endpoint = "broadcast_choices")]
pub async fn broadcast_choices() -> Result<BroadcastSetup, AppError> {
    with_error_status(
        async {
            auth::require_staff(uc::may_broadcast)?;
            let state = use_state()?;
            let branches = state.store.branch_list().await?.into_iter().map(|b| (b.id, b.name)).collect();
            let doctors = state
                .store
                .doctor_list()
                .await?
                .into_iter()
                .map(|d| {
                    let name = crate::kernel::person::FullName {
                        surname: d.surname,
                        name: d.name,
                        patronymic: Some(d.patronymic).filter(|p| !p.is_empty()),
                    };
                    (d.id, name.full())
                })
                .collect();
            let list = state.store.broadcasts(100).await?.into_iter().map(admin_row).collect();
            Ok(BroadcastSetup { branches, doctors, list })
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "broadcast_save")]
pub async fn broadcast_save(
    title: String,
    body: String,
    advertising: Option<String>,
    audience: String,
    branch: Option<String>,
    doctor: Option<String>,
    age_min: Option<String>,
    age_max: Option<String>,
) -> Result<i64, AppError> {
    with_error_status(
        async {
            let ctx = auth::request_context()?;
            let session = auth::require_staff(uc::may_broadcast)?;
            let state = use_state()?;
            let form = uc::BroadcastForm {
                title,
                body,
                advertising: advertising.as_deref().is_some_and(super::rules::is_advertising),
                audience,
                branch: branch.unwrap_or_default(),
                doctor: doctor.unwrap_or_default(),
                age_min: age_min.unwrap_or_default(),
                age_max: age_max.unwrap_or_default(),
            };
            let id = uc::broadcast_create(&state, &session, ctx.peer, form).await?;
            leptos_axum::redirect(&format!("/staff/broadcasts/{id}"));
            Ok(id)
        }
        .await,
    )
}

/// A broadcast on the staff side: its preview and how many it reaches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastAdmin {
    pub row: BroadcastAdminRow,
    pub body_html: String,
    pub reach: i64,
    /// Scheduled, not sent yet.
    pub scheduled: bool,
}

#[server(prefix = "/rpc", endpoint = "broadcast_get")]
pub async fn broadcast_get(id: i64) -> Result<BroadcastAdmin, AppError> {
    with_error_status(
        async {
            auth::require_staff(uc::may_broadcast)?;
            let state = use_state()?;
            let b = state.store.broadcast(id).await?.ok_or(AppError::NotFound)?;
            let reach = if b.sent_at.is_some() {
                b.recipients
            } else {
                uc::audience_size(&state, b.audience, b.advertising).await?
            };
            let scheduled = b.sent_at.is_none() && b.send_at.is_some();
            Ok(BroadcastAdmin {
                body_html: crate::features::news::markdown::render(&b.body),
                reach,
                scheduled,
                row: admin_row(b),
            })
        }
        .await,
    )
}

/// Sends a broadcast now, or at `send_at` ("2026-12-05T14:30", the clinic's time).
#[server(prefix = "/rpc", endpoint = "broadcast_send")]
pub async fn broadcast_send(id: i64, send_at: Option<String>) -> Result<(), AppError> {
    with_error_status(
        async {
            let ctx = auth::request_context()?;
            let session = auth::require_staff(uc::may_broadcast)?;
            let state = use_state()?;
            let at = match send_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => Some(
                    crate::kernel::time_fmt::parse_input_value(s, state.utc_offset())
                        .ok_or_else(|| AppError::field("send_at", Problem::DateTime))?,
                ),
            };
            uc::broadcast_send(&state, &session, ctx.peer, id, at).await?;
            leptos_axum::redirect(&format!("/staff/broadcasts/{id}"));
            Ok(())
        }
        .await,
    )
}
