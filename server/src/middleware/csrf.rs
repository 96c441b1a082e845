//! Cross-site request check. Leptos server functions have no CSRF token, so every request that
//! can change state must come from this origin: `Sec-Fetch-Site` (sent by current browsers)
//! must say same-origin, and an `Origin` header must name this origin — scheme, host and port,
//! as browsers compare them. "This origin" is `KABINET_PUBLIC_URL` when set, else the `Host`
//! the server is addressed as, over plain http. Requests with neither header come from
//! non-browser clients, which cookie-based CSRF cannot involve.

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
            let expected = match public_url {
                Some(url) => Origin::parse(url),
                None => value(header::HOST.as_str()).and_then(|host| Origin::parse(&format!("http://{host}"))),
            };
            matches!((Origin::parse(origin), expected), (Some(o), Some(e)) if o == e)
        }
    }
}

/// A web origin: scheme and host without regard to case, the port written out (80 and 443 when
/// the URL leaves them implicit).
#[derive(Debug, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    fn parse(url: &str) -> Option<Origin> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.is_empty() || authority.contains('@') {
            return None;
        }
        // An IPv6 literal keeps its brackets; the port follows the closing one.
        let (host, port) = match authority.strip_prefix('[') {
            Some(inner) => {
                let (ip, after) = inner.split_once(']')?;
                let port = if after.is_empty() { None } else { Some(after.strip_prefix(':')?) };
                (format!("[{ip}]"), port)
            }
            None => match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (authority.to_string(), None),
            },
        };
        let port = match (port, scheme.as_str()) {
            (Some(p), _) => p.parse().ok()?,
            (None, "http") => 80,
            (None, "https") => 443,
            (None, _) => return None,
        };
        (!host.is_empty()).then(|| Origin { scheme, host: host.to_ascii_lowercase(), port })
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
    fn scheme_and_port_must_match_the_public_url_too() {
        let public = Some("https://lk.clinic.example");
        let origin = |o: &'static str| headers(&[("host", "10.0.0.5:3000"), ("origin", o)]);
        assert!(is_same_origin(&origin("https://lk.clinic.example:443"), public));
        assert!(is_same_origin(&origin("HTTPS://LK.Clinic.Example"), public));
        assert!(!is_same_origin(&origin("http://lk.clinic.example"), public), "plain http");
        assert!(!is_same_origin(&origin("https://lk.clinic.example:8443"), public), "another port");
        assert!(!is_same_origin(&origin("https://lk.clinic.example.evil.example"), public));
        assert!(!is_same_origin(&origin("https://evil@lk.clinic.example"), public));
        assert!(!is_same_origin(&origin("lk.clinic.example"), public), "no scheme");
        assert!(is_same_origin(&origin("https://lk.clinic.example:8443"), Some("https://lk.clinic.example:8443/")));
    }

    #[test]
    fn without_a_public_url_the_host_over_plain_http_decides() {
        let h = |host: &'static str, origin: &'static str| headers(&[("host", host), ("origin", origin)]);
        assert!(is_same_origin(&h("127.0.0.1:3000", "http://127.0.0.1:3000"), None));
        assert!(is_same_origin(&h("portal.example", "http://portal.example:80"), None));
        assert!(!is_same_origin(&h("127.0.0.1:3000", "https://127.0.0.1:3000"), None), "another scheme");
        assert!(!is_same_origin(&h("127.0.0.1:3000", "http://127.0.0.1:3001"), None), "another port");
        assert!(!is_same_origin(&h("127.0.0.1:3000", "http://127.0.0.1"), None), "port 80 is another port");
        assert!(is_same_origin(&h("[::1]:3000", "http://[::1]:3000"), None));
        assert!(!is_same_origin(&h("[::1]:3000", "http://[::1]:3001"), None));
        assert!(!is_same_origin(&headers(&[("origin", "http://127.0.0.1:3000")]), None), "no host");
    }

    #[test]
    fn requests_without_browser_headers_pass() {
        assert!(is_same_origin(&headers(&[("host", "127.0.0.1:3000")]), None));
    }
}
