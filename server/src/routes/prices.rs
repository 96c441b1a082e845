//! The price list's file routes (the head, the editors): a file from the MIS read into cells
//! and kept for the preview (multipart; a plain form post, answered with a redirect), and the
//! whole list as CSV.

use super::files::redirect_with_error;
use crate::spreadsheet;
use crate::ServerState;
use app::features::prices::admin_use_cases;
use app::kernel::account::Roles;
use app::kernel::error::{AppError, Problem};
use app::platform::auth::{self, RequestContext};
use axum::extract::{DefaultBodyLimit, Extension, Multipart, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

/// A price list of 50,000 services with a few price columns is a few MB as CSV or XLSX.
pub const IMPORT_FILE_MAX: usize = 16 * 1024 * 1024;

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/staff/prices/import", post(import).layer(DefaultBodyLimit::max(IMPORT_FILE_MAX + (1 << 16))))
        .route("/staff/prices/export.csv", get(export))
}

/// The file field's name and bytes; anything over the limit is refused as too large.
async fn file_of(mut multipart: Multipart) -> Result<(String, Vec<u8>), AppError> {
    while let Some(field) = multipart.next_field().await.map_err(|_| AppError::TooLarge)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(|_| AppError::TooLarge)?;
            if bytes.is_empty() {
                return Err(AppError::field("file", Problem::Required));
            }
            return Ok((name, bytes.to_vec()));
        }
    }
    Err(AppError::field("file", Problem::Required))
}

async fn import(
    State(state): State<ServerState>,
    Extension(ctx): Extension<RequestContext>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let result = async {
        let session = auth::staff_session(&ctx, Roles::can_manage_prices)?;
        let (name, bytes) = file_of(multipart).await?;
        // Reading a large workbook is CPU work: off the async threads.
        let cells = tokio::task::spawn_blocking(move || spreadsheet::read(&bytes))
            .await
            .map_err(auth::internal)?
            .map_err(|_| AppError::field("file", Problem::Spreadsheet))?;
        admin_use_cases::stage_import(&state.app, &session, &name, cells).await
    }
    .await;
    match result {
        Ok(id) => (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/staff/prices/import/{id}"))]).into_response(),
        Err(e @ (AppError::Unauthenticated | AppError::Forbidden | AppError::SecondFactorRequired)) => {
            super::error_answer(&e, &headers)
        }
        Err(e) => redirect_with_error("/staff/prices", "import_error", &e),
    }
}

async fn export(
    State(state): State<ServerState>,
    Extension(ctx): Extension<RequestContext>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        auth::staff_session(&ctx, Roles::can_manage_prices)?;
        admin_use_cases::export_csv(&state.app).await
    }
    .await;
    match result {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"prices.csv\""),
                (header::CACHE_CONTROL, "no-store"),
            ],
            csv,
        )
            .into_response(),
        Err(e) => super::error_answer(&e, &headers),
    }
}
