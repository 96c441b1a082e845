//! The patient's «Сообщения» tab: dialogues and the clinic's broadcasts, a new message, a
//! dialogue with its answers, attachments and video link. Sending goes through the upload form
//! (a plain multipart post without JavaScript, with progress in the browser).

use super::api::{messages_broadcast, messages_dialogue, messages_tab};
use super::live::DialogueLive;
use super::rules::{DialogueRow, MessageView, Piece, Subject};
use crate::i18n::{clinic_offset, use_lang, use_texts, Lang, Texts};
use crate::kernel::error::AppError;
use crate::kernel::time_fmt::format_datetime;
use crate::platform::ui::errors::{ErrorPanel, FieldError, Loading};
use crate::platform::ui::title::Title;
use crate::platform::ui::upload::{upload_error_from_query, upload_error_text, Typed, UploadForm};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The files a message takes, for the file input.
pub const ACCEPT: &str = "application/pdf,image/jpeg,image/png";

/// A message's text: words as text, links as links that open elsewhere without the portal's
/// address as referrer.
#[component]
fn Text(pieces: Vec<Piece>) -> impl IntoView {
    pieces
        .into_iter()
        .map(|p| match p {
            Piece::Text(s) => s.into_any(),
            Piece::Link(url) => {
                let text = url.clone();
                view! { <a href=url rel="noopener noreferrer nofollow" target="_blank">{text}</a> }.into_any()
            }
        })
        .collect_view()
}

fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} МБ", bytes as f64 / 1_048_576.0)
    } else {
        format!("{} КБ", (bytes + 1023) / 1024)
    }
}

/// One message as both sides see it.
#[component]
pub fn MessageItem(m: MessageView, lang: Lang, offset: i32) -> impl IntoView {
    let t = lang.texts();
    let class = if m.from_patient { "message from-patient" } else { "message from-clinic" };
    view! {
        <li class=class id=format!("m{}", m.id)>
            <p class="meta"><strong>{m.author}</strong>" · "<time>{format_datetime(m.at, offset, lang)}</time></p>
            <p class="message-text"><Text pieces=m.pieces/></p>
            {(!m.files.is_empty()).then(|| view! {
                <ul class="attachments" aria-label=t.messages().attachments>
                    {m.files.into_iter().map(|f| view! {
                        <li>
                            {f.image.then(|| view! { <img src=format!("/messages/files/{}?inline=1", f.id) alt=f.name.clone() loading="lazy" width="160"/> })}
                            <a href=format!("/messages/files/{}", f.id)>{f.name}</a>
                            " "<span class="meta">{size_text(f.size)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}

/// Messages as the server sends them to an open page (`rules::updates_path`): the same items.
#[cfg(feature = "ssr")]
pub fn messages_html(messages: Vec<MessageView>, lang: Lang, offset: i32) -> String {
    if messages.is_empty() {
        return String::new();
    }
    let owner = Owner::new();
    owner.with(|| {
        view! { <ol class="messages">{messages.into_iter().map(|m| view! { <MessageItem m lang offset/> }).collect_view()}</ol> }
            .to_html()
    })
}

pub fn dialogue_label(t: &Texts, r: &DialogueRow) -> String {
    let whom = r.doctor.clone().unwrap_or_else(|| t.messages().desk.to_string());
    format!("{} — {whom}", t.messages().subject_name(r.subject))
}

#[component]
pub fn MessagesPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let query = use_query_map();
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1).max(1));
    let tab = Resource::new(move || page.get(), |p| messages_tab(Some(p)));
    view! {
        <Title text=t.nav_messages/>
        <h1>{t.nav_messages}</h1>
        <p><a class="button primary" href="/messages/new">{t.messages().write}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match tab.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(tab) => {
                        let offset = clinic_offset();
                        let m = t.messages();
                        view! {
                            <section class="panel">
                                <h2>{m.dialogues}</h2>
                                {if tab.inbox.dialogues.is_empty() {
                                    view! { <p class="empty">{m.no_dialogues}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="dialogues">
                                            {tab.inbox.dialogues.into_iter().map(|d| {
                                                let label = dialogue_label(t, &d);
                                                view! {
                                                    <li class:unread={d.unread > 0}>
                                                        <a href=format!("/messages/{}", d.id)>{label}</a>
                                                        " "<span class="meta"><time>{format_datetime(d.last_at, offset, lang)}</time></span>
                                                        {(d.unread > 0).then(|| view! { " "<span class="badge unread">{(m.unread)(d.unread)}</span> })}
                                                        {d.video_open.then(|| view! { " "<span class="badge video">{m.video_on}</span> })}
                                                        {d.closed.then(|| view! { " "<span class="badge">{m.closed}</span> })}
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                        {(tab.inbox.pages > 1).then(|| {
                                            let (page, pages) = (tab.inbox.page, tab.inbox.pages);
                                            view! {
                                                <nav class="pager" aria-label=t.pagination>
                                                    {(page > 1).then(|| view! { <a rel="prev" href=format!("/messages?page={}", page - 1)>{t.newer}</a> })}
                                                    <span>{(t.page_of)(page, pages)}</span>
                                                    {(page < pages).then(|| view! { <a rel="next" href=format!("/messages?page={}", page + 1)>{t.older}</a> })}
                                                </nav>
                                            }
                                        })}
                                    }.into_any()
                                }}
                            </section>
                            {(!tab.inbox.broadcasts.is_empty()).then(|| view! {
                                <section class="panel">
                                    <h2>{m.from_clinic}</h2>
                                    <ul class="dialogues">
                                        {tab.inbox.broadcasts.into_iter().map(|b| view! {
                                            <li class:unread=b.unread>
                                                <span class="badge clinic">{m.clinic_message}</span>" "
                                                <a href=format!("/messages/clinic/{}", b.id)>{b.title}</a>
                                                " "<span class="meta"><time>{format_datetime(b.sent_at, offset, lang)}</time></span>
                                                {b.unread.then(|| view! { " "<span class="badge unread">{m.new_badge}</span> })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </section>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The refusal of the last plain post, as the form shows it: the message's own field first.
fn send_error_text(e: &AppError, t: &Texts) -> String {
    ["body", "recipient", "subject"]
        .iter()
        .find_map(|f| e.field_message(f, t))
        .unwrap_or_else(|| upload_error_text(e, t))
}

#[component]
fn FilesField() -> impl IntoView {
    let t = use_texts();
    view! {
        <label for="message-files">{t.messages().attach}</label>
        <input id="message-files" name="files" type="file" multiple accept=ACCEPT aria-describedby="message-files-hint"/>
        <p class="hint" id="message-files-hint">{t.messages().attach_hint}</p>
    }
}

#[component]
pub fn NewMessagePage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let initial_error = upload_error_from_query(query.get_untracked().get("upload_error"));
    let error_text = initial_error.as_ref().map(|e| send_error_text(e, t));
    let error = Signal::stored(initial_error);
    let typed = Typed::from_query(&query.get_untracked());
    let tab = Resource::new(|| (), |_| messages_tab(None));
    let m = t.messages();
    view! {
        <Title text=m.new_title/>
        <p><a href="/messages">{m.all_messages}</a></p>
        <h1>{m.new_title}</h1>
        <Suspense fallback=Loading>
            {move || {
                let typed = typed.clone();
                let error_text = error_text.clone();
                Suspend::new(async move {
                match tab.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(tab) => view! {
                        <section class="panel">
                            <UploadForm action="/messages/send".to_string() done="/messages".to_string() uploading=m.sending.to_string() error=error_text>
                                <label for="recipient">{m.recipient}</label>
                                <select id="recipient" name="recipient" required aria-describedby="recipient-hint">
                                    <option value="desk" selected=typed.get("recipient") == "desk">{m.desk}</option>
                                    {tab.doctors.into_iter().map(|d| {
                                        let selected = typed.get("recipient") == d.key;
                                        view! { <option value=d.key selected=selected>{d.label}</option> }
                                    }).collect_view()}
                                </select>
                                <p class="hint" id="recipient-hint">{m.recipient_hint}</p>
                                <FieldError error field="recipient"/>
                                <label for="subject">{m.subject}</label>
                                <select id="subject" name="subject" required>
                                    {Subject::ALL.into_iter().map(|s| view! {
                                        <option value=s.key() selected=typed.get("subject") == s.key()>{m.subject_name(s)}</option>
                                    }).collect_view()}
                                </select>
                                <FieldError error field="subject"/>
                                <label for="body">{m.body}</label>
                                <textarea id="body" name="body" rows="6" maxlength="10000">{typed.get("body")}</textarea>
                                <FieldError error field="body"/>
                                <FilesField/>
                                <button type="submit" class="primary">{m.send}</button>
                            </UploadForm>
                        </section>
                    }.into_any(),
                }
            })}}
        </Suspense>
    }
}

fn param_id() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0))
}

fn before_param() -> Memo<Option<i64>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("before").and_then(|s| s.parse::<i64>().ok()))
}

/// The reply form under a dialogue (either side).
#[component]
pub fn ReplyForm(action: String, done: String, label: &'static str) -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let initial_error = upload_error_from_query(query.get_untracked().get("upload_error"));
    let sent = query.get_untracked().get("uploaded").is_some();
    let error_text = initial_error.as_ref().map(|e| send_error_text(e, t));
    let error = Signal::stored(initial_error);
    let typed = Typed::from_query(&query.get_untracked());
    let m = t.messages();
    view! {
        <section class="panel reply">
            {sent.then(|| view! { <p class="notice" role="status">{m.sent}</p> })}
            <UploadForm action done uploading=m.sending.to_string() error=error_text>
                <label for="body">{label}</label>
                <textarea id="body" name="body" rows="4" maxlength="10000">{typed.get("body")}</textarea>
                <FieldError error field="body"/>
                <FilesField/>
                <button type="submit" class="primary">{m.send}</button>
            </UploadForm>
        </section>
    }
}

/// The messages of a dialogue with the live island around them.
#[component]
pub fn DialogueBody(
    view: super::rules::DialogueView,
    /// An older page (`?before=`) shows what it shows: only the newest page asks for news.
    live: bool,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let offset = clinic_offset();
    let m = t.messages();
    let last_id = view.messages.last().map_or(0, |m| m.id);
    let id = view.row.id;
    view! {
        {view.older_before.map(|b| view! { <p><a href=format!("?before={b}")>{m.older}</a></p> })}
        <DialogueLive dialogue_id=id last_id live video_url=view.video_url video_label=m.video_join.to_string() live_label=m.live_region.to_string()>
            <ol class="messages">
                {view.messages.into_iter().map(|msg| view! { <MessageItem m=msg lang offset/> }).collect_view()}
            </ol>
        </DialogueLive>
    }
}

#[component]
pub fn DialoguePage() -> impl IntoView {
    let t = use_texts();
    let id = param_id();
    let before = before_param();
    let dialogue = Resource::new(move || (id.get(), before.get()), |(id, before)| messages_dialogue(id, before));
    let m = t.messages();
    view! {
        <p><a href="/messages">{m.all_messages}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match dialogue.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(d) => {
                        let label = dialogue_label(t, &d.row);
                        let closed = d.row.closed;
                        let id = d.row.id;
                        view! {
                            <Title text=label.clone()/>
                            <h1>{label}</h1>
                            {closed.then(|| view! { <p class="notice">{m.closed_hint}</p> })}
                            <DialogueBody view=d live=before.get_untracked().is_none()/>
                            <ReplyForm action=format!("/messages/{id}/send") done=format!("/messages/{id}") label=m.body/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn BroadcastPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let id = param_id();
    let b = Resource::new(move || id.get(), messages_broadcast);
    view! {
        <p><a href="/messages">{t.messages().all_messages}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match b.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(b) => view! {
                        <Title text=b.title.clone()/>
                        <article class="panel article">
                            <p class="badge clinic">{t.messages().clinic_message}</p>
                            <h1>{b.title}</h1>
                            <p class="meta"><time>{format_datetime(b.sent_at, clinic_offset(), lang)}</time></p>
                            // Rendered on the server from Markdown like news (features::news::markdown).
                            <div class="prose" inner_html=b.body_html></div>
                        </article>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
