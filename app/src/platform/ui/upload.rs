//! A file upload form that works as a plain multipart POST without JavaScript (the server
//! answers with a redirect back to the page, the error in the query) and, in the browser, is an
//! island that sends the same form by XMLHttpRequest to show the upload's progress. An error
//! the server answers the script with is shown the way the plain post shows it: the page loads
//! with the error in its query.

use crate::i18n::Texts;
use crate::kernel::error::AppError;
use leptos::prelude::*;

/// The error a plain form post came back with (`?upload_error=` holds the `AppError` as JSON).
pub fn upload_error_from_query(raw: Option<String>) -> Option<AppError> {
    raw.and_then(|s| serde_json::from_str(&s).ok())
}

/// `AppError::Unavailable` as the JSON the server sends (tested below): what the island passes
/// on when the server's answer is not an `AppError` (a network failure, a proxy's page), without
/// the error type's (de)serialisers in the browser's WASM.
pub const UNAVAILABLE_JSON: &str = "\"Unavailable\"";

/// The sentence under the form for an upload's error: the files' own problem, or the general one.
pub fn upload_error_text(error: &AppError, t: &Texts) -> String {
    error.field_message("files", t).unwrap_or_else(|| error.message(t))
}

/// The form around an upload's fields (`children`, rendered on the server; they may hold
/// islands of their own).
/// The upload form's id: fields the page renders outside it (the guardian to send to) join it
/// with `form=` so that they are sent with it, with JavaScript and without.
pub const UPLOAD_FORM_ID: &str = "upload-form";

#[island]
pub fn UploadForm(
    /// Where the form posts.
    action: String,
    /// The page to load after the upload (with `?uploaded=1`, or `?upload_error=` if it failed).
    done: String,
    /// "Загрузка…", the progress bar's label.
    uploading: String,
    /// The sentence for the last plain submission's error, from the URL.
    error: Option<String>,
    children: Children,
) -> impl IntoView {
    let progress = RwSignal::new(None::<u32>);
    let error = RwSignal::new(error);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            ev.prevent_default();
            if let Some(form) = form_ref.get() {
                error.set(None);
                browser::send(form, progress, done.clone());
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, &done);
    };
    view! {
        <form id=UPLOAD_FORM_ID method="post" enctype="multipart/form-data" action=action node_ref=form_ref on:submit=on_submit class="stack upload-form">
            {children()}
            {move || progress.get().map(|p| view! {
                <p class="upload-progress" role="status">
                    <label for="upload-progress">{uploading.clone()}</label>
                    <progress id="upload-progress" max="100" value=p.to_string()>{format!("{p} %")}</progress>
                    <span>{format!("{p} %")}</span>
                </p>
            })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </form>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use crate::kernel::paths::percent_encode;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    fn go(to: &str) {
        if let Some(w) = web_sys::window() {
            let _ = w.location().assign(to);
        }
    }

    pub fn send(form: web_sys::HtmlFormElement, progress: RwSignal<Option<u32>>, done: String) {
        // The same page the server's redirect would load after a plain post that failed.
        // The server answers a script's failed upload with the `AppError` as JSON (an object, or
        // a string for a unit variant), the same text its redirect puts in the query.
        let fail = {
            let done = done.clone();
            move |body: &str| {
                let json = if body.starts_with('{') || body.starts_with('"') { body } else { UNAVAILABLE_JSON };
                go(&format!("{done}?upload_error={}", percent_encode(json)));
            }
        };
        let (Ok(data), Ok(xhr)) = (web_sys::FormData::new_with_form(&form), web_sys::XmlHttpRequest::new()) else {
            return fail("");
        };
        if xhr.open("POST", &form.action()).is_err() || xhr.set_request_header("Accept", "application/json").is_err() {
            return fail("");
        }
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
        let on_load = {
            let fail = fail.clone();
            Closure::<dyn FnMut()>::new(move || {
                if answered.status().unwrap_or(0) == 200 {
                    go(&format!("{done}?uploaded=1"));
                } else {
                    fail(&answered.response_text().ok().flatten().unwrap_or_default());
                }
            })
        };
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        on_load.forget();
        let on_error = {
            let fail = fail.clone();
            Closure::<dyn FnMut()>::new(move || fail(""))
        };
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        if xhr.send_with_opt_form_data(Some(&data)).is_err() {
            fail("");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_islands_fallback_error_is_the_servers_json_for_unavailable() {
        assert_eq!(serde_json::to_string(&AppError::Unavailable).unwrap(), UNAVAILABLE_JSON);
        assert_eq!(upload_error_from_query(Some(UNAVAILABLE_JSON.into())), Some(AppError::Unavailable));
    }
}
