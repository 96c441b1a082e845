//! Cross-site request check. Leptos server functions have no CSRF token, so every request that
//! can change state must come from this origin: `Sec-Fetch-Site` (sent by current browsers)
//! must say same-origin, and an `Origin` header must name this host. Requests with neither
//! header come from non-browser clients, which cookies-based CSRF cannot involve.

use crate::ServerState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn check(State(state): State<ServerState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if is_same_origin(req.headers(), state.settings.public_url.as_deref()) {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        (StatusCode::FORBIDDEN, "cross-site request refused").into_response()
    }
}

pub fn is_same_origin(headers: &HeaderMap, public_url: Option<&str>) -> bool {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = value("sec-fetch-site") {
        if site != "same-origin" && site != "none" {
            return false;
        }
    }
    match value(header::ORIGIN.as_str()) {
        None => true,
        Some(origin) => {
            let origin_host = origin.split_once("://").map(|(_, h)| h);
            let expected_host = match public_url {
                Some(url) => url.split_once("://").map(|(_, h)| h.to_string()),
                None => value(header::HOST.as_str()).map(str::to_string),
            };
            matches!((origin_host, expected_host), (Some(o), Some(e)) if o.eq_ignore_ascii_case(&e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_browser_requests_pass() {
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000"),
            ("sec-fetch-site", "same-origin"),
        ]);
        assert!(is_same_origin(&h, None));
    }

    #[test]
    fn cross_site_requests_are_refused() {
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert!(!is_same_origin(&h, None));
        let h = headers(&[("host", "127.0.0.1:3000"), ("origin", "https://evil.example")]);
        assert!(!is_same_origin(&h, None));
        let h = headers(&[("host", "127.0.0.1:3000"), ("sec-fetch-site", "same-site")]);
        assert!(!is_same_origin(&h, None));
        let h = headers(&[("host", "127.0.0.1:3000"), ("origin", "null")]);
        assert!(!is_same_origin(&h, None));
    }

    #[test]
    fn the_public_url_decides_behind_a_proxy() {
        let h = headers(&[("host", "10.0.0.5:3000"), ("origin", "https://lk.clinic.example")]);
        assert!(is_same_origin(&h, Some("https://lk.clinic.example")));
        assert!(!is_same_origin(&h, None));
    }

    #[test]
    fn requests_without_browser_headers_pass() {
        assert!(is_same_origin(&headers(&[("host", "127.0.0.1:3000")]), None));
    }
}
