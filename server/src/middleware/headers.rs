//! Security headers on every response. Pages set their own CSP (with the response's nonce, in
//! `app::app::shell`); everything else gets a CSP that allows nothing.

use crate::ServerState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub async fn security_headers(State(state): State<ServerState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // same-origin: forms without JavaScript return to their page via the Referer; no other
    // site ever learns a cabinet URL.
    set(h, header::REFERRER_POLICY, "same-origin");
    // A file shown inside a page (a PDF preview) allows its own origin; nothing else is framed.
    if !h.contains_key(header::X_FRAME_OPTIONS) {
        set(h, header::X_FRAME_OPTIONS, "DENY");
    }
    set(h, HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(h, HeaderName::from_static("cross-origin-resource-policy"), "same-origin");
    set(h, HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), payment=()");
    if state.settings.secure_cookies() {
        set(h, header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains");
    }
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(h, header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'");
    }
    // Pages and data carry personal data: never stored by browsers or proxies. Static assets
    // set their own caching.
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    res
}
