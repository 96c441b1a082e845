//! A page that has not rendered in time becomes a short, translated "try again" page (503 with
//! `Retry-After`), so that a stuck render is an error the visitor can act on and a log line the
//! clinic can see, never a connection held open forever. Only page routes pass here: uploads
//! and server functions have limits of their own.

use crate::ServerState;
use app::i18n::Lang;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

pub async fn pages(State(state): State<ServerState>, req: Request, next: Next) -> Response {
    within(state.settings.page_timeout, req, next).await
}

/// Runs the rest of the stack for at most `limit`.
async fn within(limit: Duration, req: Request, next: Next) -> Response {
    let lang = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_cookie_header)
        .unwrap_or_default();
    let path = req.uri().path().to_owned();
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::error!(%path, secs = limit.as_secs_f32(), "page did not render in time");
            too_slow(lang)
        }
    }
}

/// The "try again" page: plain HTML with no script, in the visitor's language. Its reload link
/// is the empty reference, which is the page's own address.
fn too_slow(lang: Lang) -> Response {
    let t = lang.texts();
    let body = format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head><body><main><h1>{title}</h1><p role=\"alert\">{body}</p>\
         <p><a href=\"\">{reload}</a></p></main></body></html>",
        code = lang.code(),
        title = t.page_timeout_title,
        body = t.page_timeout_body,
        reload = t.page_timeout_reload,
    );
    let mut res = (StatusCode::SERVICE_UNAVAILABLE, body).into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::middleware::from_fn;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    fn router() -> Router {
        Router::new()
            .route("/stuck", get(std::future::pending::<&'static str>))
            .route("/quick", get(|| async { "готово" }))
            .layer(from_fn(|req, next| within(Duration::from_millis(200), req, next)))
    }

    async fn body(res: Response) -> String {
        let bytes = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_stuck_page_becomes_a_translated_try_again_page_and_a_quick_one_passes() {
        let res = router().oneshot(Request::get("/stuck").body(axum::body::Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(res.headers()[header::RETRY_AFTER], "60");
        let html = body(res).await;
        assert!(html.contains("<html lang=\"ru\">") && html.contains("Страница не успела открыться"), "{html}");
        assert!(!html.contains("<script"), "{html}");

        let english = Request::get("/stuck").header(header::COOKIE, "kabinet_lang=en").body(axum::body::Body::empty());
        let html = body(router().oneshot(english.unwrap()).await.unwrap()).await;
        assert!(html.contains("The page took too long to open"), "{html}");

        let res = router().oneshot(Request::get("/quick").body(axum::body::Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(body(res).await, "готово");
    }
}
