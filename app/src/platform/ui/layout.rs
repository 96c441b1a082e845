//! The signed-in frame: header with the person's name, the profile switcher, the language
//! switch and sign-out; the navigation; and the page. Signed-out visitors are sent to sign in
//! (the server does so for every page load). The profile switcher is an island; the rest is
//! rendered on the server.

use crate::features::session::api::{current_user, SignOut, SwitchProfile};
use crate::i18n::use_texts;
use crate::kernel::account::Me;
use crate::kernel::tabs::CabinetTab;
use crate::platform::ui::errors::{ErrorPanel, Loading};
use crate::platform::ui::lang_switch::LangSwitch;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use serde::{Deserialize, Serialize};

#[component]
pub fn CabinetLayout() -> impl IntoView {
    let t = use_texts();
    let sign_out = ServerAction::<SignOut>::new();
    let me_res = Resource::new(|| (), |_| current_user());
    // The page (Outlet) stays outside this Suspense: pages load their own data, and a resource
    // created behind another resource's Suspend can leave a server response pending forever
    // (leptos-rs/leptos#4866).
    view! {
        <a class="skip" href="#main">{t.skip_to_content}</a>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match me_res.await {
                    Ok(Some(me)) => view! {
                        <Header me=me.clone() sign_out/>
                        <Nav me/>
                    }.into_any(),
                    Ok(None) => view! { <Redirect path="/signin"/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <main id="main" class="page">
            <Outlet/>
        </main>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                me_res.await.ok().flatten().and_then(|me| me.clinic).map(|c| view! { <ClinicFooter c/> })
            })}
        </Suspense>
    }
}

/// The clinic's name, address and phone (a link that dials) at the foot of every page.
#[component]
fn ClinicFooter(c: crate::kernel::account::ClinicCard) -> impl IntoView {
    let tel: String = c.phone.chars().filter(|ch| ch.is_ascii_digit() || *ch == '+').collect();
    view! {
        <footer class="clinic-card">
            <strong>{c.name}</strong>
            {(!c.address.is_empty()).then(|| view! { <span>{c.address}</span> })}
            {(!c.phone.is_empty()).then(|| view! { <a href=format!("tel:{tel}")>{c.phone}</a> })}
        </footer>
    }
}

#[component]
fn Header(me: Me, sign_out: ServerAction<SignOut>) -> impl IntoView {
    let t = use_texts();
    let active = me.active_profile().cloned();
    let is_staff = me.roles.is_staff();
    let several = me.profiles.len() > 1;
    let profiles = me.profiles.clone();
    view! {
        <header class="top">
            <a class="brand" href="/">{t.cabinet}</a>
            <div class="who">
                <span class="visually-hidden">{t.signed_in_as}" "</span>
                <strong class="who-name" data-testid="who">{me.display_name.clone()}</strong>
                {is_staff.then(|| view! { <span class="who-kind">{t.staff_account}</span> })}
                {(!several).then(|| active.clone().filter(|a| a.is_ward).map(|a| view! { <span>{a.name}</span> }))}
            </div>
            {several.then(|| {
                let choices = profiles.into_iter().map(|p| {
                    let label = if p.is_ward {
                        format!("{} ({})", p.name, t.ward)
                    } else {
                        format!("{} ({})", p.name, t.own_profile)
                    };
                    ProfileChoice { card_id: p.card_id, label, selected: Some(p.card_id) == me.active_card_id }
                }).collect();
                view! { <ProfileSwitch choices label=t.profile.to_string() button=t.switch_profile.to_string()/> }
            })}
            <div class="top-actions">
                <LangSwitch/>
                <ActionForm action=sign_out attr:class="sign-out">
                    <button type="submit" class="link-button">{t.sign_out}</button>
                </ActionForm>
            </div>
        </header>
    }
}

#[component]
fn Nav(me: Me) -> impl IntoView {
    let t = use_texts();
    let shown = |tab: CabinetTab| !me.hidden_tabs.hides(tab);
    let has_card = !me.profiles.is_empty();
    view! {
        <nav class="tabs" aria-label=t.main_nav>
            {(has_card && shown(CabinetTab::Record)).then(|| view! { <A href="/record">{t.nav_record}</A> })}
            {(has_card && shown(CabinetTab::Booking)).then(|| view! {
                <A href="/booking">{t.nav_booking}</A>
                <A href="/appointments">{t.nav_appointments}</A>
            })}
            {has_card.then(|| view! {
                <A href="/messages">
                    {t.nav_messages}
                    " "<span id="nav-unread" class="badge unread" hidden=me.unread_messages == 0>{me.unread_messages}</span>
                </A>
            })}
            {shown(CabinetTab::News).then(|| view! { <A href="/news">{t.nav_news}</A> })}
            {shown(CabinetTab::Prices).then(|| view! { <A href="/prices">{t.nav_prices}</A> })}
            <A href="/account">{t.nav_account}</A>
            {me.roles.is_staff().then(|| view! { <A href="/staff">{t.nav_staff}</A> })}
        </nav>
    }
}

/// One profile the switcher offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileChoice {
    card_id: i64,
    label: String,
    selected: bool,
}

/// The profile switcher: a plain form posting to the `switch_profile` server function (the
/// server sends the reader back to the page). In the browser it calls the server function in
/// the background and then reloads the page, which the server renders for the new profile; if
/// the call fails, the form posts as without JavaScript, and the page shows the server's answer.
#[island]
pub fn ProfileSwitch(choices: Vec<ProfileChoice>, label: String, button: String) -> impl IntoView {
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        if let Some(form) = form_ref.get() {
            ev.prevent_default();
            browser::switch(form);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&ev, form_ref);
    };
    let action = <SwitchProfile as leptos::server_fn::ServerFn>::url();
    view! {
        <form method="post" action=action class="profile-switch" node_ref=form_ref on:submit=on_submit>
            <label for="profile-select">{label}</label>
            <select id="profile-select" name="card_id">
                {choices.into_iter().map(|p| view! {
                    <option value=p.card_id.to_string() selected=p.selected>{p.label}</option>
                }).collect_view()}
            </select>
            <button type="submit">{button}</button>
        </form>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    /// Posts the form's fields as the server function's URL-encoded arguments by
    /// XMLHttpRequest (the server function's own client would add its codecs and the error
    /// type's decoder to the WASM, for a call whose answer is only "done" or "not").
    pub fn switch(form: web_sys::HtmlFormElement) {
        let post_plainly = {
            let form = form.clone();
            move || {
                let _ = form.submit();
            }
        };
        let body = web_sys::FormData::new_with_form(&form)
            .ok()
            .and_then(|d| web_sys::UrlSearchParams::new_with_str_sequence_sequence(&d).ok())
            .map(|p| String::from(p.to_string()));
        let Some(body) = body else { return post_plainly() };
        let Ok(xhr) = web_sys::XmlHttpRequest::new() else { return post_plainly() };
        let opened = xhr.open("POST", &form.action()).is_ok()
            && xhr.set_request_header("Content-Type", "application/x-www-form-urlencoded").is_ok()
            && xhr.set_request_header("Accept", "application/json").is_ok();
        if !opened {
            return post_plainly();
        }
        let answered = xhr.clone();
        let on_load = {
            let post_plainly = post_plainly.clone();
            Closure::<dyn FnMut()>::new(move || {
                if answered.status().unwrap_or(0) == 200 {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().reload();
                    }
                } else {
                    post_plainly();
                }
            })
        };
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        on_load.forget();
        let on_error = Closure::<dyn FnMut()>::new(post_plainly.clone());
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        if xhr.send_with_opt_str(Some(&body)).is_err() {
            post_plainly();
        }
    }
}
