//! The HTML shell, the root component and the route table.

use crate::features::account::page::AccountPage;
use crate::features::booking::page::{AppointmentsPage, BookingPage};
use crate::features::booking::staff_pages::{
    StaffAppointmentPage, StaffBookingPage, StaffDayBookPage, StaffSchedulePage,
};
use crate::features::cards::pages::{StaffCardNewPage, StaffCardPage, StaffCardsPage};
use crate::features::news::admin_pages::{StaffNewsEditPage, StaffNewsListPage, StaffNewsNewPage, StaffNewsPage};
use crate::features::news::page::{NewsArticlePage, NewsListPage};
use crate::features::onboarding::register_page::{DemoMailboxPage, RegisterCodePage, RegisterPage};
use crate::features::prices::page::PricesPage;
use crate::features::record::document_pages::{
    StaffCardDocumentsPage, StaffDocumentsPage, StaffModulesPage, StaffProtocolPage,
};
use crate::features::record::page::{RecordItemPage, RecordPage};
use crate::features::session::second_factor_page::SecondFactorPage;
use crate::features::session::signin_page::SignInPage;
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

/// Hashed asset names (`kabinet.<hash>.css`), provided by the server from the build's manifest.
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
    let assets = use_context::<Assets>();
    let css = assets.as_ref().map(|a| a.stylesheet.clone()).unwrap_or_default();
    let scripts = assets.and_then(|a| a.scripts);
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
                <Route path=path!("/signin") view=SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/signin/second-factor") view=SecondFactorPage ssr=SsrMode::Async/>
                <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async/>
                <Route path=path!("/register/code") view=RegisterCodePage ssr=SsrMode::Async/>
                <Route path=path!("/demo/mail") view=DemoMailboxPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=CabinetLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=|| view! { <Redirect path="/news"/> } ssr=SsrMode::Async/>
                    <Route path=path!("news") view=NewsListPage ssr=SsrMode::Async/>
                    <Route path=path!("news/:id") view=NewsArticlePage ssr=SsrMode::Async/>
                    <Route path=path!("prices") view=PricesPage ssr=SsrMode::Async/>
                    <Route path=path!("account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("record") view=RecordPage ssr=SsrMode::Async/>
                    <Route path=path!("record/:id") view=RecordItemPage ssr=SsrMode::Async/>
                    <Route path=path!("booking") view=BookingPage ssr=SsrMode::Async/>
                    <Route path=path!("appointments") view=AppointmentsPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/booking") view=StaffBookingPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/schedule") view=StaffSchedulePage ssr=SsrMode::Async/>
                    <Route path=path!("staff/appointments") view=StaffDayBookPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/appointments/:id") view=StaffAppointmentPage ssr=SsrMode::Async/>
                    <Route path=path!("staff") view=StaffHomePage ssr=SsrMode::Async/>
                    <Route path=path!("staff/news") view=StaffNewsListPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/cards") view=StaffCardsPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/cards/new") view=StaffCardNewPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/cards/:id") view=StaffCardPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/cards/:id/documents") view=StaffCardDocumentsPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/cards/:id/records/:record") view=StaffProtocolPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/documents") view=StaffDocumentsPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/modules") view=StaffModulesPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/news/new") view=StaffNewsNewPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/news/:id") view=StaffNewsPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/news/:id/edit") view=StaffNewsEditPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
