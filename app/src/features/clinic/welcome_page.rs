//! The welcome page: an invited staff member (the head made on the command line, later those
//! the head invites) sets a password with the one-time link's token.

use crate::features::clinic::api::{staff_invitation, AcceptStaffInvite};
use crate::features::onboarding::register_page::PublicTop;
use crate::i18n::use_texts;
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn WelcomePage() -> impl IntoView {
    let t = use_texts();
    let token = use_query_map().get_untracked().get("token").unwrap_or_default();
    let invitation = Resource::new(move || token.clone(), staff_invitation);
    view! {
        <Title text=t.clinic().welcome_title/>
        <PublicTop/>
        <main id="main" class="page narrow">
            <section class="panel">
                <h1>{t.clinic().welcome_title}</h1>
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match invitation.await {
                            Err(e) => view! {
                                <ErrorPanel error=e/>
                                <p><a href="/signin">{t.back_to_sign_in}</a></p>
                            }.into_any(),
                            Ok(i) => view! { <WelcomeForm invitation=i/> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn WelcomeForm(invitation: super::api::Invitation) -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<AcceptStaffInvite>::new();
    let error = last_error(action.value());
    let token = use_query_map().get_untracked().get("token").unwrap_or_default();
    view! {
        <p>{(t.clinic().welcome_intro)(&invitation.name, &invitation.email)}</p>
        <p class="hint">{t.clinic().welcome_next}</p>
        <ActionForm action attr:class="stack">
            <input type="hidden" name="token" value=token/>
            // For the browser's password manager: the account this password is for.
            <input type="hidden" autocomplete="username" value=invitation.email/>
            <label for="password">{t.new_password}</label>
            <p class="hint" id="password-hint">{t.password_hint}</p>
            <input id="password" name="password" type="password" autocomplete="new-password" required minlength="8"
                maxlength="128" aria-describedby="password-hint password-error"/>
            <FieldError error field="password"/>
            <label for="password_again">{t.password_again}</label>
            <input id="password_again" name="password_again" type="password" autocomplete="new-password" required
                aria-describedby="password_again-error"/>
            <FieldError error field="password_again"/>
            <FormError error/>
            <button type="submit" class="primary">{t.clinic().set_password}</button>
        </ActionForm>
    }
}
