//! The clinic's side of messages: the inbox (a doctor's own dialogues, the front desk's) with
//! its filters, and a dialogue with the patient's card beside it, the reply form, the video
//! call, closing and handing over.

use super::api::{messages_staff_dialogue, messages_staff_inbox, DialogueClose, DialogueHandover, DialogueVideo};
use super::page::{dialogue_label, DialogueBody, ReplyForm};
use super::rules::{InboxFilter, PAGE_DIALOGUES};
use crate::i18n::{clinic_offset, use_lang, use_texts};
use crate::kernel::time_fmt::{format_date, format_datetime, parse_iso_date};
use crate::platform::ui::errors::{last_error, ErrorPanel, FormError, Loading};
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn StaffInboxPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let query = use_query_map();
    let args = Memo::new(move |_| {
        let q = query.read();
        (q.get("filter").unwrap_or_default(), q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1))
    });
    let inbox = Resource::new(move || args.get(), |(filter, page)| messages_staff_inbox(filter, page));
    let m = t.messages();
    view! {
        <Title text=m.inbox_title/>
        <h1>{m.inbox_title}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match inbox.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(inbox) => {
                        let offset = clinic_offset();
                        let current = inbox.filter;
                        let shown = inbox.rows.len();
                        let pages = (inbox.total + PAGE_DIALOGUES - 1) / PAGE_DIALOGUES;
                        let page = inbox.page;
                        let key = current.key();
                        view! {
                            <nav class="filters" aria-label=m.filters>
                                <ul class="chips">
                                    {InboxFilter::ALL.into_iter().map(|f| view! {
                                        <li><a href=format!("/staff/messages?filter={}", f.key()) aria-current=(f == current).then_some("page")>{m.filter_name(f)}</a></li>
                                    }).collect_view()}
                                </ul>
                            </nav>
                            {if inbox.rows.is_empty() {
                                view! { <p class="empty">{m.inbox_empty}</p> }.into_any()
                            } else {
                                view! {
                                    <p class="meta">{(m.shown_of)(shown, inbox.total)}</p>
                                    <ul class="dialogues inbox">
                                        {inbox.rows.into_iter().map(|d| {
                                            let label = dialogue_label(t, &d);
                                            view! {
                                                <li class:unread={d.unread > 0}>
                                                    <a href=format!("/staff/messages/{}", d.id)>{d.patient.clone()}</a>
                                                    " · "{label}
                                                    " "<span class="meta"><time>{format_datetime(d.last_at, offset, lang)}</time></span>
                                                    {(d.unread > 0).then(|| view! { " "<span class="badge unread">{(m.unread)(d.unread)}</span> })}
                                                    {d.waiting.then(|| view! { " "<span class="badge waiting">{m.waiting}</span> })}
                                                    {d.video_open.then(|| view! { " "<span class="badge video">{m.video_on}</span> })}
                                                    {d.closed.then(|| view! { " "<span class="badge">{m.closed}</span> })}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                    <nav class="pager" aria-label=t.pagination>
                                        {(page > 1).then(|| view! { <a rel="prev" href=format!("/staff/messages?filter={key}&page={}", page - 1)>{t.newer}</a> })}
                                        <span>{(t.page_of)(page, pages.max(1))}</span>
                                        {(page < pages).then(|| view! { <a rel="next" href=format!("/staff/messages?filter={key}&page={}", page + 1)>{t.older}</a> })}
                                    </nav>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn StaffDialoguePage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let params = use_params_map();
    let query = use_query_map();
    let args = Memo::new(move |_| {
        (
            params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0),
            query.read().get("before").and_then(|s| s.parse::<i64>().ok()),
        )
    });
    let dialogue = Resource::new(move || args.get(), |(id, before)| messages_staff_dialogue(id, before));
    let close = ServerAction::<DialogueClose>::new();
    let video = ServerAction::<DialogueVideo>::new();
    let handover = ServerAction::<DialogueHandover>::new();
    let close_error = last_error(close.value());
    let video_error = last_error(video.value());
    let handover_error = last_error(handover.value());
    let m = t.messages();
    view! {
        <p><a href="/staff/messages">{m.inbox_title}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match dialogue.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(d) => {
                        let offset = clinic_offset();
                        let label = dialogue_label(t, &d.row);
                        let id = d.row.id;
                        let closed = d.row.closed;
                        let video_open = d.video_url.is_some();
                        let card = d.card.clone();
                        let handover_choices = d.handover.clone();
                        view! {
                            <Title text=label.clone()/>
                            <h1>{d.row.patient.clone()}</h1>
                            <p class="lead">{label}</p>
                            <div class="dialogue-layout">
                                {card.map(|c| view! {
                                    <aside class="panel card-side" aria-label=m.card>
                                        <h2>{m.card}</h2>
                                        <p><strong>{c.name}</strong></p>
                                        <p>{m.birth_date}": "{parse_iso_date(&c.birth_date).map(|d| format_date(d, lang)).unwrap_or(c.birth_date)}</p>
                                        <p><a href=format!("/staff/cards/{}/documents", c.card_id)>{t.nav_documents}</a></p>
                                        <h3>{m.recent_visits}</h3>
                                        {if c.visits.is_empty() {
                                            view! { <p class="empty">{m.no_visits}</p> }.into_any()
                                        } else {
                                            view! {
                                                <ul>
                                                    {c.visits.into_iter().map(|v| view! {
                                                        <li><time>{format_datetime(v.starts_at, offset, lang)}</time>" · "{v.doctor}" · "{crate::features::booking::page::status_label(t, v.status)}</li>
                                                    }).collect_view()}
                                                </ul>
                                            }.into_any()
                                        }}
                                    </aside>
                                })}
                                <div class="dialogue-main">
                                    <section class="panel actions">
                                        <ActionForm action=video attr:class="inline-form">
                                            <input type="hidden" name="id" value=id.to_string()/>
                                            <input type="hidden" name="open" value=(!video_open).to_string()/>
                                            <button type="submit" class=if video_open { "" } else { "primary" }>
                                                {if video_open { m.video_end } else { m.video_start }}
                                            </button>
                                        </ActionForm>
                                        <FormError error=video_error/>
                                        <ActionForm action=close attr:class="inline-form">
                                            <input type="hidden" name="id" value=id.to_string()/>
                                            <input type="hidden" name="closed" value=(!closed).to_string()/>
                                            <button type="submit">{if closed { m.reopen } else { m.close }}</button>
                                        </ActionForm>
                                        <FormError error=close_error/>
                                        {(!handover_choices.is_empty()).then(|| view! {
                                            <ActionForm action=handover attr:class="inline-form">
                                                <input type="hidden" name="id" value=id.to_string()/>
                                                <label for="handover-to">{m.handover_to}</label>
                                                <select id="handover-to" name="to" required>
                                                    {handover_choices.into_iter().map(|c| {
                                                        let label = if c.label.is_empty() { m.desk.to_string() } else { c.label };
                                                        view! { <option value=c.key>{label}</option> }
                                                    }).collect_view()}
                                                </select>
                                                <button type="submit">{m.handover_button}</button>
                                            </ActionForm>
                                        })}
                                        <FormError error=handover_error/>
                                    </section>
                                    {closed.then(|| view! { <p class="notice">{m.closed}</p> })}
                                    <DialogueBody view=d live=args.get_untracked().1.is_none()/>
                                    <ReplyForm action=format!("/staff/messages/{id}/send") done=format!("/staff/messages/{id}") label=m.reply/>
                                </div>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
