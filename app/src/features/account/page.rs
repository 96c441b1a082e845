//! The Account page (Учётная запись): contacts, consents and refusals, password, second factor,
//! sessions, and the card's access journal.

use crate::features::account::rules::{AccountPage, JournalView};
use crate::features::onboarding::rules::ConsentKind;
use crate::features::security::api::{
    get_account_page, AttachCard, ChangeEmail, ChangePassword, EndAllSessions, EndSession, RecoveryCodesSeen,
    SetMyRefusals, SetStaffTotp, TotpConfirm, TotpStart, TotpTurnOff,
};
use crate::i18n::{clinic_offset, use_lang, use_texts, Texts};
use crate::kernel::time_fmt::{format_date, format_datetime};
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::journal_words::{action_label, role_label};
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn consent_label(t: &Texts, k: ConsentKind) -> &'static str {
    match k {
        ConsentKind::Telemedicine => t.consent_telemedicine,
        ConsentKind::EmailResults => t.consent_email_results,
        ConsentKind::PdProcessing => t.consent_pd,
    }
}

/// The actions, made once at the page's top so that a submission refreshes the data.
#[derive(Clone, Copy)]
struct Actions {
    totp_start: ServerAction<TotpStart>,
    totp_confirm: ServerAction<TotpConfirm>,
    totp_off: ServerAction<TotpTurnOff>,
    codes_seen: ServerAction<RecoveryCodesSeen>,
    password: ServerAction<ChangePassword>,
    end_session: ServerAction<EndSession>,
    end_all: ServerAction<EndAllSessions>,
    refusals: ServerAction<SetMyRefusals>,
    staff_totp: ServerAction<SetStaffTotp>,
    attach: ServerAction<AttachCard>,
    email: ServerAction<ChangeEmail>,
}

impl Actions {
    fn new() -> Self {
        Self {
            totp_start: ServerAction::new(),
            totp_confirm: ServerAction::new(),
            totp_off: ServerAction::new(),
            codes_seen: ServerAction::new(),
            password: ServerAction::new(),
            end_session: ServerAction::new(),
            end_all: ServerAction::new(),
            refusals: ServerAction::new(),
            staff_totp: ServerAction::new(),
            attach: ServerAction::new(),
            email: ServerAction::new(),
        }
    }
    fn version(&self) -> usize {
        self.totp_start.version().get()
            + self.totp_confirm.version().get()
            + self.totp_off.version().get()
            + self.codes_seen.version().get()
            + self.password.version().get()
            + self.end_session.version().get()
            + self.refusals.version().get()
            + self.staff_totp.version().get()
            + self.attach.version().get()
            + self.email.version().get()
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let t = use_texts();
    let actions = Actions::new();
    let page = Resource::new(move || actions.version(), |_| get_account_page());
    view! {
        <Title text=t.nav_account/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(p) => view! { <AccountView page=p actions/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountView(page: AccountPage, actions: Actions) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let offset = clinic_offset();
    let changed = use_query_map().get_untracked().get("changed");
    let password_changed =
        changed.as_deref() == Some("password") || matches!(actions.password.value().get_untracked(), Some(Ok(())));
    let refusals_saved =
        changed.as_deref() == Some("refusals") || matches!(actions.refusals.value().get_untracked(), Some(Ok(())));
    let password_error = last_error(actions.password.value());
    let confirm_error = last_error(actions.totp_confirm.value());
    let off_error = last_error(actions.totp_off.value());
    let attach_error = last_error(actions.attach.value());
    let email_error = last_error(actions.email.value());
    let email_changed =
        changed.as_deref() == Some("email") || matches!(actions.email.value().get_untracked(), Some(Ok(())));
    let attached =
        changed.as_deref() == Some("attached") || matches!(actions.attach.value().get_untracked(), Some(Ok(())));
    let AccountPage {
        login_email,
        card,
        consents,
        refusals,
        totp_enabled,
        recovery_codes_left,
        enrolment,
        fresh_recovery_codes,
        sessions,
        journal,
        is_staff,
        staff_totp_required,
        can_change_staff_totp,
    } = page;
    // A card's refusals are shown with what was sent to it.
    let has_card = refusals.is_some();
    view! {
        <h1>{t.nav_account}</h1>

        <section class="panel" id="contacts" aria-labelledby="contacts-heading">
            <h2 id="contacts-heading">{t.account().contacts_title}</h2>
            <dl class="facts">
                <dt>{t.account().login_email}</dt><dd>{login_email}</dd>
                {card.map(|c| view! {
                    <dt>{t.profile}</dt><dd>{c.full_name}</dd>
                    <dt>{t.phone}</dt><dd>{c.phone.unwrap_or_else(|| "—".into())}</dd>
                    <dt>{t.email}</dt><dd>{c.email.unwrap_or_else(|| "—".into())}</dd>
                })}
            </dl>
            {email_changed.then(|| view! { <p class="notice" role="status">{t.account().email_changed}</p> })}
            <ActionForm action=actions.email attr:class="stack">
                <label for="new-email">{t.account().new_email}</label>
                <input id="new-email" name="new_email" type="email" inputmode="email" autocomplete="email" required aria-describedby="new-email-error"/>
                <FieldError error=email_error field="new_email"/>
                <label for="email-password">{t.account().current_password}</label>
                <input id="email-password" name="current_password" type="password" autocomplete="current-password" required/>
                <FieldError error=email_error field="current_password"/>
                <FormError error=email_error/>
                <button type="submit">{t.account().change_email}</button>
            </ActionForm>
        </section>

        {(!consents.is_empty() || refusals.is_some()).then(|| view! {
            <section class="panel" id="notifications" aria-labelledby="consents-heading">
                <h2 id="consents-heading">{t.consents_title}</h2>
                <ul class="consents">
                    {ConsentKind::ALL.into_iter().map(|k| {
                        let state = match consents.iter().find(|c| c.kind == k) {
                            Some(c) => format_date(c.signed_on, lang),
                            None => t.consent_not_signed.to_string(),
                        };
                        view! { <li>{consent_label(t, k)}": "{state}</li> }
                    }).collect_view()}
                </ul>
                {refusals.map(|r| view! {
                    <h3>{t.account().notifications_title}</h3>
                    <p class="hint">{t.account().my_refusals_hint}</p>
                    <ActionForm action=actions.refusals attr:class="stack">
                        <label class="check"><input type="checkbox" name="notifications" value="on" checked=r.notifications/>{t.refusal_notifications}</label>
                        <label class="check"><input type="checkbox" name="advertising" value="on" checked=r.advertising/>{t.refusal_advertising}</label>
                        <button type="submit">{t.save_refusals}</button>
                    </ActionForm>
                    {refusals_saved.then(|| view! { <p class="notice" role="status">{t.saved}</p> })}
                })}
            </section>
        })}
        {has_card.then(|| view! { <crate::features::notifications::pages::SentToMeSection/> })}

        <section class="panel" id="attach" aria-labelledby="attach-heading">
            <h2 id="attach-heading">{t.account().attach_card_title}</h2>
            <p class="hint">{t.account().attach_card_intro}</p>
            {attached.then(|| view! { <p class="notice" role="status">{t.account().attached}</p> })}
            <ActionForm action=actions.attach attr:class="stack">
                <label for="attach-code">{t.account().attach_code_label}</label>
                <input id="attach-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="15"/>
                <FormError error=attach_error/>
                <button type="submit">{t.account().attach_button}</button>
            </ActionForm>
        </section>

        <section class="panel" id="password" aria-labelledby="password-heading">
            <h2 id="password-heading">{t.account().password_title}</h2>
            {password_changed.then(|| view! { <p class="notice" role="status">{t.account().password_changed}</p> })}
            <ActionForm action=actions.password attr:class="stack">
                <label for="pw-current">{t.account().current_password}</label>
                <input id="pw-current" name="current_password" type="password" autocomplete="current-password" required/>
                <FieldError error=password_error field="current_password"/>
                <label for="pw-new">{t.new_password}</label>
                <p class="hint" id="pw-hint">{t.password_hint}</p>
                <input id="pw-new" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="pw-hint"/>
                <FieldError error=password_error field="password"/>
                <label for="pw-again">{t.password_again}</label>
                <input id="pw-again" name="password_again" type="password" autocomplete="new-password" required/>
                <FieldError error=password_error field="password_again"/>
                <FormError error=password_error/>
                <button type="submit">{t.account().change_password}</button>
            </ActionForm>
        </section>

        <section class="panel" id="second-factor" aria-labelledby="totp-heading">
            <h2 id="totp-heading">{t.account().totp_title}</h2>
            {(!fresh_recovery_codes.is_empty()).then(|| view! {
                <div class="recovery" id="recovery-codes" role="status">
                    <h3>{t.account().recovery_title}</h3>
                    <p>{t.account().recovery_intro}</p>
                    <ol class="codes" data-testid="recovery-codes">
                        {fresh_recovery_codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                    </ol>
                    <ActionForm action=actions.codes_seen>
                        <button type="submit" class="primary">{t.account().recovery_saved}</button>
                    </ActionForm>
                </div>
            })}
            {if totp_enabled {
                view! {
                    <p data-testid="totp-status">{t.account().totp_on_text}" "{(t.account().recovery_left)(recovery_codes_left)}</p>
                    <ActionForm action=actions.totp_off attr:class="stack">
                        <label for="off-password">{t.account().current_password}</label>
                        <input id="off-password" name="current_password" type="password" autocomplete="current-password" required/>
                        <FieldError error=off_error field="current_password"/>
                        <FormError error=off_error/>
                        <button type="submit" class="danger">{t.account().disable_totp}</button>
                    </ActionForm>
                }.into_any()
            } else if let Some(e) = enrolment {
                view! {
                    <p>{t.account().totp_scan}</p>
                    <div class="qr" inner_html=e.qr_svg></div>
                    <p>{t.account().totp_key}": "<code data-testid="totp-key">{e.key}</code></p>
                    <ActionForm action=actions.totp_confirm attr:class="stack">
                        <label for="totp-code">{t.account().totp_first_code}</label>
                        <input id="totp-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="7"/>
                        <FieldError error=confirm_error field="code"/>
                        <label for="totp-password">{t.account().current_password}</label>
                        <input id="totp-password" name="current_password" type="password" autocomplete="current-password" required/>
                        <FieldError error=confirm_error field="current_password"/>
                        <FormError error=confirm_error/>
                        <button type="submit" class="primary">{t.account().confirm_totp}</button>
                    </ActionForm>
                }.into_any()
            } else {
                view! {
                    <p data-testid="totp-status">{t.account().totp_off_text}</p>
                    {(is_staff && staff_totp_required).then(|| view! { <p class="form-error">{t.err_second_factor_required}</p> })}
                    <ActionForm action=actions.totp_start>
                        <button type="submit" class="primary">{t.account().enable_totp}</button>
                    </ActionForm>
                }.into_any()
            }}
            {can_change_staff_totp.then(|| view! {
                <ActionForm action=actions.staff_totp attr:class="stack staff-totp">
                    <label class="check"><input type="checkbox" name="required" value="on" checked=staff_totp_required/>{t.account().staff_totp_setting}</label>
                    <p class="hint">{t.account().staff_totp_demo_only}</p>
                    <button type="submit">{t.save_setting}</button>
                </ActionForm>
            })}
        </section>

        <section class="panel" id="sessions" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">{t.account().sessions_title}</h2>
            <ul class="admin-list sessions" data-testid="sessions">
                {sessions.into_iter().map(|s| view! {
                    <li>
                        <span class="session-where">{s.user_agent.clone()}" · "{s.origin.clone()}
                            {s.current.then(|| view! { " · "<strong>{t.account().this_session}</strong> })}</span>
                        <span class="meta">{t.account().session_started}" "{format_datetime(s.created_at, offset, lang)}
                            " · "{t.account().session_seen}" "{format_datetime(s.last_seen_at, offset, lang)}</span>
                        <ActionForm action=actions.end_session>
                            <input type="hidden" name="id" value=s.id.to_string()/>
                            <button type="submit">{t.account().end_session}</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            <ActionForm action=actions.end_all>
                <button type="submit" class="danger">{t.account().end_all_sessions}</button>
            </ActionForm>
        </section>

        <section class="panel" id="journal" aria-labelledby="journal-heading">
            <h2 id="journal-heading">{t.account().journal_title}</h2>
            {if journal.is_empty() {
                view! { <p class="empty">{t.account().journal_empty}</p> }.into_any()
            } else {
                view! { <Journal lines=journal/> }.into_any()
            }}
        </section>
    }
}

#[component]
fn Journal(lines: Vec<JournalView>) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let offset = clinic_offset();
    view! {
        <table class="journal">
            <thead><tr><th scope="col">{t.journal_when}</th><th scope="col">{t.journal_who}</th><th scope="col">{t.journal_what}</th></tr></thead>
            <tbody>
                {lines.into_iter().map(|l| {
                    let who = match &l.staff_name {
                        Some(name) => format!("{} ({})", name, role_label(t, l.actor_role)),
                        None => role_label(t, l.actor_role).to_string(),
                    };
                    view! {
                        <tr>
                            <td>{format_datetime(l.at, offset, lang)}</td>
                            <td>{who}</td>
                            <td>{action_label(t, &l.action)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
