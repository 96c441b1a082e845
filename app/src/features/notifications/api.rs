//! Notifications' server functions: the head's schedules and quiet hours, the delivery log,
//! and the patient's list of what was sent to them.

// `schedule_save` takes the form's fields one by one, as a plain form posts them.
#![allow(clippy::too_many_arguments)]

use super::rules::*;
use crate::kernel::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::use_cases as uc;
#[cfg(feature = "ssr")]
use crate::platform::auth;
#[cfg(feature = "ssr")]
use crate::platform::server_fn::with_error_status;
#[cfg(feature = "ssr")]
use crate::platform::state::use_state;

/// A schedule in the head's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleRow {
    pub id: i64,
    pub schedule: Schedule,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifySettings {
    pub schedules: Vec<ScheduleRow>,
    pub quiet_from: String,
    pub quiet_to: String,
}

#[server(prefix = "/rpc", endpoint = "notify_setup")]
pub async fn notify_setup() -> Result<NotifySettings, AppError> {
    with_error_status(
        async {
            auth::require_staff(uc::may_configure)?;
            let state = use_state()?;
            let quiet = state.store.quiet_hours().await?;
            let schedules = state
                .store
                .notify_schedules()
                .await?
                .into_iter()
                .map(|r| ScheduleRow { id: r.id, schedule: r.schedule })
                .collect();
            Ok(NotifySettings {
                schedules,
                quiet_from: crate::kernel::time_fmt::format_hhmm(quiet.from_min),
                quiet_to: crate::kernel::time_fmt::format_hhmm(quiet.to_min),
            })
        }
        .await,
    )
}

/// One schedule with its texts rendered for a sample patient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleView {
    pub id: i64,
    pub schedule: Schedule,
    /// The services' codes, as the form shows them.
    pub service_codes: String,
    pub sms_preview: String,
    pub sms_units: usize,
    pub sms_parts: usize,
    pub email_subject_preview: String,
    pub email_body_preview: String,
}

#[server(prefix = "/rpc", endpoint = "notify_schedule_get")]
pub async fn notify_schedule_get(id: i64) -> Result<ScheduleView, AppError> {
    with_error_status(
        async {
            auth::require_staff(uc::may_configure)?;
            let state = use_state()?;
            let rec = state.store.notify_schedule(id).await?.ok_or(AppError::NotFound)?;
            let values = uc::sample_values(&state);
            let s = rec.schedule;
            let codes = uc::service_codes(&state, &s.services).await?;
            let sms_preview = render(&s.sms_text, &values);
            let size = sms_size(&sms_preview);
            Ok(ScheduleView {
                id,
                service_codes: codes,
                sms_units: size.units,
                sms_parts: size.parts,
                sms_preview,
                email_subject_preview: render(&s.email_subject, &values),
                email_body_preview: render(&s.email_body, &values),
                schedule: s,
            })
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "notify_schedule_save")]
pub async fn notify_schedule_save(
    id: Option<i64>,
    name: String,
    kind: String,
    enabled: Option<String>,
    via: String,
    marketing: Option<String>,
    days: Option<String>,
    minutes: Option<String>,
    send_at: Option<String>,
    status: Option<String>,
    working_days_only: Option<String>,
    include_same_day: Option<String>,
    services: Option<String>,
    hourly: Option<String>,
    sms_text: Option<String>,
    email_subject: Option<String>,
    email_body: Option<String>,
) -> Result<i64, AppError> {
    with_error_status(
        async {
            let ctx = auth::request_context()?;
            let session = auth::require_staff(uc::may_configure)?;
            let state = use_state()?;
            let form = ScheduleForm {
                name,
                kind,
                enabled: enabled.is_some(),
                via,
                marketing: marketing.is_some(),
                days: days.unwrap_or_default(),
                minutes: minutes.unwrap_or_default(),
                send_at: send_at.unwrap_or_default(),
                status: status.unwrap_or_default(),
                working_days_only: working_days_only.is_some(),
                include_same_day: include_same_day.is_some(),
                services: Vec::new(),
                hourly: hourly.is_some(),
                sms_text: sms_text.unwrap_or_default(),
                email_subject: email_subject.unwrap_or_default(),
                email_body: email_body.unwrap_or_default(),
            };
            let id = uc::save_schedule(&state, &session, ctx.peer, id, form, services.as_deref().unwrap_or("")).await?;
            leptos_axum::redirect(&format!("/staff/notifications/{id}?saved=1"));
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "notify_quiet_save")]
pub async fn notify_quiet_save(quiet_from: String, quiet_to: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let ctx = auth::request_context()?;
            let session = auth::require_staff(uc::may_configure)?;
            let state = use_state()?;
            uc::save_quiet_hours(&state, &session, ctx.peer, &quiet_from, &quiet_to).await?;
            leptos_axum::redirect("/staff/notifications?saved=quiet");
            Ok(())
        }
        .await,
    )
}

/// One line of the delivery log as staff read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRow {
    pub id: i64,
    pub schedule_id: i64,
    pub schedule_name: String,
    pub card_id: i64,
    pub patient: String,
    pub status: Status,
    pub reason: Option<Reason>,
    pub due_at: i64,
    pub sms: Option<bool>,
    pub recipient: Option<String>,
    pub delivered_at: Option<i64>,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogView {
    pub rows: Vec<LogRow>,
    pub schedules: Vec<(i64, String)>,
    /// There are more (older) lines.
    pub more: bool,
}

#[server(prefix = "/rpc", endpoint = "notify_log")]
pub async fn notify_log(
    card: Option<String>,
    schedule: Option<String>,
    day: Option<String>,
    page: Option<i64>,
) -> Result<LogView, AppError> {
    with_error_status(
        async {
            let ctx = auth::request_context()?;
            let session = auth::require_staff(uc::may_read_log)?;
            let state = use_state()?;
            let filter = uc::LogQuery { card, schedule, day, page: page.unwrap_or(1) };
            uc::log(&state, &session, ctx.peer, filter).await
        }
        .await,
    )
}

/// What was sent to the patient (the active profile).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentToMe {
    pub at: i64,
    pub sms: bool,
    pub subject: String,
    pub body: String,
}

#[server(prefix = "/rpc", endpoint = "notify_mine")]
pub async fn notify_mine() -> Result<Vec<SentToMe>, AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            let state = use_state()?;
            uc::sent_to_me(&state, &session).await
        }
        .await,
    )
}
