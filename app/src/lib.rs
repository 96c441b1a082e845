//! Kabinet's shared crate: pages, components, server functions, and the domain rules that the
//! browser and the server both run. Feature `ssr` adds the server half (state, storage
//! interface, authentication); feature `hydrate` builds the browser half, which is only the
//! islands: pages render on the server, and the parts that need the browser are `#[island]`s.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

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
