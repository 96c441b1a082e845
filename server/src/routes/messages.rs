//! Messages' routes outside server functions, because they stream: sending a message with its
//! files (the patient's new dialogue and reply, the clinic's reply), and an attachment's bytes.
//!
//! Files go through the same pipeline as the record's: streamed to disk and typed by content
//! (`files::receive`, PDF/JPG/PNG, 5 × 16 MB), then images are re-encoded as WEBP by the
//! converters' box (metadata such as GPS dropped) before the message is written; the original
//! is kept beside the copy. The message's target and the hourly limit are checked before any
//! conversion runs. Answers as the record's uploads: a redirect back (with the error and what was
//! typed) for a plain form, JSON for the upload island.

use super::files::{answer, error_text, field, fields_of, lang_of, serve, wants_json};
use crate::files::{self, Limits};
use crate::ServerState;
use app::features::messages::rules::MAX_ATTACHMENTS;
use app::features::messages::store::NewAttachment;
use app::features::messages::use_cases::{self as uc, MessageForm, ATTACHMENT_TYPES};
use app::features::record::document_rules::MAX_FILE_BYTES;
use app::features::record::document_use_cases::IncomingFile;
use app::kernel::error::{AppError, Problem};
use app::platform::auth::{self, RequestContext};
use app::platform::ui::upload::{typed_query, GO_HEADER};
use axum::extract::{DefaultBodyLimit, Extension, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

const LIMITS: Limits =
    Limits { max_files: MAX_ATTACHMENTS, max_file_bytes: MAX_FILE_BYTES, allowed: &ATTACHMENT_TYPES };
/// Five files of the size a message takes, and the form.
pub const BODY_MAX: u64 = MAX_ATTACHMENTS as u64 * MAX_FILE_BYTES + (1 << 20);

pub fn router() -> Router<ServerState> {
    let cap = || DefaultBodyLimit::max(BODY_MAX as usize);
    Router::new()
        .route("/messages/send", post(patient_new).layer(cap()))
        .route("/messages/{id}/send", post(patient_reply).layer(cap()))
        .route("/staff/messages/{id}/send", post(staff_reply).layer(cap()))
        .route("/messages/files/{id}", get(attachment))
        .route("/messages/{id}/updates", get(updates))
}

fn form_of(fields: &std::collections::HashMap<String, String>) -> MessageForm {
    MessageForm {
        recipient: field(fields, "recipient").into(),
        subject: field(fields, "subject").into(),
        body: field(fields, "body").into(),
    }
}

/// The served copies: images re-encoded as WEBP without metadata, PDFs as they came. On a
/// failure every copy made so far is removed.
async fn prepare(state: &ServerState, incoming: &[IncomingFile]) -> Result<Vec<NewAttachment>, AppError> {
    let mut out: Vec<NewAttachment> = Vec::with_capacity(incoming.len());
    for f in incoming {
        let (served_name, served_type) = if f.media_type.conversion().is_some() {
            let name = files::new_name();
            let (Some(input), Some(target)) = (state.files.path(&f.stored_name), state.files.path(&name)) else {
                return Err(auth::internal("stored name"));
            };
            match state.converter.convert(&input, f.media_type, &target).await {
                Ok(t) => (name, t),
                Err(error) => {
                    tracing::warn!(%error, "message attachment: conversion failed");
                    for done in &out {
                        if done.served_name != done.stored_name {
                            state.files.remove(&done.served_name).await;
                        }
                    }
                    return Err(AppError::field("files", Problem::FileType));
                }
            }
        } else {
            (f.stored_name.clone(), f.media_type)
        };
        out.push(NewAttachment {
            original_name: f.original_name.clone(),
            media_type: f.media_type,
            size: f.size as i64,
            stored_name: f.stored_name.clone(),
            served_name,
            served_type,
        });
    }
    Ok(out)
}

async fn discard_all(state: &ServerState, incoming: &[IncomingFile], prepared: &[NewAttachment]) {
    files::discard(&state.files, incoming).await;
    for p in prepared.iter().filter(|p| p.served_name != p.stored_name) {
        state.files.remove(&p.served_name).await;
    }
}

/// The request's form and its files on disk (typed back into the page on a refusal).
async fn receive(
    state: &ServerState,
    multipart: Multipart,
    typed: &mut String,
) -> Result<(MessageForm, Vec<IncomingFile>), AppError> {
    let received = files::receive(&state.files, multipart, LIMITS).await;
    *typed = typed_query(|name| fields_of(&received).get(name).map(String::as_str));
    let received = received.map_err(|r| r.error)?;
    Ok((form_of(&received.fields), received.files))
}

/// The served copies, once the target was accepted (`checked`); on any refusal the files go.
async fn prepared<T>(
    state: &ServerState,
    incoming: &[IncomingFile],
    checked: Result<T, AppError>,
) -> Result<(T, Vec<NewAttachment>), AppError> {
    let checked = match checked {
        Ok(t) => t,
        Err(e) => {
            files::discard(&state.files, incoming).await;
            return Err(e);
        }
    };
    match prepare(state, incoming).await {
        Ok(p) => Ok((checked, p)),
        Err(e) => {
            files::discard(&state.files, incoming).await;
            Err(e)
        }
    }
}

async fn patient_send(
    state: &ServerState,
    ctx: &RequestContext,
    dialogue: Option<i64>,
    multipart: Multipart,
    typed: &mut String,
) -> Result<i64, AppError> {
    let session = ctx.session.clone().ok_or(AppError::Unauthenticated)?;
    // Over the limit, nothing of the request is stored first.
    uc::hourly_check(&state.app, &session).await?;
    let (form, incoming) = receive(state, multipart, typed).await?;
    let checked = uc::patient_target(&state.app, &session, dialogue, &form).await;
    let (target, files) = prepared(state, &incoming, checked).await?;
    let result = uc::patient_send(&state.app, &session, ctx.peer, target, &form, files.clone()).await;
    if result.is_err() {
        discard_all(state, &incoming, &files).await;
    }
    result
}

async fn patient_new(
    State(state): State<ServerState>,
    Extension(ctx): Extension<RequestContext>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let mut typed = String::new();
    let result = patient_send(&state, &ctx, None, multipart, &mut typed).await;
    match (&result, wants_json(&headers)) {
        // Both open the new dialogue: a plain form by the redirect, the island by the header.
        (Ok(id), false) => answer(Ok(*id), false, &format!("/messages/{id}"), ""),
        (Ok(id), true) => {
            let mut res = answer(Ok(*id), true, "/messages/new", "");
            if let Ok(v) = HeaderValue::from_str(&format!("/messages/{id}")) {
                res.headers_mut().insert(GO_HEADER, v);
            }
            res
        }
        _ => answer(result, wants_json(&headers), "/messages/new", &typed),
    }
}

async fn patient_reply(
    State(state): State<ServerState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let mut typed = String::new();
    let result = patient_send(&state, &ctx, Some(id), multipart, &mut typed).await;
    answer(result, wants_json(&headers), &format!("/messages/{id}"), &typed)
}

async fn staff_reply(
    State(state): State<ServerState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let mut typed = String::new();
    let result = async {
        let session = ctx.session.clone().ok_or(AppError::Unauthenticated)?;
        // Outside the sender's inbox, nothing of the request is stored.
        let dialogue = uc::staff_target(&state.app, &session, id).await?;
        let (form, incoming) = receive(&state, multipart, &mut typed).await?;
        let (dialogue, files) = prepared(&state, &incoming, Ok(dialogue)).await?;
        let result = uc::staff_send(&state.app, &session, ctx.peer, &dialogue, &form.body, files.clone()).await;
        if result.is_err() {
            discard_all(&state, &incoming, &files).await;
        }
        result
    }
    .await;
    answer(result, wants_json(&headers), &format!("/staff/messages/{id}"), &typed)
}

#[derive(serde::Deserialize)]
struct After {
    after: Option<i64>,
}

/// News for an open dialogue (either side, `rules::updates_path`): the messages after `after`
/// rendered as the page renders them, as the body; the newest id, the tab's unread count (the
/// patient's side) and the open call's address in headers. The access middleware answers it
/// without refreshing the session's idle timer.
async fn updates(
    State(state): State<ServerState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Query(q): Query<After>,
    headers: HeaderMap,
) -> Response {
    use app::features::messages::rules::{LAST_ID_HEADER, UNREAD_HEADER, VIDEO_HEADER};
    use axum::http::header;
    use axum::response::IntoResponse;
    let after = q.after.unwrap_or(0).max(0);
    let found = async {
        let session = ctx.session.clone().ok_or(AppError::Unauthenticated)?;
        uc::updates(&state.app, &session, ctx.peer, id, after).await
    }
    .await;
    let (messages, video, unread) = match found {
        Ok(f) => f,
        Err(e) => return error_text(&e, &headers),
    };
    let newest = messages.last().map_or(after, |m| m.id);
    let html = app::features::messages::page::messages_html(messages, lang_of(&headers), state.app.utc_offset());
    let mut res = ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], html)
        .into_response();
    let h = res.headers_mut();
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set(LAST_ID_HEADER, newest.to_string());
    if let Some(n) = unread {
        set(UNREAD_HEADER, n.to_string());
    }
    if let Some(url) = video {
        set(VIDEO_HEADER, url);
    }
    res
}

#[derive(serde::Deserialize)]
struct FileQuery {
    inline: Option<String>,
}

async fn attachment(
    State(state): State<ServerState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Query(q): Query<FileQuery>,
    req: Request,
) -> Response {
    let served = async {
        let session = ctx.session.clone().ok_or(AppError::Unauthenticated)?;
        uc::attachment(&state.app, &session, ctx.peer, id).await
    }
    .await;
    match served {
        Ok(s) => serve(&state, s, q.inline.is_some(), id, req).await,
        Err(e) => error_text(&e, req.headers()),
    }
}
