//! Routes outside the Leptos page table: server functions, static assets, the language switch,
//! and the health checks.

use crate::ServerState;
use app::i18n::{Lang, LANG_COOKIE};
use app::kernel::error::AppError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

mod doctors;
mod files;
mod messages;
#[cfg(debug_assertions)]
mod notifications;
mod prices;

pub fn router(site_root: &Path, context: impl Fn() + Clone + Send + Sync + 'static) -> Router<ServerState> {
    // Registered server functions have routes of their own (leptos_routes_with_context adds
    // them); this one sees only unknown names, which `middleware::rpc` answers first.
    let rpc = post(move |req: Request<Body>| {
        let context = context.clone();
        async move { leptos_axum::handle_server_fns_with_context(context, req).await }
    });
    Router::new()
        .route("/rpc/{*name}", rpc)
        .merge(files::router())
        .merge(prices::router())
        .merge(doctors::router())
        .merge(messages::router())
        .merge(test_doors())
        .route("/lang", post(set_language))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        // Hashed assets: precompressed variants, cached for a year (their names change with them).
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ))
                .service(ServeDir::new(site_root.join("pkg")).precompressed_br().precompressed_gzip()),
        )
        .route_service("/favicon.svg", ServeFile::new(site_root.join("favicon.svg")))
        .fallback(not_found_page)
}

/// Doors for the browser tests (debug builds only, answered in demo mode only): the notification
/// engine run at a given time. A release build has none.
fn test_doors() -> Router<ServerState> {
    #[cfg(debug_assertions)]
    return notifications::router();
    #[cfg(not(debug_assertions))]
    Router::new()
}

/// An error answered outside a server function or page: `AppError` as JSON for scripts, the
/// translated sentence for a browser's plain form post; a rate limit adds `Retry-After`.
pub fn error_answer(e: &AppError, headers: &HeaderMap) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let accepts = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut res = if accepts.contains("text/html") {
        let lang =
            headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).map(Lang::from_cookie_header).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], e.message(lang.texts())).into_response()
    } else {
        (status, axum::Json(e)).into_response()
    };
    if let Some(secs) = e.retry_after() {
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    res
}

async fn ready(State(state): State<ServerState>) -> Response {
    match state.app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

#[derive(serde::Deserialize)]
struct LangForm {
    lang: String,
    next: Option<String>,
}

/// Remembers the chosen language for a year and returns to the page the switch was on.
async fn set_language(State(state): State<ServerState>, Form(form): Form<LangForm>) -> Response {
    let Some(lang) = Lang::parse(&form.lang) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "unknown language").into_response();
    };
    let next = app::kernel::paths::local_path(form.next.as_deref());
    let secure = if state.settings.secure_cookies() { "; Secure" } else { "" };
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}", lang.code());
    // `local_path` admits no character a header refuses; home is the answer if that ever slips.
    let location = HeaderValue::from_str(&next).unwrap_or(HeaderValue::from_static("/"));
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// Any other path: the app's own "page not found", with status 404.
async fn not_found_page(State(state): State<ServerState>, req: Request<Body>) -> Response {
    let app_state = state.app.clone();
    let assets = state.assets.clone();
    let handler = leptos_axum::render_app_to_stream_with_context(
        move || {
            leptos::prelude::provide_context(app_state.clone());
            leptos::prelude::provide_context(assets.clone());
        },
        app::app::shell,
    );
    handler(req).await.into_response()
}
