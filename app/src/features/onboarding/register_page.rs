//! "Registration / change password" (Регистрация пациента, смена пароля): step 1 asks who you
//! are and e-mails a code; step 2 takes the code and the new password. Also the demo mailbox.

use crate::features::onboarding::api::{demo_mailbox, RequestCode, SetPasswordWithCode};
use crate::i18n::{clinic_offset, use_lang, use_texts};
use crate::kernel::time_fmt::format_datetime;
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::lang_switch::LangSwitch;
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The header of pages for people who are not signed in.
#[component]
pub fn PublicTop() -> impl IntoView {
    let t = use_texts();
    view! {
        <header class="top top-public">
            <a class="brand" href="/signin">{t.cabinet}</a>
            <div class="top-actions"><LangSwitch/></div>
        </header>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<RequestCode>::new();
    let error = last_error(action.value());
    view! {
        <Title text=t.register_title/>
        <PublicTop/>
        <main id="main" class="page narrow">
            <section class="panel">
                <h1>{t.register_title}</h1>
                <p>{t.onboarding().register_intro}</p>
                <ActionForm action attr:class="stack">
                    <label for="email">{t.email}</label>
                    <input id="email" name="email" type="email" autocomplete="email" required inputmode="email" aria-describedby="email-error"/>
                    <FieldError error field="email"/>
                    <label for="surname">{t.surname}</label>
                    <input id="surname" name="surname" type="text" autocomplete="family-name" required maxlength="100" aria-describedby="surname-error"/>
                    <FieldError error field="surname"/>
                    <label for="name">{t.first_name}</label>
                    <input id="name" name="name" type="text" autocomplete="given-name" required maxlength="100" aria-describedby="name-error"/>
                    <FieldError error field="name"/>
                    <label for="birth_date">{t.birth_date}</label>
                    <input id="birth_date" name="birth_date" type="date" autocomplete="bday" required aria-describedby="birth_date-error"/>
                    <FieldError error field="birth_date"/>
                    <FormError error/>
                    <button type="submit" class="primary">{t.onboarding().send_code}</button>
                </ActionForm>
                <p><a href="/signin">{t.back_to_sign_in}</a></p>
            </section>
        </main>
    }
}

#[component]
pub fn RegisterCodePage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<SetPasswordWithCode>::new();
    let error = last_error(action.value());
    let query = use_query_map().get_untracked();
    let email = query.get("email").unwrap_or_default();
    let code = query.get("code").unwrap_or_default();
    view! {
        <Title text=t.onboarding().code_step_title/>
        <PublicTop/>
        <main id="main" class="page narrow">
            <section class="panel">
                <h1>{t.onboarding().code_step_title}</h1>
                <p>{t.onboarding().code_sent_text}</p>
                <ActionForm action attr:class="stack">
                    <label for="email">{t.email}</label>
                    <input id="email" name="email" type="email" autocomplete="username" required value=email/>
                    <label for="code">{t.onboarding().verification_code}</label>
                    <input id="code" name="code" type="text" autocomplete="one-time-code" required maxlength="20"
                        autocapitalize="characters" spellcheck="false" value=code aria-describedby="code-error"/>
                    <FieldError error field="code"/>
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
                    <button type="submit" class="primary">{t.onboarding().set_password}</button>
                </ActionForm>
                <p><a href="/register">{t.onboarding().request_new_code}</a></p>
            </section>
        </main>
    }
}

/// Demo mode only: the mail the portal sent, so that registration works without a mail server.
#[component]
pub fn DemoMailboxPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let mails = Resource::new(|| (), |_| demo_mailbox());
    view! {
        <Title text=t.demo_mailbox/>
        <PublicTop/>
        <main id="main" class="page">
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match mails.await {
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                        Ok(mails) => {
                            let offset = clinic_offset();
                            view! {
                                <h1>{t.demo_mailbox}</h1>
                                <p>{t.onboarding().demo_mailbox_intro}</p>
                                {mails.is_empty().then(|| view! { <p class="empty">{t.onboarding().demo_mailbox_empty}</p> })}
                                <ul class="mailbox">
                                    {mails.into_iter().map(|m| view! {
                                        <li class="panel mail" data-testid="mail">
                                            <h2>{m.subject}</h2>
                                            <p class="meta">
                                                {t.onboarding().mail_to}": "<span class="recipient">{m.recipient}</span>
                                                " · "{format_datetime(m.created_at, offset, lang)}
                                                " · "{if m.sent { t.onboarding().mail_sent } else { t.onboarding().mail_queued }}
                                            </p>
                                            <pre class="mail-body">{linkify(&m.body)}</pre>
                                        </li>
                                    }).collect_view()}
                                </ul>
                                <p><a href="/signin">{t.back_to_sign_in}</a></p>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The body's lines, with lines that are links made clickable.
fn linkify(body: &str) -> impl IntoView {
    body.lines()
        .map(|line| {
            let line = line.to_string();
            if line.starts_with("http://") || line.starts_with("https://") {
                let href = line.clone();
                view! { <a href=href>{line}</a>"\n" }.into_any()
            } else {
                view! { {line}"\n" }.into_any()
            }
        })
        .collect_view()
}
