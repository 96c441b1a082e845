//! The sign-in page.

use crate::features::onboarding::register_page::PublicTop;
use crate::features::session::api::{get_portal_info, SignIn};
use crate::i18n::use_texts;
use crate::platform::ui::errors::{last_error, FormError};
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<SignIn>::new();
    let next = use_query_map().get_untracked().get("next").unwrap_or_default();
    let error = last_error(action.value());
    let info = Resource::new(|| (), |_| get_portal_info());
    view! {
        <Title text=t.session().sign_in_title/>
        <PublicTop/>
        <main id="main" class="page narrow">
            <section class="panel">
                <h1>{t.session().sign_in_title}</h1>
                <ActionForm action attr:class="stack">
                    <input type="hidden" name="next" value=next/>
                    <label for="email">{t.email}</label>
                    <input id="email" name="email" type="email" autocomplete="username" required inputmode="email"/>
                    <label for="password">{t.session().password}</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required/>
                    <FormError error/>
                    <button type="submit" class="primary">{t.sign_in}</button>
                </ActionForm>
                <p><a href="/register">{t.register_title}</a></p>
            </section>
            <Suspense>
                {move || Suspend::new(async move {
                    info.await.ok().filter(|i| i.demo).map(|_| view! {
                        <aside class="panel demo" aria-labelledby="demo-title">
                            <h2 id="demo-title">{t.session().demo_title}</h2>
                            <ul>
                                {t.session().demo_accounts.iter().map(|(email, who)| view! {
                                    <li><code>{*email}</code>" — "{*who}</li>
                                }).collect_view()}
                            </ul>
                            <p>{t.session().demo_text}</p>
                            <p>{t.session().demo_register_hint}</p>
                            <p><a href="/demo/mail">{t.demo_mailbox}</a></p>
                        </aside>
                    })
                })}
            </Suspense>
        </main>
    }
}
