//! A door for the browser tests only: runs the notification engine as if the clock read the
//! given clinic time (`at=2026-12-07T09:00`), then hands what it queued to the mail server and
//! the SMS provider at that time (from now to 60 days ahead). Compiled into debug builds only,
//! and answered in demo mode only (`scripts/e2e-server`); a release build has no such route.

use crate::ServerState;
use app::features::notifications::use_cases::{tick, Env};
use app::platform::store::Channel;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};

#[derive(serde::Deserialize)]
struct TickForm {
    at: String,
}

pub fn router() -> Router<ServerState> {
    Router::new().route("/test/notifications/tick", post(run))
}

async fn run(State(state): State<ServerState>, Form(form): Form<TickForm>) -> Response {
    if !state.settings.demo {
        return StatusCode::NOT_FOUND.into_response();
    }
    // Forward only, and not far: a time in the past would leave failed mail waiting until then.
    let at = match app::kernel::time_fmt::parse_input_value(&form.at, state.app.utc_offset()) {
        Some(at) if at >= state.app.now() - 60 && at <= state.app.now() + 60 * 86_400 => at,
        _ => {
            return (StatusCode::BAD_REQUEST, "at: a clinic time from now to 60 days ahead, 2026-12-07T09:00")
                .into_response()
        }
    };
    let store = &*state.app.store;
    let report = match tick(store, &Env::of(&state.app), at).await {
        Ok(r) => r,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    let mut delivered = 0;
    if let Some(url) = &state.settings.smtp_url {
        match crate::mail::SmtpMailer::new(url, &state.settings.mail_from) {
            Ok(mailer) => delivered += crate::mail::drain(store, Channel::Email, &mailer, at).await.unwrap_or(0),
            Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        }
    }
    let sms: Box<dyn crate::mail::MailTransport> = match &state.settings.sms_gateway {
        Some(g) => match crate::sms::HttpSms::new(&g.url, &g.token, g.from.as_deref()) {
            Ok(s) => Box::new(s),
            Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        },
        None => Box::new(crate::mail::DevSms),
    };
    delivered += crate::mail::drain(store, Channel::Sms, &*sms, at).await.unwrap_or(0);
    format!(
        "queued {} sent {} cancelled {} failed {} delivered {delivered}",
        report.queued, report.sent, report.cancelled, report.failed
    )
    .into_response()
}
