//! File routes, outside server functions because they stream: the clinic's upload-and-send and
//! the patient's own upload (multipart, streamed to disk), a file's bytes (as an attachment, or
//! inline for a preview, behind the same access checks), and the whole record as PDF.
//!
//! A plain form post (no JavaScript) is answered with a redirect back to its page, carrying the
//! error in the query; a script (Accept: application/json) gets the status and the `AppError`.

use crate::files::{self, Limits};
use crate::ServerState;
use app::features::record::document_rules::{MAX_FILES_PER_UPLOAD, MAX_FILE_BYTES};
use app::features::record::document_use_cases::{self, OwnUploadForm, UploadForm};
use app::i18n::Lang;
use app::kernel::error::AppError;
use app::kernel::media::{content_disposition, MediaType, Preview};
use app::platform::auth::{self, RequestContext};
use app::platform::ui::upload::{typed_query, AGAIN_HEADER};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Extension, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::collections::HashMap;
use tower::ServiceExt;

/// The clinic keeps larger files than it may send: a file over 16 MB is stored, and the rules
/// mark it "cannot be sent". Anything over this refuses the request.
pub const CLINIC_FILE_MAX: u64 = 64 * 1024 * 1024;

const CLINIC_LIMITS: Limits =
    Limits { max_files: MAX_FILES_PER_UPLOAD, max_file_bytes: CLINIC_FILE_MAX, allowed: &MediaType::ALL };
const PATIENT_LIMITS: Limits =
    Limits { max_files: MAX_FILES_PER_UPLOAD, max_file_bytes: MAX_FILE_BYTES, allowed: &MediaType::PATIENT_UPLOADS };

/// The clinic's upload: nine of its largest files and the form around them.
pub const CLINIC_BODY_MAX: u64 = MAX_FILES_PER_UPLOAD as u64 * CLINIC_FILE_MAX + (1 << 20);
/// A patient's own upload: nine files of the size a patient may send, and the form.
pub const PATIENT_BODY_MAX: u64 = MAX_FILES_PER_UPLOAD as u64 * MAX_FILE_BYTES + (1 << 20);

pub fn router() -> Router<ServerState> {
    // axum's 2 MB default applies elsewhere; each upload route has its own cap.
    Router::new()
        .route(
            "/staff/cards/{id}/documents/upload",
            post(clinic_upload).layer(DefaultBodyLimit::max(CLINIC_BODY_MAX as usize)),
        )
        .route("/record/upload", post(own_upload).layer(DefaultBodyLimit::max(PATIENT_BODY_MAX as usize)))
        .route("/files/{id}", get(file))
        .route("/record/export.pdf", get(export_pdf))
}

pub(super) fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("application/json"))
}

pub(super) fn lang_of(headers: &HeaderMap) -> Lang {
    headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).map(Lang::from_cookie_header).unwrap_or_default()
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The answer to an upload: JSON for scripts, a redirect back to `page` for plain forms.
/// A refusal sends the page back with the error and what was typed (`typed`, from
/// `upload::typed_query`); a script gets the same address in `AGAIN_HEADER`.
pub(super) fn answer(result: Result<i64, AppError>, json: bool, page: &str, typed: &str) -> Response {
    let again = |e: &AppError| {
        let body = serde_json::to_string(e).unwrap_or_default();
        format!("{page}?upload_error={}{typed}", percent(&body))
    };
    match (result, json) {
        (Ok(id), true) => axum::Json(serde_json::json!({ "upload": id })).into_response(),
        (Err(e), true) => {
            let mut res = super::error_answer(&e, &HeaderMap::new());
            if let Ok(v) = HeaderValue::from_str(&again(&e)) {
                res.headers_mut().insert(AGAIN_HEADER, v);
            }
            res
        }
        (Ok(_), false) => redirect(&format!("{page}?uploaded=1")),
        (Err(e), false) => redirect(&again(&e)),
    }
}

/// Back to `page` with the error under `key` in the query, as a plain form post's answer.
pub(super) fn redirect_with_error(page: &str, key: &str, e: &AppError) -> Response {
    let body = serde_json::to_string(e).unwrap_or_default();
    let join = if page.contains('?') { '&' } else { '?' };
    redirect(&format!("{page}{join}{key}={}", percent(&body)))
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

/// The text fields of a request, received or refused.
pub(super) fn fields_of(received: &Result<files::Received, files::Refused>) -> &HashMap<String, String> {
    match received {
        Ok(r) => &r.fields,
        Err(r) => &r.fields,
    }
}

pub(super) fn field<'a>(fields: &'a HashMap<String, String>, name: &str) -> &'a str {
    fields.get(name).map(String::as_str).unwrap_or("")
}

async fn clinic_upload(
    State(state): State<ServerState>,
    Extension(ctx): Extension<RequestContext>,
    Path(card_id): Path<i64>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let page = format!("/staff/cards/{card_id}/documents");
    let mut typed = String::new();
    let result = async {
        let session = auth::staff_session(&ctx, |r| r.can_read_protocols())?;
        let received = files::receive(&state.files, multipart, CLINIC_LIMITS).await;
        typed = typed_query(|name| fields_of(&received).get(name).map(String::as_str));
        let received = received.map_err(|r| r.error)?;
        let f = &received.fields;
        // With JavaScript each file has its own tick ("send_0"…); without, one for all.
        let per_file = f.contains_key("per_file");
        let send = (0..received.files.len())
            .map(|i| if per_file { f.contains_key(&format!("send_{i}")) } else { f.contains_key("send_all") })
            .collect();
        let form = UploadForm {
            category: field(f, "category").into(),
            title: field(f, "title").into(),
            visit_date: field(f, "visit_date").into(),
            doctor: field(f, "doctor").into(),
            icd_code: field(f, "icd_code").into(),
            icd_text: field(f, "icd_text").into(),
            anonymous: f.contains_key("anonymous"),
            guardian: field(f, "guardian").into(),
            send,
            own_consent: f.contains_key("own_consent"),
        };
        let result =
            document_use_cases::clinic_upload(&state.app, &session, ctx.peer, card_id, form, received.files.clone())
                .await;
        if result.is_err() {
            files::discard(&state.files, &received.files).await;
        }
        result
    }
    .await;
    answer(result, wants_json(&headers), &page, &typed)
}

async fn own_upload(
    State(state): State<ServerState>,
    Extension(ctx): Extension<RequestContext>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let mut typed = String::new();
    let result = async {
        let session = ctx.session.clone().ok_or(AppError::Unauthenticated)?;
        let received = files::receive(&state.files, multipart, PATIENT_LIMITS).await;
        typed = typed_query(|name| fields_of(&received).get(name).map(String::as_str));
        let received = received.map_err(|r| r.error)?;
        let form = OwnUploadForm {
            title: field(&received.fields, "title").into(),
            visit_date: field(&received.fields, "visit_date").into(),
        };
        let result = document_use_cases::own_upload(&state.app, &session, ctx.peer, form, received.files.clone()).await;
        if result.is_err() {
            files::discard(&state.files, &received.files).await;
        }
        result
    }
    .await;
    answer(result, wants_json(&headers), "/record", &typed)
}

#[derive(serde::Deserialize)]
struct FileQuery {
    /// Shown in the page (images, PDF) rather than downloaded.
    inline: Option<String>,
    /// Staff: the delivered copy rather than the original.
    copy: Option<String>,
}

pub(super) fn error_text(e: &AppError, headers: &HeaderMap) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let text = e.message(lang_of(headers).texts());
    let mut res = (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response();
    if let Some(secs) = e.retry_after() {
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    res
}

/// A file's bytes. Served as an attachment in a sandbox, or inline for a preview of an image
/// or PDF, always with the type the server decided and `nosniff`.
async fn file(
    State(state): State<ServerState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Query(q): Query<FileQuery>,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let served = async {
        let session = ctx.session.clone().ok_or(AppError::Unauthenticated)?;
        document_use_cases::fetch_file(&state.app, &session, ctx.peer, id, q.copy.is_some()).await
    }
    .await;
    match served {
        Ok(s) => serve(&state, s, q.inline.is_some(), id, req).await,
        Err(e) => error_text(&e, &headers),
    }
}

/// A stored file's bytes, after its access check: as an attachment in a sandbox, or inline (an
/// image or PDF) for a preview.
pub(super) async fn serve(
    state: &ServerState,
    served: document_use_cases::ServedFile,
    inline: bool,
    id: i64,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let Some(path) = state.files.path(&served.stored_name) else {
        return error_text(&auth::internal("stored name"), &headers);
    };
    let inline = inline && served.media_type.preview() != Preview::None;
    let mut res = match tower_http::services::ServeFile::new(path).oneshot(req).await {
        Ok(r) => r.map(Body::new),
        Err(e) => return error_text(&auth::internal(e), &headers),
    };
    if res.status() == StatusCode::NOT_FOUND {
        tracing::error!(file_id = id, "stored file missing");
        return error_text(&AppError::NotFound, &headers);
    }
    let h = res.headers_mut();
    let set = |h: &mut HeaderMap, name: header::HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    set(h, header::CONTENT_TYPE, served.media_type.mime());
    set(h, header::CONTENT_DISPOSITION, &content_disposition(&served.name, inline));
    set(h, header::CACHE_CONTROL, "private, no-store");
    if inline {
        // `sandbox` gives the file an opaque origin: whatever a browser made of its bytes could
        // not reach the portal's cookies or pages, even framed in one (staff preview patients'
        // uploads). As a response header it keeps Chromium's PDF viewer working; the iframe's
        // own `sandbox` attribute would block the viewer, so the page does not set it.
        set(
            h,
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox",
        );
        set(h, header::X_FRAME_OPTIONS, "SAMEORIGIN");
    } else {
        set(h, header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox; frame-ancestors 'none'");
    }
    h.remove(header::LAST_MODIFIED);
    res
}

/// The whole record as one PDF. LibreOffice runs for it, so `Exports` decides who may start one
/// now (one per account at a time, a few per window, one on the server at a time with a short
/// wait); the conversion is cut at `convert::TIMEOUT`, and every refusal or failure answers a
/// translated sentence, never a hung request.
async fn export_pdf(
    State(state): State<ServerState>,
    Extension(ctx): Extension<RequestContext>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers);
    let result = async {
        let session = ctx.session.clone().ok_or(AppError::Unauthenticated)?;
        let html = app::features::record::export::record_html(&state.app, &session, ctx.peer, lang).await?;
        let _turn = state.exports.begin(session.account_id, state.app.now()).await?;
        state.converter.html_to_pdf(&html).await.map_err(|error| {
            tracing::error!(%error, "record export: conversion failed");
            AppError::ExportFailed
        })
    }
    .await;
    match result {
        Ok(pdf) => {
            let name = format!("{}.pdf", lang.texts().nav_record);
            (
                [
                    (header::CONTENT_TYPE, "application/pdf".to_string()),
                    (header::CONTENT_DISPOSITION, content_disposition(&name, false)),
                    (header::CACHE_CONTROL, "private, no-store".into()),
                    (header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox".into()),
                ],
                pdf,
            )
                .into_response()
        }
        Err(e) => {
            let retry = match &e {
                AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
                AppError::ExportBusy | AppError::ExportFailed | AppError::ExportRunning => Some(60),
                _ => None,
            };
            let mut res = error_text(&e, &headers);
            if let Some(secs) = retry.and_then(|s| HeaderValue::from_str(&s.max(1).to_string()).ok()) {
                res.headers_mut().insert(header::RETRY_AFTER, secs);
            }
            res
        }
    }
}
