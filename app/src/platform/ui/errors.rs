//! How errors are shown: one sentence in the reader's language, and on the server the error's
//! HTTP status on the response.

use crate::i18n::use_texts;
use crate::kernel::error::AppError;
use leptos::prelude::*;

/// Puts the error's status on the server response (no effect in the browser).
pub fn set_status(_status: u16) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = axum::http::StatusCode::from_u16(_status) {
            res.set_status(code);
        }
    }
}

/// Puts the error's status on the server response, and for a rate limit how long to wait.
pub fn set_error_status(error: &AppError) {
    set_status(error.status());
    #[cfg(feature = "ssr")]
    if let (Some(secs), Some(res)) = (error.retry_after(), use_context::<leptos_axum::ResponseOptions>()) {
        res.insert_header(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
    }
}

/// What a Suspense shows while its data loads.
#[component]
pub fn Loading() -> impl IntoView {
    let t = use_texts();
    view! { <p class="loading">{t.loading}</p> }
}

/// A page-level error: forbidden and not-found get their own headings.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let t = use_texts();
    set_error_status(&error);
    let heading = match &error {
        AppError::Forbidden => Some(t.forbidden_title),
        AppError::NotFound => Some(t.not_found_title),
        _ => None,
    };
    let signed_out = matches!(error, AppError::Unauthenticated);
    let needs_factor = matches!(error, AppError::SecondFactorRequired);
    view! {
        <section class="panel error-panel" role="alert">
            {heading.map(|h| view! { <h1>{h}</h1> })}
            <p>{error.message(t)}</p>
            {if signed_out {
                view! { <a href="/signin">{t.sign_in}</a> }.into_any()
            } else if needs_factor {
                view! { <a href="/account#second-factor">{t.nav_account}</a> }.into_any()
            } else {
                view! { <a href="/">{t.to_home}</a> }.into_any()
            }}
        </section>
    }
}

/// The error of a form's last submission, if it failed.
pub fn last_error<T: Clone + Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
) -> Signal<Option<AppError>> {
    Signal::derive(move || value.get().and_then(Result::err))
}

/// The sentence for a form's failed submission.
#[component]
pub fn FormError(error: Signal<Option<AppError>>) -> impl IntoView {
    let t = use_texts();
    move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.message(t)}</p> })
}

/// The message under one field, when the last submission named it.
#[component]
pub fn FieldError(error: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    let t = use_texts();
    let id = format!("{field}-error");
    move || {
        error.get().and_then(|e| e.field_message(field, t)).map(|m| {
            view! { <p class="field-error" id=id.clone()>{m}</p> }
        })
    }
}
