//! The wrapper every server function's body runs through: `with_error_status(async { .. }.await)`.

use crate::kernel::error::AppError;
use axum::http::{header, request::Parts};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

/// Every server function answers through this: an error sets its HTTP status on the response
/// (for script callers), and the result is returned as it is. A plain form post (no JavaScript)
/// is redirected back to its page with the error in the URL instead, so there the status must
/// stay a redirect and is left alone.
pub fn with_error_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        let plain_form = use_context::<Parts>()
            .and_then(|p| p.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).map(|a| a.contains("text/html")))
            .unwrap_or(false);
        if !plain_form {
            if let Some(res) = use_context::<ResponseOptions>() {
                res.set_status(
                    axum::http::StatusCode::from_u16(e.status())
                        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
                );
            }
        }
    }
    result
}
