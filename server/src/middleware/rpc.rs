//! The door in front of every server function (`/rpc/…`). Leptos registers one route per
//! function and reads its body itself: with axum's 2 MB default, and an oversized or broken
//! body comes out as a 500. Here, first: an unknown name is a 404 in the one error shape; the
//! body is read within a small limit (larger only for the functions that take long texts) and
//! refused with 413 beyond it; and a 429 says when to come back (`Retry-After`).

use crate::routes::error_answer;
use app::kernel::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// Server functions take small bodies.
pub const RPC_BODY_MAX: usize = 64 * 1024;
/// The functions that take long texts (news and protocols: 20 000 characters, which a form
/// percent-encodes to as much as 12 bytes each).
pub const RPC_LONG_TEXT_BODY_MAX: usize = 512 * 1024;
const LONG_TEXT_FUNCTIONS: [&str; 2] = ["/rpc/news_save", "/rpc/protocol_save"];

pub async fn bounded(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !path.starts_with("/rpc/") {
        return next.run(req).await;
    }
    let known = leptos::server_fn::axum::server_fn_paths().any(|(p, m)| p == path && m == req.method());
    if !known {
        return error_answer(&AppError::NotFound, req.headers());
    }
    let limit = if LONG_TEXT_FUNCTIONS.contains(&path) { RPC_LONG_TEXT_BODY_MAX } else { RPC_BODY_MAX };
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            let e = if e.is::<LengthLimitError>() { AppError::TooLarge } else { AppError::BadRequest };
            tracing::debug!(path = %parts.uri.path(), status = e.status(), "server function body refused");
            return error_answer(&e, &parts.headers);
        }
    };
    let res = next.run(Request::from_parts(parts, Body::from(body))).await;
    with_retry_after(res).await
}

/// A 429 from a server function carries its `AppError::RateLimited` in the body: the wait goes
/// into `Retry-After` too, for clients that read headers.
async fn with_retry_after(res: Response) -> Response {
    if res.status() != StatusCode::TOO_MANY_REQUESTS || res.headers().contains_key(header::RETRY_AFTER) {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, RPC_BODY_MAX).await.unwrap_or_default();
    if let Some(secs) = serde_json::from_slice::<AppError>(&bytes).ok().and_then(|e| e.retry_after()) {
        parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    Response::from_parts(parts, Body::from(bytes))
}
