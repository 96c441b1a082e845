//! The signed-in frame: header with the person's name, the profile switcher, the language
//! switch and sign-out; the navigation; and the page. Signed-out visitors are sent to sign in
//! (the server already does so for full page loads; this covers navigation in the browser).

use crate::api::account::{current_user, SignOut, SwitchProfile};
use crate::components::{
    errors::{ErrorPanel, Loading},
    lang_switch::LangSwitch,
};
use crate::domain::account::Me;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};

#[component]
pub fn CabinetLayout() -> impl IntoView {
    let t = use_texts();
    let sign_out = ServerAction::<SignOut>::new();
    let switch = ServerAction::<SwitchProfile>::new();
    let me_res = Resource::new(move || switch.version().get(), |_| current_user());
    // The page (Outlet) stays outside this Suspense: pages load their own data, and a resource
    // created behind another resource's Suspend can leave a server response pending forever
    // (leptos-rs/leptos#4866).
    view! {
        <a class="skip" href="#main">{t.skip_to_content}</a>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match me_res.await {
                    Ok(Some(me)) => view! {
                        <Header me=me.clone() sign_out switch/>
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
    }
}

#[component]
fn Header(me: Me, sign_out: ServerAction<SignOut>, switch: ServerAction<SwitchProfile>) -> impl IntoView {
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
            {several.then(|| view! {
                <ActionForm action=switch attr:class="profile-switch">
                    <label for="profile-select">{t.profile}</label>
                    <select id="profile-select" name="card_id">
                        {profiles.into_iter().map(|p| {
                            let selected = Some(p.card_id) == me.active_card_id;
                            let label = if p.is_ward {
                                format!("{} ({})", p.name, t.ward)
                            } else {
                                format!("{} ({})", p.name, t.own_profile)
                            };
                            view! { <option value=p.card_id.to_string() selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                    <button type="submit">{t.switch_profile}</button>
                </ActionForm>
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
    view! {
        <nav class="tabs" aria-label=t.main_nav>
            {(!me.profiles.is_empty()).then(|| view! {
                <A href="/record">{t.nav_record}</A>
                <A href="/booking">{t.nav_booking}</A>
                <A href="/appointments">{t.nav_appointments}</A>
            })}
            <A href="/news">{t.nav_news}</A>
            <A href="/prices">{t.nav_prices}</A>
            <A href="/account">{t.nav_account}</A>
            {me.roles.is_staff().then(|| view! { <A href="/staff">{t.nav_staff}</A> })}
        </nav>
    }
}
