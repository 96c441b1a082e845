//! News management in the staff area, for editors and the head: the list of items, the editor,
//! and each item's page with publishing and withdrawal. The server refuses callers without the
//! role; the page then shows "forbidden" with status 403.

use crate::features::news::api::{news_admin_get, news_admin_list, NewsPublish, NewsSave, NewsWithdraw};
use crate::features::news::rules::{NewsAdminItem, NewsStatus};
use crate::i18n::{clinic_offset, use_lang, use_texts, Texts};
use crate::kernel::account::Roles;
use crate::kernel::time_fmt::{format_datetime, to_input_value};
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::staff::RequireStaff;
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

pub fn status_name(t: &Texts, s: NewsStatus) -> &'static str {
    match s {
        NewsStatus::Draft => t.news().status_draft,
        NewsStatus::Scheduled => t.news().status_scheduled,
        NewsStatus::Published => t.news().status_published,
        NewsStatus::Withdrawn => t.news().status_withdrawn,
    }
}

#[component]
pub fn StaffNewsListPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let items = Resource::new(|| (), |_| news_admin_list());
    view! {
        <Title text=t.manage_news/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match items.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(items) => {
                        let offset = clinic_offset();
                        view! {
                            <h1>{t.manage_news}</h1>
                            <p><a class="button primary" href="/staff/news/new">{t.news().write_news}</a></p>
                            {if items.is_empty() {
                                view! { <p class="empty">{t.news().no_news_yet}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="admin-list">
                                        {items.into_iter().map(|n| view! {
                                            <li>
                                                <a href=format!("/staff/news/{}", n.id)>{n.title}</a>
                                                <span class=format!("badge status-{:?}", n.status).to_lowercase()>{status_name(t, n.status)}</span>
                                                <span class="meta">{t.news().updated}" "{format_datetime(n.updated_at, offset, lang)}</span>
                                            </li>
                                        }).collect_view()}
                                    </ul>
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
fn NewsForm(item: Option<NewsAdminItem>) -> impl IntoView {
    let t = use_texts();
    let save = ServerAction::<NewsSave>::new();
    let error = last_error(save.value());
    let (id, title, body) = match item {
        Some(i) => (Some(i.id), i.title, i.body),
        None => (None, String::new(), String::new()),
    };
    view! {
        <ActionForm action=save attr:class="stack news-form">
            {id.map(|id| view! { <input type="hidden" name="id" value=id.to_string()/> })}
            <label for="title">{t.news().news_title}</label>
            <input id="title" name="title" type="text" required maxlength="200" value=title aria-describedby="title-error"/>
            <FieldError error field="title"/>
            <label for="body">{t.news().news_body}</label>
            <p class="hint" id="body-hint">{t.news().news_body_hint}</p>
            <textarea id="body" name="body" rows="12" required aria-describedby="body-hint body-error">{body}</textarea>
            <FieldError error field="body"/>
            <FormError error/>
            <button type="submit" class="primary">{if id.is_some() { t.news().save_changes } else { t.news().save_draft }}</button>
        </ActionForm>
    }
}

#[component]
pub fn StaffNewsNewPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.news().write_news/>
        <RequireStaff allowed=Roles::can_manage_news view=move |_| view! {
            <p><a href="/staff/news">{t.news().back_to_list}</a></p>
            <h1>{t.news().write_news}</h1>
            <NewsForm item=None/>
        }/>
    }
}

fn news_id() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0))
}

#[component]
pub fn StaffNewsEditPage() -> impl IntoView {
    let t = use_texts();
    let id = news_id();
    let item = Resource::new(move || id.get(), news_admin_get);
    view! {
        <Title text=t.news().edit/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match item.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(item) => view! {
                        <p><a href=format!("/staff/news/{}", item.id)>{t.news().back_to_list}</a></p>
                        <h1>{t.news().edit}</h1>
                        <NewsForm item=Some(item)/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A news item's preview, exactly as patients will see it, with its status and the actions.
#[component]
pub fn StaffNewsPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let id = news_id();
    let publish_now = ServerAction::<NewsPublish>::new();
    let schedule = ServerAction::<NewsPublish>::new();
    let withdraw = ServerAction::<NewsWithdraw>::new();
    let item = Resource::new(
        move || (id.get(), publish_now.version().get(), schedule.version().get(), withdraw.version().get()),
        |(id, ..)| news_admin_get(id),
    );
    view! {
        <Title text=t.news().preview/>
        <p><a href="/staff/news">{t.news().back_to_list}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match item.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(n) => {
                        let offset = clinic_offset();
                        let id = n.id.to_string();
                        let withdraw_id = id.clone();
                        let schedule_id = id.clone();
                        let when = n.publish_at.map(|at| format_datetime(at, offset, lang));
                        let input_value = n.publish_at.map(|at| to_input_value(at, offset)).unwrap_or_default();
                        let can_withdraw = matches!(n.status, NewsStatus::Published | NewsStatus::Scheduled);
                        let schedule_error = last_error(schedule.value());
                        view! {
                            <div class="status-line">
                                <span>{t.status}": "</span>
                                <strong data-testid="news-status">{status_name(t, n.status)}</strong>
                                {when.map(|w| view! { <span class="meta">" · "{w}</span> })}
                            </div>
                            <section class="panel preview" aria-labelledby="preview-heading">
                                <h2 id="preview-heading" class="preview-label">{t.news().preview}" — "{t.news().preview_hint}</h2>
                                <article class="article">
                                    <h1>{n.title.clone()}</h1>
                                    <div class="prose" inner_html=n.body_html.clone()></div>
                                </article>
                            </section>
                            <div class="actions">
                                <a class="button" href=format!("/staff/news/{}/edit", n.id)>{t.news().edit}</a>
                                <ActionForm action=publish_now>
                                    <input type="hidden" name="id" value=id/>
                                    <button type="submit" class="primary">{t.news().publish_now}</button>
                                </ActionForm>
                                {can_withdraw.then(|| view! {
                                    <ActionForm action=withdraw>
                                        <input type="hidden" name="id" value=withdraw_id/>
                                        <button type="submit" class="danger">{t.news().withdraw}</button>
                                    </ActionForm>
                                })}
                            </div>
                            <ActionForm action=schedule attr:class="stack schedule">
                                <input type="hidden" name="id" value=schedule_id/>
                                <label for="publish_at">{t.news().publish_at}</label>
                                <input id="publish_at" name="publish_at" type="datetime-local" required value=input_value/>
                                <FieldError error=schedule_error field="publish_at"/>
                                <button type="submit">{t.news().schedule}</button>
                            </ActionForm>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
