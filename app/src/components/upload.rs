//! A file upload form that works as a plain multipart POST without JavaScript (the server
//! answers with a redirect back to the page) and, once hydrated, sends the same form by
//! XMLHttpRequest to show the upload's progress and the server's error in place.

use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;

/// The error a plain form post came back with (`?upload_error=` holds the `AppError` as JSON).
pub fn upload_error_from_query(raw: Option<String>) -> Option<AppError> {
    raw.and_then(|s| serde_json::from_str(&s).ok())
}

#[component]
pub fn UploadForm(
    /// Where the form posts.
    action: String,
    /// The page to load after a successful upload (with `?uploaded=1`).
    done: String,
    /// The error of the last plain (no JavaScript) submission, from the URL.
    initial_error: Option<AppError>,
    error: RwSignal<Option<AppError>>,
    children: Children,
) -> impl IntoView {
    let t = use_texts();
    if initial_error.is_some() {
        error.set(initial_error);
    }
    let progress = RwSignal::new(None::<u32>);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            ev.prevent_default();
            if let Some(form) = form_ref.get() {
                hydrated::send(form, progress, error, done.clone());
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, &done);
    };
    view! {
        <form method="post" enctype="multipart/form-data" action=action node_ref=form_ref on:submit=on_submit class="stack upload-form">
            {children()}
            {move || progress.get().map(|p| view! {
                <p class="upload-progress" role="status">
                    <label for="upload-progress">{t.docs.uploading}</label>
                    <progress id="upload-progress" max="100" value=p.to_string()>{format!("{p} %")}</progress>
                    <span>{format!("{p} %")}</span>
                </p>
            })}
            {move || error.get().map(|e| {
                let field = e.field_message("files", t);
                view! { <p class="form-error" role="alert">{field.unwrap_or_else(|| e.message(t))}</p> }
            })}
        </form>
    }
}

#[cfg(feature = "hydrate")]
mod hydrated {
    use super::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    pub fn send(
        form: web_sys::HtmlFormElement,
        progress: RwSignal<Option<u32>>,
        error: RwSignal<Option<AppError>>,
        done: String,
    ) {
        let fail = move |e: AppError| {
            progress.set(None);
            error.set(Some(e));
        };
        let (Ok(data), Ok(xhr)) = (web_sys::FormData::new_with_form(&form), web_sys::XmlHttpRequest::new()) else {
            return fail(AppError::Unavailable);
        };
        if xhr.open("POST", &form.action()).is_err() || xhr.set_request_header("Accept", "application/json").is_err() {
            return fail(AppError::Unavailable);
        }
        error.set(None);
        progress.set(Some(0));
        if let Ok(upload) = xhr.upload() {
            let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    progress.set(Some((e.loaded() / e.total() * 100.0).floor() as u32));
                }
            });
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
            on_progress.forget();
        }
        let answered = xhr.clone();
        let on_load = Closure::<dyn FnMut()>::new(move || {
            let status = answered.status().unwrap_or(0);
            if status == 200 {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().assign(&format!("{done}?uploaded=1"));
                }
            } else {
                let body = answered.response_text().ok().flatten().unwrap_or_default();
                fail(serde_json::from_str(&body).unwrap_or(AppError::Unavailable));
            }
        });
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        on_load.forget();
        let on_error = Closure::<dyn FnMut()>::new(move || fail(AppError::Unavailable));
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        if xhr.send_with_opt_form_data(Some(&data)).is_err() {
            fail(AppError::Unavailable);
        }
    }
}
