//! Broadcasts (editors and the head): the list, the form (title, Markdown text, informational
//! or advertising, the audience), and each broadcast's preview with how many it reaches, sent
//! now or at a set time.

use super::api::{broadcast_choices, broadcast_get, BroadcastSave, BroadcastSend};
use super::rules::Audience;
use crate::i18n::{clinic_offset, use_lang, use_texts, Texts};
use crate::kernel::account::Roles;
use crate::kernel::time_fmt::format_datetime;
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::staff::RequireStaff;
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn audience_text(t: &Texts, a: Audience, branches: &[(i64, String)], doctors: &[(i64, String)]) -> String {
    let m = t.messages();
    let name = |list: &[(i64, String)], id: i64| {
        list.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone()).unwrap_or_default()
    };
    match a {
        Audience::All => m.audience_all.into(),
        Audience::Branch(id) => format!("{}: {}", m.audience_branch, name(branches, id)),
        Audience::Doctor(id) => format!("{}: {}", m.audience_doctor, name(doctors, id)),
        Audience::Age { min, max } => format!("{}: {min}–{max}", m.audience_age),
    }
}

#[component]
pub fn BroadcastsPage() -> impl IntoView {
    let t = use_texts();
    let m = t.messages();
    view! {
        <Title text=m.broadcasts_title/>
        <RequireStaff allowed=Roles::can_manage_news view=move |_| view! { <BroadcastsBody/> }/>
    }
}

#[component]
fn BroadcastsBody() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let m = t.messages();
    let choices = Resource::new(|| (), |_| broadcast_choices());
    let save = ServerAction::<BroadcastSave>::new();
    let error = last_error(save.value());
    view! {
        <h1>{m.broadcasts_title}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match choices.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(c) => {
                        let offset = clinic_offset();
                        let (branches, doctors) = (c.branches.clone(), c.doctors.clone());
                        view! {
                            {if c.list.is_empty() {
                                view! { <p class="empty">{m.b_none}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="admin-list">
                                        {c.list.into_iter().map(|b| {
                                            let status = if b.sent { (m.b_sent)(b.recipients) } else if b.scheduled { m.b_scheduled.to_string() } else { m.b_draft.to_string() };
                                            view! {
                                                <li>
                                                    <a href=format!("/staff/broadcasts/{}", b.id)>{b.title}</a>
                                                    " "<span class="badge">{if b.advertising { m.b_ads } else { m.b_info }}</span>
                                                    " "<span class="meta">{audience_text(t, b.audience, &branches, &doctors)}" · "{status}" · "<time>{format_datetime(b.send_at, offset, lang)}</time></span>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <section class="panel">
                                <h2>{m.new_broadcast}</h2>
                                <ActionForm action=save attr:class="stack">
                                    <label for="b-title">{m.b_title}</label>
                                    <input id="b-title" name="title" type="text" required maxlength="200"/>
                                    <FieldError error field="title"/>
                                    <label for="b-body">{m.b_body}</label>
                                    <p class="hint" id="b-body-hint">{m.b_body_hint}</p>
                                    <textarea id="b-body" name="body" rows="8" required aria-describedby="b-body-hint"></textarea>
                                    <FieldError error field="body"/>
                                    <fieldset>
                                        <legend>{m.b_kind}</legend>
                                        <label class="check"><input type="radio" name="advertising" value="info" checked/>" "{m.b_info}</label>
                                        <label class="check"><input type="radio" name="advertising" value="ads"/>" "{m.b_ads}</label>
                                        <p class="hint">{m.b_ads_hint}</p>
                                    </fieldset>
                                    <fieldset>
                                        <legend>{m.audience}</legend>
                                        <label class="check"><input type="radio" name="audience" value="all" checked/>" "{m.audience_all}</label>
                                        <label class="check"><input type="radio" name="audience" value="branch"/>" "{m.audience_branch}</label>
                                        <label for="b-branch">{m.branch}</label>
                                        <select id="b-branch" name="branch">
                                            <option value="">"—"</option>
                                            {c.branches.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                        </select>
                                        <FieldError error field="branch"/>
                                        <label class="check"><input type="radio" name="audience" value="doctor"/>" "{m.audience_doctor}</label>
                                        <label for="b-doctor">{m.doctor}</label>
                                        <select id="b-doctor" name="doctor">
                                            <option value="">"—"</option>
                                            {c.doctors.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                        </select>
                                        <FieldError error field="doctor"/>
                                        <label class="check"><input type="radio" name="audience" value="age"/>" "{m.audience_age}</label>
                                        <label for="b-age-min">{m.age_min}</label>
                                        <input id="b-age-min" name="age_min" type="number" min="0" max="150" inputmode="numeric"/>
                                        <FieldError error field="age_min"/>
                                        <label for="b-age-max">{m.age_max}</label>
                                        <input id="b-age-max" name="age_max" type="number" min="0" max="150" inputmode="numeric"/>
                                        <FieldError error field="age_max"/>
                                    </fieldset>
                                    <FormError error/>
                                    <button type="submit" class="primary">{m.b_save}</button>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn StaffBroadcastPage() -> impl IntoView {
    let t = use_texts();
    let m = t.messages();
    view! {
        <Title text=m.b_preview/>
        <RequireStaff allowed=Roles::can_manage_news view=move |_| view! { <BroadcastBody/> }/>
    }
}

#[component]
fn BroadcastBody() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let m = t.messages();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let b = Resource::new(move || id.get(), broadcast_get);
    let send = ServerAction::<BroadcastSend>::new();
    let error = last_error(send.value());
    view! {
        <p><a href="/staff/broadcasts">{m.b_back}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match b.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(b) => {
                        let offset = clinic_offset();
                        let id = b.row.id;
                        let status = if b.row.sent {
                            (m.b_sent)(b.row.recipients)
                        } else if b.scheduled {
                            format!("{} {}", m.b_scheduled, format_datetime(b.row.send_at, offset, lang))
                        } else {
                            m.b_draft.to_string()
                        };
                        view! {
                            <h1>{m.b_preview}</h1>
                            <p class="meta" data-testid="broadcast-status">{status}</p>
                            <p class="badge">{if b.row.advertising { m.b_ads } else { m.b_info }}</p>
                            <p class="lead" data-testid="reach">{(m.reach)(b.reach)}</p>
                            <article class="panel article">
                                <p class="badge clinic">{m.clinic_message}</p>
                                <h2>{b.row.title.clone()}</h2>
                                <div class="prose" inner_html=b.body_html></div>
                            </article>
                            {(!b.row.sent).then(|| view! {
                                <section class="panel">
                                    <ActionForm action=send attr:class="inline-form">
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <button type="submit" class="primary">{m.b_send_now}</button>
                                    </ActionForm>
                                    <ActionForm action=send attr:class="stack">
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <label for="send-at">{m.b_send_at}</label>
                                        <input id="send-at" name="send_at" type="datetime-local" required/>
                                        <FieldError error field="send_at"/>
                                        <button type="submit">{m.b_schedule}</button>
                                    </ActionForm>
                                    <FormError error/>
                                </section>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
