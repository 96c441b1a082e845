//! The second step of sign-in: the code from the authenticator app, or a recovery code.

use crate::features::onboarding::register_page::PublicTop;
use crate::features::security::api::VerifySecondFactor;
use crate::i18n::use_texts;
use crate::platform::ui::errors::{last_error, FormError};
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<VerifySecondFactor>::new();
    let error = last_error(action.value());
    let next = use_query_map().get_untracked().get("next").unwrap_or_default();
    view! {
        <Title text=t.session().second_step_title/>
        <PublicTop/>
        <main id="main" class="page narrow">
            <section class="panel">
                <h1>{t.session().second_step_title}</h1>
                <p>{t.session().second_step_intro}</p>
                <ActionForm action attr:class="stack">
                    <input type="hidden" name="next" value=next/>
                    <label for="code">{t.session().totp_code}</label>
                    <input id="code" name="code" type="text" autocomplete="one-time-code" inputmode="text" required
                        maxlength="24" spellcheck="false" autocapitalize="characters"/>
                    <FormError error/>
                    <button type="submit" class="primary">{t.session().confirm}</button>
                </ActionForm>
                <p><a href="/signin">{t.back_to_sign_in}</a></p>
            </section>
        </main>
    }
}
