//! The front desk in the staff area: find a card, create one, and on the card's page record
//! consents and refusals and send the invitation.

use crate::features::cards::api::{
    card_search, get_card, CardCreate, IssueAttachCode, RecordConsents, SendInvitation, SetRefusals,
};
use crate::features::cards::rules::{CardDetail, CardSummary};
use crate::features::onboarding::rules::ConsentKind;
use crate::i18n::{clinic_offset, use_lang, use_texts, Texts};
use crate::kernel::account::Roles;
use crate::kernel::error::AppError;
use crate::kernel::time_fmt::{format_date, format_datetime};
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::staff::RequireStaff;
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn consent_label(t: &Texts, k: ConsentKind) -> &'static str {
    match k {
        ConsentKind::Telemedicine => t.consent_telemedicine,
        ConsentKind::EmailResults => t.consent_email_results,
        ConsentKind::PdProcessing => t.consent_pd,
    }
}

/// The card search: the start of the name and the date of birth, as a plain GET form to
/// `action`, so the results have an address and work without JavaScript.
#[component]
pub(crate) fn CardSearchForm(action: &'static str, q: String, birth: String) -> impl IntoView {
    let t = use_texts();
    view! {
        <form method="get" action=action class="stack search-form" role="search">
            <label for="q">{t.cards().search_by_name}</label>
            <input id="q" name="q" type="search" value=q/>
            <label for="birth_date">{t.birth_date}</label>
            <input id="birth_date" name="birth_date" type="date" value=birth/>
            <button type="submit">{t.find}</button>
        </form>
    }
}

/// Whether the staff typed anything to search by.
pub(crate) fn searched(q: &str, birth: &str) -> bool {
    !q.trim().is_empty() || !birth.is_empty()
}

/// What a card search found, each card linking to `link(card id)`; with `badges`, each line also
/// says whether the card's consents are complete and whether it has an account. "Nothing
/// found" only after a search.
#[component]
pub(crate) fn CardResults(
    results: Resource<Result<Vec<CardSummary>, AppError>>,
    searched: bool,
    link: fn(i64) -> String,
    badges: bool,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match results.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(cards) if cards.is_empty() => {
                        searched.then(|| view! { <p class="empty">{t.no_cards_found}</p> }).into_any()
                    }
                    Ok(cards) => view! {
                        <ul class="admin-list cards">
                            {cards.into_iter().map(|c| view! {
                                <li>
                                    <a href=link(c.id)>{c.full_name}</a>
                                    <span class="meta">{format_date(c.birth_date, lang)}</span>
                                    {badges.then(|| view! {
                                        {if c.consents_complete {
                                            view! { <span class="badge status-published">{t.cards().consents_ok}</span> }.into_any()
                                        } else {
                                            view! { <span class="badge status-withdrawn">{t.cards().consents_missing_badge}</span> }.into_any()
                                        }}
                                        {c.has_account.then(|| view! { <span class="badge">{t.cards().has_account}</span> })}
                                    })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Search by the start of the name (and the date of birth).
#[component]
pub fn StaffCardsPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let birth = move || query.read().get("birth_date").unwrap_or_default();
    let results = Resource::new(move || (q(), birth()), |(q, b)| card_search(q, Some(b)));
    view! {
        <Title text=t.nav_cards/>
        <RequireStaff allowed=Roles::can_manage_cards view=move |_| view! {
            <h1>{t.nav_cards}</h1>
            <p><a class="button primary" href="/staff/cards/new">{t.cards().new_card}</a></p>
            <CardSearchForm action="/staff/cards" q=q() birth=birth()/>
            <CardResults results searched=searched(&q(), &birth()) link=|id| format!("/staff/cards/{id}") badges=true/>
        }/>
    }
}

#[component]
pub fn StaffCardNewPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<CardCreate>::new();
    let error = last_error(action.value());
    view! {
        <Title text=t.cards().new_card/>
        <RequireStaff allowed=Roles::can_manage_cards view=move |_| view! {
            <p><a href="/staff/cards">{t.nav_cards}</a></p>
            <h1>{t.cards().new_card}</h1>
            <ActionForm action attr:class="stack">
                <label for="surname">{t.surname}</label>
                <input id="surname" name="surname" type="text" required maxlength="100" aria-describedby="surname-error"/>
                <FieldError error field="surname"/>
                <label for="name">{t.first_name}</label>
                <input id="name" name="name" type="text" required maxlength="100" aria-describedby="name-error"/>
                <FieldError error field="name"/>
                <label for="patronymic">{t.patronymic}</label>
                <input id="patronymic" name="patronymic" type="text" maxlength="100"/>
                <FieldError error field="patronymic"/>
                <label for="birth_date">{t.birth_date}</label>
                <input id="birth_date" name="birth_date" type="date" required aria-describedby="birth_date-error"/>
                <FieldError error field="birth_date"/>
                <fieldset>
                    <legend>{t.cards().sex}</legend>
                    <label class="check"><input type="radio" name="sex" value="female" required/>{t.cards().sex_female}</label>
                    <label class="check"><input type="radio" name="sex" value="male"/>{t.cards().sex_male}</label>
                </fieldset>
                <FieldError error field="sex"/>
                <label for="phone">{t.phone}</label>
                <input id="phone" name="phone" type="tel" inputmode="tel" aria-describedby="phone-error"/>
                <FieldError error field="phone"/>
                <label for="email">{t.email}</label>
                <input id="email" name="email" type="email" inputmode="email" aria-describedby="email-error"/>
                <FieldError error field="email"/>
                <FormError error/>
                <button type="submit" class="primary">{t.cards().create_card}</button>
            </ActionForm>
        }/>
    }
}

#[component]
pub fn StaffCardPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let consents = ServerAction::<RecordConsents>::new();
    let refusals = ServerAction::<SetRefusals>::new();
    let invite = ServerAction::<SendInvitation>::new();
    let attach = ServerAction::<IssueAttachCode>::new();
    let card = Resource::new(
        move || {
            (
                id.get(),
                consents.version().get(),
                refusals.version().get(),
                invite.version().get(),
                attach.version().get(),
            )
        },
        |(id, ..)| get_card(id),
    );
    view! {
        <Title text=t.nav_cards/>
        <p><a href="/staff/cards">{t.nav_cards}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match card.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(c) => view! { <CardView card=c consents refusals invite attach/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CardView(
    card: CardDetail,
    consents: ServerAction<RecordConsents>,
    refusals: ServerAction<SetRefusals>,
    invite: ServerAction<SendInvitation>,
    attach: ServerAction<IssueAttachCode>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let offset = clinic_offset();
    let consents_error = last_error(consents.value());
    let refusals_error = last_error(refusals.value());
    let invite_error = last_error(invite.value());
    let attach_error = last_error(attach.value());
    let attach_sent = use_query_map()
        .get_untracked()
        .get("attach_sent")
        .or_else(|| attach.value().get_untracked().and_then(Result::ok));
    let invited_now = use_query_map().get_untracked().get("invited").is_some()
        || matches!(invite.value().get_untracked(), Some(Ok(())));
    let id = card.id.to_string();
    let (consents_id, refusals_id, invite_id, attach_id) = (id.clone(), id.clone(), id.clone(), id);
    let signed: Vec<(ConsentKind, bool)> =
        ConsentKind::ALL.into_iter().map(|k| (k, card.consent(k).is_some())).collect();
    let refused = card.refusals;
    let results_email = card
        .consent(ConsentKind::EmailResults)
        .and_then(|c| c.email.clone())
        .or(card.email.clone())
        .unwrap_or_default();
    let can_invite = card.consents_complete && card.email.is_some();
    view! {
        <h1>{card.full_name.clone()}</h1>
        <p class="meta" data-testid="card-number">{(t.card_number)(card.id)}</p>
        <dl class="facts">
            <dt>{t.birth_date}</dt><dd>{format_date(card.birth_date, lang)}</dd>
            <dt>{t.phone}</dt><dd>{card.phone.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>{t.email}</dt><dd>{card.email.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>{t.cards().account_label}</dt><dd>{card.account_email.clone().unwrap_or_else(|| t.cards().no_account.into())}</dd>
        </dl>

        <section class="panel" aria-labelledby="consents-heading">
            <h2 id="consents-heading">{t.consents_title}</h2>
            <ul class="consents" data-testid="consents">
                {ConsentKind::ALL.into_iter().map(|k| {
                    let state = match card.consent(k) {
                        Some(c) => format!("{} ({} {})", format_date(c.signed_on, lang), t.cards().text_version, c.text_version),
                        None => t.consent_not_signed.to_string(),
                    };
                    view! { <li>{consent_label(t, k)}": "<span>{state}</span></li> }
                }).collect_view()}
            </ul>
            <ActionForm action=consents attr:class="stack">
                <input type="hidden" name="id" value=consents_id.clone()/>
                {signed.clone().into_iter().map(|(k, signed)| {
                    view! {
                        <label class="check">
                            <input type="checkbox" name=k.as_str() value="on" checked=signed/>
                            {consent_label(t, k)}
                        </label>
                    }
                }).collect_view()}
                <FieldError error=consents_error field="consents"/>
                <label for="results_email">{t.cards().results_email}</label>
                <input id="results_email" name="results_email" type="email" value=results_email aria-describedby="results_email-error"/>
                <FieldError error=consents_error field="results_email"/>
                <label for="signed_on">{t.cards().signed_on}</label>
                <input id="signed_on" name="signed_on" type="date" required value=card.clinic_today.to_string() aria-describedby="signed_on-error"/>
                <FieldError error=consents_error field="signed_on"/>
                <FormError error=consents_error/>
                <button type="submit" class="primary">{t.cards().record_consents}</button>
            </ActionForm>
        </section>

        <section class="panel" aria-labelledby="refusals-heading">
            <h2 id="refusals-heading">{t.cards().refusals_title}</h2>
            <ActionForm action=refusals attr:class="stack">
                <input type="hidden" name="id" value=refusals_id.clone()/>
                <label class="check"><input type="checkbox" name="pd_processing" value="on" checked=refused.pd_processing/>{t.cards().refusal_pd}</label>
                <label class="check"><input type="checkbox" name="notifications" value="on" checked=refused.notifications/>{t.refusal_notifications}</label>
                <label class="check"><input type="checkbox" name="advertising" value="on" checked=refused.advertising/>{t.refusal_advertising}</label>
                <FormError error=refusals_error/>
                <button type="submit">{t.save_refusals}</button>
            </ActionForm>
        </section>

        <section class="panel" aria-labelledby="invite-heading">
            <h2 id="invite-heading">{t.cards().invitation_title}</h2>
            {card.invited_at.map(|at| view! { <p>{t.cards().invited_on}": "{format_datetime(at, offset, lang)}</p> })}
            {invited_now.then(|| view! { <p class="notice" role="status">{t.cards().invitation_queued}</p> })}
            {(!can_invite).then(|| view! { <p class="hint">{t.cards().invite_needs}</p> })}
            <ActionForm action=invite>
                <input type="hidden" name="id" value=invite_id.clone()/>
                <FormError error=invite_error/>
                <button type="submit" class="primary" disabled=!can_invite>{t.cards().send_invitation}</button>
            </ActionForm>
        </section>

        <section class="panel" id="attach" aria-labelledby="attach-heading">
            <h2 id="attach-heading">{t.cards().attach_title}</h2>
            <p class="hint">{t.cards().attach_intro}</p>
            {attach_sent.map(|to| view! { <p class="notice" role="status">{(t.cards().attach_sent)(&to)}</p> })}
            <ActionForm action=attach attr:class="stack">
                <input type="hidden" name="id" value=attach_id.clone()/>
                <label class="check"><input type="radio" name="recipient" value="patient" checked=true/>{t.cards().attach_for_patient}</label>
                <label class="check"><input type="radio" name="recipient" value="guardian"/>{t.cards().attach_for_guardian}</label>
                <label for="guardian_card">{t.cards().guardian_card_no}</label>
                <input id="guardian_card" name="guardian_card" type="text" inputmode="numeric" aria-describedby="guardian_card-error"/>
                <FieldError error=attach_error field="guardian_card"/>
                <FormError error=attach_error/>
                <button type="submit">{t.issue_attach_code}</button>
            </ActionForm>
        </section>
    }
}
