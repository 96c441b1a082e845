//! A file upload form that works as a plain multipart POST without JavaScript (the server
//! answers with a redirect back to the page, the error in the query) and, in the browser, is an
//! island that sends the same form by XMLHttpRequest to show the upload's progress. An error
//! the server answers the script with is shown the way the plain post shows it: the page loads
//! with the error in its query, and with what was typed (`typed_*`), so that only the files
//! must be chosen again (a browser never pre-fills a file input).

use crate::i18n::Texts;
use crate::kernel::error::AppError;
use leptos::prelude::*;

/// The text fields an upload form gets back after a refusal.
pub const TYPED_FIELDS: [&str; 11] = [
    "category",
    "title",
    "visit_date",
    "doctor",
    "icd_code",
    "icd_text",
    "anonymous",
    "own_consent",
    "recipient",
    "subject",
    "body",
];

/// The header that tells the island where the server would have sent a plain form after a
/// refusal (the page, its error and what was typed).
pub const AGAIN_HEADER: &str = "kabinet-again";

/// The header that tells the island where a successful upload leads when that is not `done`
/// (a new dialogue's own page, whose address the server just made).
pub const GO_HEADER: &str = "kabinet-go";

/// `&typed_title=…&typed_visit_date=…` for the page a refused upload goes back to: the form's text
/// fields as sent (each cut to 300 characters, a message's text to 2,000), empty ones left out.
pub fn typed_query<'a>(get: impl Fn(&str) -> Option<&'a str>) -> String {
    TYPED_FIELDS
        .iter()
        .filter_map(|name| {
            let keep = if *name == "body" { 2000 } else { 300 };
            let value: String = get(name)?.chars().take(keep).collect();
            (!value.is_empty()).then(|| format!("&typed_{name}={}", crate::kernel::paths::percent_encode(&value)))
        })
        .collect()
}

/// What was typed into an upload form before its refusal, read back from the page's query.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Typed(Vec<(String, String)>);

impl Typed {
    pub fn from_query(query: &leptos_router::params::ParamsMap) -> Self {
        Typed(
            TYPED_FIELDS
                .iter()
                .filter_map(|name| query.get(&format!("typed_{name}")).map(|v| (name.to_string(), v)))
                .collect(),
        )
    }
    /// The field's text; empty when nothing came back.
    pub fn get(&self, name: &str) -> String {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    /// A checkbox that was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.get(name) == "on"
    }
}

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
                let again = answered.get_response_header(AGAIN_HEADER).ok().flatten();
                let local = |a: &String| a.starts_with('/') && !a.starts_with("//");
                if answered.status().unwrap_or(0) == 200 {
                    match answered.get_response_header(GO_HEADER).ok().flatten().filter(local) {
                        Some(to) => go(&format!("{to}?uploaded=1")),
                        None => go(&format!("{done}?uploaded=1")),
                    }
                } else if let Some(again) = again.filter(local) {
                    // The page with the refusal and what was typed, as the plain form gets it.
                    go(&again);
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

    /// What the router does to a query value.
    fn decode(v: &str) -> String {
        let b = v.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn what_was_typed_goes_back_in_the_query_and_is_read_from_it() {
        let sent =
            [("title", "Анализ крови & мочи"), ("visit_date", "2026-01-10"), ("anonymous", "on"), ("icd_code", "")];
        let get = |n: &str| sent.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
        let query = typed_query(get);
        assert!(query.starts_with("&typed_title="), "{query}");
        assert!(!query.contains("icd_code"), "empty fields stay out: {query}");
        let parsed = leptos_router::params::ParamsMap::from_iter(query.trim_start_matches('&').split('&').map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), decode(v))
        }));
        let typed = Typed::from_query(&parsed);
        assert_eq!(typed.get("title"), "Анализ крови & мочи");
        assert_eq!(typed.get("visit_date"), "2026-01-10");
        assert!(typed.checked("anonymous"));
        assert!(!typed.checked("own_consent"));
        assert_eq!(typed.get("doctor"), "");
        let long = "я".repeat(400);
        assert_eq!(typed_query(|n| (n == "title").then_some(long.as_str())).matches("%D1%8F").count(), 300);
    }

    #[test]
    fn the_islands_fallback_error_is_the_servers_json_for_unavailable() {
        assert_eq!(serde_json::to_string(&AppError::Unavailable).unwrap(), UNAVAILABLE_JSON);
        assert_eq!(upload_error_from_query(Some(UNAVAILABLE_JSON.into())), Some(AppError::Unavailable));
    }
}
