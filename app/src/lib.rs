//! Kabinet's shared crate, one folder per feature (`features`), on a small shared `kernel` of
//! types every feature uses and a `platform` that carries them (request state, authentication,
//! the server-function wrapper, the page frame). Each feature holds its rules (compiled for the
//! browser and the server), its server functions, its pages and, with feature `ssr`, its use
//! cases. Feature `ssr` adds the server half (use cases, state, storage interface,
//! authentication); feature `hydrate` builds the browser half, which is only the islands: pages
//! render on the server, and the parts that need the browser are `#[island]`s.
#![recursion_limit = "256"]

pub mod app;
pub mod features;
pub mod i18n;
pub mod kernel;
pub mod platform;

/// The browser's entry point. Pages are rendered on the server only; the islands (the few
/// `#[island]` components that need the browser) are hydrated by Leptos's island script right
/// after this returns.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Browser tests wait for this marker before they treat the page as interactive. The island
    // script hydrates the islands synchronously (in microtasks) after this function returns, so
    // a zero timeout (the next task) sets the marker once every island is live.
    leptos::prelude::set_timeout(
        || {
            if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
