//! The HTML shell, the root component and the route table.

use crate::features::account::routes::AccountRoutes;
use crate::features::booking::routes::BookingRoutes;
use crate::features::cards::routes::CardsRoutes;
use crate::features::clinic::routes::{ClinicRoutes, ClinicStaffRoutes};
use crate::features::messages::routes::MessagesRoutes;
use crate::features::news::routes::NewsRoutes;
use crate::features::notifications::routes::NotificationsRoutes;
use crate::features::onboarding::routes::OnboardingRoutes;
use crate::features::prices::routes::PricesRoutes;
use crate::features::record::routes::RecordRoutes;
use crate::features::session::routes::SessionRoutes;
use crate::i18n::{provide_i18n_context, use_lang};
use crate::platform::ui::layout::CabinetLayout;
use crate::platform::ui::not_found::NotFoundPage;
use crate::platform::ui::staff::StaffHomePage;
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{ParentRoute, Redirect, Route, Router, Routes},
    path, SsrMode,
};

/// Hashed asset names (`kabinet.<hash>.css`), provided by the server from the build's manifest
/// (as an `Arc<Assets>`: every page gets a pointer, not a copy).
#[derive(Clone, Debug, Default)]
pub struct Assets {
    pub stylesheet: String,
    /// The islands' JS glue and WASM (file names under `/pkg/`), when the front end is built.
    pub scripts: Option<(String, String)>,
}

/// The document around the app; rendered on the server only. Pages stay server-rendered (in
/// islands mode, navigation is an ordinary page load); only `#[island]`s are hydrated.
pub fn shell() -> impl IntoView {
    provide_i18n_context();
    let lang = use_lang();
    let offset = crate::i18n::clinic_offset();
    let assets = use_context::<std::sync::Arc<Assets>>();
    let css = assets.as_ref().map(|a| a.stylesheet.clone()).unwrap_or_default();
    let scripts = assets.and_then(|a| a.scripts.clone());
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code() data-utc-offset=offset.to_string()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href=format!("/pkg/{css}")/>
                <IslandScripts scripts/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Loads the islands' code once the page has loaded, then hydrates each island in document
/// order. Leptos's own `<HydrationScripts islands=true/>` preloads the JS and WASM at high
/// priority, where on a slow phone network they share the bandwidth with the stylesheet the
/// first paint waits for (Lighthouse measured LCP 1.66 s with them, on every page); here the
/// page paints first and the islands follow. Nested islands get their parent's context through
/// the `$$on_hydrate` callback a parent sets on its `<leptos-children>`, as Leptos's loader does.
#[component]
fn IslandScripts(scripts: Option<(String, String)>) -> impl IntoView {
    // Outside the islands, the server renders no hydration markers.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let nonce = leptos::nonce::use_nonce();
    scripts.map(|(js, wasm)| {
        let call = format!("{ISLAND_LOADER}({:?}, {:?});", format!("/pkg/{js}"), format!("/pkg/{wasm}"));
        view! { <script type="module" nonce=nonce>{call}</script> }
    })
}

const ISLAND_LOADER: &str = r#"((js, wasm) => {
  const parents = [];
  async function walk(node, mod) {
    for (const el of Array.from(node.children)) {
      const tag = el.tagName.toLowerCase();
      if (tag === "leptos-island") {
        const parent = parents[parents.length - 1];
        if (parent) parent();
        const island = mod[el.dataset.component];
        if (island) await island(el);
        else console.warn("no code for the island " + el.dataset.component);
        await walk(el, mod);
      } else if (tag === "leptos-children") {
        parents.push(el.$$on_hydrate);
        await walk(el, mod);
        parents.pop();
      } else {
        await walk(el, mod);
      }
    }
  }
  const start = () =>
    import(js).then(async (mod) => {
      await mod.default({ module_or_path: wasm });
      mod.hydrate();
      await walk(document.body, mod);
    });
  if (document.readyState === "complete") start();
  else addEventListener("load", start, { once: true });
})"#;

/// The page's CSP: scripts only from this origin or with this response's nonce.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use axum::http::{header, HeaderValue};
    let Some(res) = use_context::<leptos_axum::ResponseOptions>() else { return };
    let nonce = leptos::nonce::use_nonce().map(|n| n.to_string()).unwrap_or_default();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        res.insert_header(header::CONTENT_SECURITY_POLICY, v);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_i18n_context();
    let t = crate::i18n::use_texts();
    view! {
        <Title text=t.cabinet/>
        <Router>
            <Routes fallback=NotFoundPage>
                // Each feature mounts its pages in one line; the signed-in ones inside the frame.
                <SessionRoutes/>
                <OnboardingRoutes/>
                <ClinicRoutes/>
                <ParentRoute path=path!("") view=CabinetLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=|| view! { <Redirect path="/news"/> } ssr=SsrMode::Async/>
                    <Route path=path!("staff") view=StaffHomePage ssr=SsrMode::Async/>
                    <NewsRoutes/>
                    <MessagesRoutes/>
                    <NotificationsRoutes/>
                    <PricesRoutes/>
                    <AccountRoutes/>
                    <RecordRoutes/>
                    <BookingRoutes/>
                    <CardsRoutes/>
                    <ClinicStaffRoutes/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
