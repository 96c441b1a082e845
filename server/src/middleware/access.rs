//! Resolves who is asking (the peer address and the session) and keeps everything that is not
//! explicitly public behind sign-in: pages redirect to the sign-in page, server functions
//! answer 401. Server functions check their own rights again; this is the second lock.

use crate::ServerState;
use app::kernel::error::AppError;
use app::platform::auth::{session_token, token_hash, RequestContext, SESSION_IDLE_SECS};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Paths anyone may request without a session.
pub fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/signin"
            | "/signin/second-factor"
            | "/register"
            | "/register/code"
            | "/welcome"
            | "/demo/mail"
            | "/lang"
            | "/healthz"
            | "/readyz"
            | "/favicon.svg"
            | "/rpc/sign_in"
            | "/rpc/sign_out"
            | "/rpc/current_user"
            | "/rpc/portal_info"
            | "/rpc/request_code"
            | "/rpc/set_password_with_code"
            | "/rpc/demo_mailbox"
            | "/rpc/verify_second_factor"
            | "/rpc/staff_invitation"
            | "/rpc/accept_staff_invite"
    ) || path.starts_with("/pkg/")
}

/// The client's address: the socket's peer, unless that peer is a trusted proxy, in which case
/// the nearest untrusted address of `X-Forwarded-For`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

/// Requests a page makes by itself, with no one acting: an open dialogue asking for news every
/// few seconds. They are answered for a live session but never keep it alive, so a page left
/// open still signs its reader out after the idle time.
fn is_background(path: &str) -> bool {
    path.strip_prefix("/messages/")
        .and_then(|rest| rest.strip_suffix("/updates"))
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

pub async fn guard(State(state): State<ServerState>, mut req: Request, next: Next) -> Response {
    let socket_peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let peer = client_ip(socket_peer, req.headers(), &state.settings.trusted_proxies);
    let path = req.uri().path().to_string();
    let public = is_public(&path);
    let session = match session_token(req.headers(), state.app.config.secure_cookies) {
        // Static assets need no session lookup.
        Some(token) if !path.starts_with("/pkg/") => {
            let now = state.app.now();
            let (hash, idle) = (token_hash(&token), now - SESSION_IDLE_SECS);
            let found = if is_background(&path) {
                state.app.store.session_peek(&hash, now, idle).await
            } else {
                state.app.store.session(&hash, now, idle).await
            };
            match found {
                Ok(s) => s,
                Err(e) => {
                    let err = app::platform::auth::internal(e);
                    return (StatusCode::SERVICE_UNAVAILABLE, err.message(app::i18n::Lang::Ru.texts())).into_response();
                }
            }
        }
        _ => None,
    };
    let signed_in = session.is_some();
    let head = session.as_ref().is_some_and(|s| s.roles.has(app::kernel::account::Role::Head));
    let staff = session.as_ref().is_some_and(|s| s.roles.is_staff());
    let has_card = session.as_ref().is_some_and(|s| s.own_card_id.is_some() || s.active_card_id.is_some());
    req.extensions_mut().insert(RequestContext { session, peer });

    if signed_in && path == "/signin" && req.method() == axum::http::Method::GET {
        return redirect("/");
    }
    if !signed_in && !public {
        // A script's request (a server function, a page's own polling) is told, not redirected.
        if path.starts_with("/rpc/") || is_background(&path) {
            let body = serde_json::to_string(&AppError::Unauthenticated).unwrap_or_default();
            return (StatusCode::UNAUTHORIZED, [(header::CONTENT_TYPE, "application/json")], body).into_response();
        }
        let target = match req.uri().path_and_query() {
            Some(pq) if pq.as_str() != "/" => format!("/signin?next={}", urlencode(pq.as_str())),
            _ => "/signin".into(),
        };
        return redirect(&target);
    }
    // The clinic's details come first: until the head has set them, the head's pages lead to
    // them (but the account page, where the second factor is turned on).
    if head
        && !state.app.config.clinic.details_set()
        && leads_to_setup(&path)
        && req.method() == axum::http::Method::GET
    {
        return redirect(SETUP_PAGE);
    }
    // A page of a tab the clinic hides leads to the first tab still shown.
    if signed_in && req.method() == axum::http::Method::GET {
        if let Some(tab) = app::kernel::tabs::CabinetTab::of_path(&path) {
            let hidden = state.app.config.clinic.hidden_tabs();
            if hidden.hides(tab) {
                return redirect(hidden.landing(has_card, staff));
            }
        }
    }
    next.run(req).await
}

/// Where the head sets the clinic's details.
const SETUP_PAGE: &str = "/staff/clinic";

/// A page (not a server function, an asset or a public page) other than the clinic's details
/// and the account page.
fn leads_to_setup(path: &str) -> bool {
    !is_public(path)
        && !path.starts_with("/rpc/")
        && !path.starts_with("/pkg/")
        && !matches!(path, SETUP_PAGE | "/account" | "/favicon.svg")
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.9, 10.0.0.2"));
        let peer: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(client_ip(peer, &h, &[]), peer);
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        assert_eq!(client_ip(proxy, &h, &[proxy]), "203.0.113.9".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn only_the_sign_in_page_and_infrastructure_are_public() {
        for p in ["/signin", "/healthz", "/readyz", "/pkg/kabinet.abc.js", "/rpc/sign_in", "/lang", "/welcome"] {
            assert!(is_public(p), "{p}");
        }
        for p in
            ["/", "/news", "/news/1", "/prices", "/staff/news", "/rpc/get_news_page", "/rpc/news_save", "/signin/x"]
        {
            assert!(!is_public(p), "{p}");
        }
    }

    #[test]
    fn the_return_path_is_url_encoded() {
        assert_eq!(urlencode("/prices?q=узи&plan=2"), "/prices%3Fq%3D%D1%83%D0%B7%D0%B8%26plan%3D2");
    }
}
