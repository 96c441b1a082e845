//! The open dialogue's island: the video link while a call is open, and messages that arrive
//! while the page is open. Without JavaScript the page shows both as of its load (reload to see
//! more). In the browser it asks the server every `POLL_MS` for what came after the newest
//! message shown (`rules::updates_path`); the server answers with those messages already rendered
//! as the page renders them, and in headers the newest id, the video call and the tab's unread
//! count for the navigation's badge.
//!
//! Polling rather than Server-Sent Events: it works the same on every replica and both
//! databases (no process-local channel, no LISTEN/NOTIFY), survives proxies that buffer
//! streams, and one indexed query every three seconds per open dialogue is cheap (see the
//! README's "Measured").

use leptos::prelude::*;

#[island]
pub fn DialogueLive(
    dialogue_id: i64,
    /// The newest message the page shows.
    last_id: i64,
    /// Ask for news (the newest page of the dialogue); an older page does not.
    live: bool,
    video_url: Option<String>,
    /// «Подключиться к видеосвязи».
    video_label: String,
    /// The live region's name («Новые сообщения»).
    live_label: String,
    children: Children,
) -> impl IntoView {
    let video = RwSignal::new(video_url);
    let fresh = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if live {
            browser::poll(dialogue_id, last_id, fresh, video)
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (dialogue_id, last_id, live);
    view! {
        {move || video.get().map(|url| view! {
            <p class="video-call">
                <a class="button primary" href=url target="_blank" rel="noopener noreferrer">{video_label.clone()}</a>
            </p>
        })}
        {children()}
        <div class="fresh-messages" aria-live="polite" aria-label=live_label node_ref=fresh></div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::super::rules::{updates_path, LAST_ID_HEADER, POLL_MS, UNREAD_HEADER, VIDEO_HEADER};
    use leptos::prelude::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    /// The navigation's unread badge.
    fn set_badge(unread: i64) {
        let Some(badge) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("nav-unread"))
        else {
            return;
        };
        badge.set_text_content(Some(&unread.to_string()));
        if unread > 0 {
            let _ = badge.remove_attribute("hidden");
        } else {
            let _ = badge.set_attribute("hidden", "");
        }
    }

    pub fn poll(dialogue_id: i64, last_id: i64, fresh: NodeRef<leptos::html::Div>, video: RwSignal<Option<String>>) {
        let Some(window) = web_sys::window() else { return };
        let Ok(xhr) = web_sys::XmlHttpRequest::new() else { return };
        let last = Rc::new(Cell::new(last_id));
        let busy = Rc::new(Cell::new(false));
        let timer = Rc::new(Cell::new(None::<i32>));
        // One request object and one handler for the page's life: each tick reuses them.
        let on_done = {
            let (answered, last, busy, timer) = (xhr.clone(), last.clone(), busy.clone(), timer.clone());
            Closure::<dyn FnMut()>::new(move || {
                busy.set(false);
                match answered.status().unwrap_or(0) {
                    200 => {}
                    // Signed out, or the dialogue is no longer this reader's: stop asking.
                    401 | 403 | 404 => {
                        if let (Some(w), Some(id)) = (web_sys::window(), timer.take()) {
                            w.clear_interval_with_handle(id);
                        }
                        return;
                    }
                    _ => return,
                }
                let header = |name: &str| answered.get_response_header(name).ok().flatten();
                let html = answered.response_text().ok().flatten().unwrap_or_default();
                let newest = header(LAST_ID_HEADER).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
                if newest > last.get() && !html.is_empty() {
                    if let Some(el) = fresh.get_untracked() {
                        let _ = el.insert_adjacent_html("beforeend", &html);
                    }
                }
                last.set(last.get().max(newest));
                let url = header(VIDEO_HEADER).filter(|u| u.starts_with("https://") || u.starts_with("http://"));
                if video.get_untracked() != url {
                    video.set(url);
                }
                if let Some(n) = header(UNREAD_HEADER).and_then(|v| v.parse::<i64>().ok()) {
                    set_badge(n);
                }
            })
        };
        xhr.set_onloadend(Some(on_done.as_ref().unchecked_ref()));
        on_done.forget();
        let tick = Closure::<dyn FnMut()>::new(move || {
            if busy.get() {
                return;
            }
            let opened = xhr.open("GET", &updates_path(dialogue_id, last.get())).is_ok();
            if opened && xhr.send().is_ok() {
                busy.set(true);
            }
        });
        timer.set(
            window
                .set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), POLL_MS as i32)
                .ok(),
        );
        tick.forget();
    }
}
