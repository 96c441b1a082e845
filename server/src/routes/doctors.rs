//! The doctors' form (multipart: the portrait travels with the details) and the portraits.
//!
//! A portrait is checked by its content (JPEG, PNG, HEIC or WEBP, up to 8 MB), converted by
//! cwebp in the converters' box to a WEBP `PORTRAIT_WIDTH` pixels wide without metadata, and
//! only then is anything saved: a photo that does not convert changes nothing.

use super::files::redirect_with_error;
use crate::files::{self, Limits};
use crate::ServerState;
use app::features::clinic::doctor_rules::{PORTRAIT_MAX_BYTES, PORTRAIT_WIDTH};
use app::features::clinic::doctor_use_cases::{self, DoctorForm};
use app::kernel::account::Roles;
use app::kernel::error::{AppError, Problem};
use app::kernel::media::MediaType;
use app::platform::auth::{self, RequestContext};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Extension, Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

const PHOTOS: [MediaType; 4] = [MediaType::Jpeg, MediaType::Png, MediaType::Heic, MediaType::Webp];
const LIMITS: Limits = Limits { max_files: 1, max_file_bytes: PORTRAIT_MAX_BYTES, allowed: &PHOTOS };

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/staff/doctors/save", post(save).layer(DefaultBodyLimit::max(PORTRAIT_MAX_BYTES as usize + (1 << 20))))
        .route("/doctors/{id}/photo", get(photo))
}

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

async fn save(
    State(state): State<ServerState>,
    Extension(ctx): Extension<RequestContext>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let mut form_key = "new".to_string();
    let result = async {
        let session = auth::staff_session(&ctx, Roles::can_manage_booking)?;
        let received = files::receive(&state.files, multipart, LIMITS).await;
        let fields = match &received {
            Ok(r) => &r.fields,
            Err(r) => &r.fields,
        };
        let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
        let id = match field("id").trim() {
            "" => None,
            typed => Some(typed.parse::<i64>().map_err(|_| AppError::BadRequest)?),
        };
        if let Some(id) = id {
            form_key = id.to_string();
        }
        let mut branches: Vec<String> =
            fields.keys().filter_map(|k| k.strip_prefix("branch_").map(str::to_string)).collect();
        branches.sort();
        let form = DoctorForm {
            full_name: field("full_name"),
            specialty: field("specialty"),
            degree: field("degree"),
            branches,
            online: fields.contains_key("online"),
        };
        let received = received.map_err(|r| r.error)?;
        let outcome = async {
            // Everything is checked, and the portrait converted, before anything is saved.
            doctor_use_cases::check(&state.app, id, &form).await?;
            let portrait = match received.files.first() {
                Some(file) => {
                    let source = state.files.path(&file.stored_name).ok_or(AppError::BadRequest)?;
                    let name = format!("{}.webp", files::new_name());
                    let target = state.files.path(&name).ok_or(AppError::BadRequest)?;
                    state.converter.portrait(&source, file.media_type, PORTRAIT_WIDTH, &target).await.map_err(|e| {
                        tracing::warn!(error = %e, "portrait did not convert");
                        AppError::field("files", Problem::FileType)
                    })?;
                    Some(name)
                }
                None => None,
            };
            let saved = doctor_use_cases::save_doctor(&state.app, &session, ctx.peer, id, &form).await;
            let id = match saved {
                Ok(id) => id,
                Err(e) => {
                    if let Some(name) = &portrait {
                        state.files.remove(name).await;
                    }
                    return Err(e);
                }
            };
            if let Some(name) = portrait {
                if let Some(old) = doctor_use_cases::set_photo(&state.app, &session, ctx.peer, id, &name).await? {
                    state.files.remove(&old).await;
                }
            }
            Ok(id)
        }
        .await;
        files::discard(&state.files, &received.files).await;
        outcome
    }
    .await;
    match result {
        Ok(id) => see_other(&format!("/staff/doctors?saved={id}")),
        Err(e @ (AppError::Unauthenticated | AppError::Forbidden | AppError::SecondFactorRequired)) => {
            super::error_answer(&e, &headers)
        }
        Err(e) => redirect_with_error(&format!("/staff/doctors?doctor={form_key}"), "doctor_error", &e),
    }
}

/// A doctor's portrait, for signed-in people (booking shows doctors to patients).
async fn photo(
    State(state): State<ServerState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Response {
    if ctx.session.is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Ok(Some(name)) = state.app.store.doctor_photo(id).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(path) = state.files.path(&name) else { return StatusCode::NOT_FOUND.into_response() };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "image/webp"),
                (header::CACHE_CONTROL, "private, max-age=3600"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            Body::from(bytes),
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
