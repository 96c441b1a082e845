//! Notifications' pages: the head's schedules (the list with quiet hours, one schedule's form
//! with its preview), the delivery log, and the patient's list in «Учётная запись».

use super::api::{
    notify_log, notify_mine, notify_schedule_get, notify_setup, NotifyQuietSave, NotifyScheduleSave, ScheduleView,
};
use super::rules::*;
use crate::features::booking::rules::AppointmentStatus;
use crate::i18n::{clinic_offset, use_lang, use_texts};
use crate::kernel::account::Roles;
use crate::kernel::time_fmt::{format_datetime, format_hhmm};
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::staff::RequireStaff;
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn head(r: &Roles) -> bool {
    r.has(crate::kernel::account::Role::Head)
}

fn log_reader(r: &Roles) -> bool {
    r.has(crate::kernel::account::Role::Head) || r.has(crate::kernel::account::Role::Registrar)
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.notifications().title/>
        <RequireStaff allowed=head view=move |_| view! { <SetupBody/> }/>
    }
}

#[component]
fn SetupBody() -> impl IntoView {
    let t = use_texts();
    let n = t.notifications();
    let setup = Resource::new(|| (), |_| notify_setup());
    let quiet = ServerAction::<NotifyQuietSave>::new();
    let quiet_error = last_error(quiet.value());
    let query = use_query_map();
    let quiet_saved = move || query.read().get("saved").as_deref() == Some("quiet");
    view! {
        <h1>{n.title}</h1>
        <p class="lead">{n.intro}</p>
        <p><a href="/staff/notifications/log">{n.log_link}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match setup.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(s) => view! {
                        <section class="panel">
                            <h2>{n.schedules}</h2>
                            {if s.schedules.is_empty() {
                                view! { <p class="empty">{n.none}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="admin-list" data-testid="schedules">
                                        {s.schedules.into_iter().map(|r| view! {
                                            <li>
                                                <a href=format!("/staff/notifications/{}", r.id)>{r.schedule.name.clone()}</a>
                                                " "<span class="badge">{if r.schedule.enabled { n.on } else { n.off }}</span>
                                                " "<span class="meta">{n.kind_name(r.schedule.kind)}" · "{n.via_name(r.schedule.via)}</span>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                        <section class="panel">
                            <h2>{n.quiet}</h2>
                            <p class="hint">{n.quiet_hint}</p>
                            <ActionForm action=quiet attr:class="stack">
                                <label for="quiet-from">{n.quiet_from}</label>
                                <input id="quiet-from" name="quiet_from" type="time" required value=s.quiet_from/>
                                <FieldError error=quiet_error field="quiet_from"/>
                                <label for="quiet-to">{n.quiet_to}</label>
                                <input id="quiet-to" name="quiet_to" type="time" required value=s.quiet_to/>
                                <FieldError error=quiet_error field="quiet_to"/>
                                <FormError error=quiet_error/>
                                <button type="submit">{n.quiet_save}</button>
                            </ActionForm>
                            {move || quiet_saved().then(|| view! { <p class="notice" role="status">{t.saved}</p> })}
                        </section>
                        <section class="panel">
                            <h2>{n.add}</h2>
                            <ScheduleFormView view=None/>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn SchedulePage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.notifications().edit/>
        <RequireStaff allowed=head view=move |_| view! { <ScheduleBody/> }/>
    }
}

#[component]
fn ScheduleBody() -> impl IntoView {
    let t = use_texts();
    let n = t.notifications();
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let got = Resource::new(move || id.get(), notify_schedule_get);
    let saved = move || query.read().get("saved").is_some();
    view! {
        <p><a href="/staff/notifications">{n.back}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match got.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(v) => view! {
                        <h1>{v.schedule.name.clone()}</h1>
                        {move || saved().then(|| view! { <p class="notice" role="status">{n.saved}</p> })}
                        <section class="panel" aria-labelledby="preview-h">
                            <h2 id="preview-h">{n.preview}</h2>
                            <p class="hint">{n.preview_hint}</p>
                            {(!v.sms_preview.is_empty()).then(|| view! {
                                <h3>{n.sms_text}</h3>
                                <p class="sms-preview" data-testid="sms-preview">{v.sms_preview.clone()}</p>
                                <p class="meta" data-testid="sms-size">{(n.sms_size)(v.sms_units, v.sms_parts)}</p>
                            })}
                            {(!v.email_body_preview.is_empty()).then(|| view! {
                                <h3>{n.email_subject}": "{v.email_subject_preview.clone()}</h3>
                                <pre class="mail-preview" data-testid="email-preview">{v.email_body_preview.clone()}</pre>
                            })}
                        </section>
                        <section class="panel">
                            <h2>{n.edit}</h2>
                            <ScheduleFormView view=Some(v)/>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The schedule form: empty for a new one, filled for an existing one. Works as a plain form.
#[component]
fn ScheduleFormView(view: Option<ScheduleView>) -> impl IntoView {
    let t = use_texts();
    let n = t.notifications();
    let save = ServerAction::<NotifyScheduleSave>::new();
    let error = last_error(save.value());
    let id = view.as_ref().map(|v| v.id);
    let codes = view.as_ref().map(|v| v.service_codes.clone()).unwrap_or_default();
    let s = view.map(|v| v.schedule);
    let s_kind = s.as_ref().map_or(Kind::DaysBefore, |s| s.kind);
    let s_via = s.as_ref().map_or(Via::Either, |s| s.via);
    let s_status = s.as_ref().and_then(|s| s.status);
    let num = |v: i64| if v == 0 { String::new() } else { v.to_string() };
    let days = s.as_ref().map(|s| s.days.to_string()).unwrap_or_else(|| "1".into());
    let minutes = s.as_ref().map(|s| num(s.minutes)).unwrap_or_default();
    let send_at = s.as_ref().map(|s| format_hhmm(s.send_at_min)).unwrap_or_else(|| "10:00".into());
    let suffix = id.map_or("new".to_string(), |i| i.to_string());
    let fid = move |name: &str| format!("s{suffix}-{name}");
    let params_list =
        Param::ALL.iter().map(|p| format!("{{{}}} — {}", p.token(), n.param_name(*p))).collect::<Vec<_>>();
    view! {
        <ActionForm action=save attr:class="stack schedule-form">
            {id.map(|i| view! { <input type="hidden" name="id" value=i.to_string()/> })}
            <label for=fid("name")>{n.name}</label>
            <input id=fid("name") name="name" type="text" required maxlength="200" value=s.as_ref().map(|s| s.name.clone()).unwrap_or_default()/>
            <FieldError error field="name"/>
            <label for=fid("kind")>{n.kind}</label>
            <select id=fid("kind") name="kind">
                {Kind::ALL.into_iter().map(|k| view! { <option value=k.as_str() selected=k == s_kind>{n.kind_name(k)}</option> }).collect_view()}
            </select>
            <FieldError error field="kind"/>
            <label class="check"><input type="checkbox" name="enabled" value="on" checked=s.as_ref().is_none_or(|s| s.enabled)/>" "{n.enabled}</label>
            <fieldset>
                <legend>{n.via}</legend>
                {Via::ALL.into_iter().map(|v| view! {
                    <label class="check"><input type="radio" name="via" value=v.as_str() checked=v == s_via/>" "{n.via_name(v)}</label>
                }).collect_view()}
                <FieldError error field="via"/>
            </fieldset>
            <label class="check"><input type="checkbox" name="marketing" value="on" checked=s.as_ref().is_some_and(|s| s.marketing)/>" "{n.marketing}</label>
            <p class="hint">{n.marketing_hint}</p>
            <fieldset>
                <legend>{n.timing}</legend>
                <p class="hint">{n.timing_hint}</p>
                <label for=fid("days")>{n.days}</label>
                <input id=fid("days") name="days" type="number" min="0" max="365" inputmode="numeric" value=days/>
                <FieldError error field="days"/>
                <label for=fid("send-at")>{n.send_at}</label>
                <input id=fid("send-at") name="send_at" type="time" value=send_at/>
                <FieldError error field="send_at"/>
                <label for=fid("minutes")>{n.minutes}</label>
                <input id=fid("minutes") name="minutes" type="number" min="1" max="10080" inputmode="numeric" value=minutes/>
                <FieldError error field="minutes"/>
                <label for=fid("status")>{n.status}</label>
                <select id=fid("status") name="status">
                    <option value="">"—"</option>
                    {AppointmentStatus::ALL.into_iter().map(|st| view! {
                        <option value=st.as_str() selected=Some(st) == s_status>{n.appointment_status(st)}</option>
                    }).collect_view()}
                </select>
                <FieldError error field="status"/>
                <label class="check"><input type="checkbox" name="working_days_only" value="on" checked=s.as_ref().is_some_and(|s| s.working_days_only)/>" "{n.working_days_only}</label>
                <label class="check"><input type="checkbox" name="include_same_day" value="on" checked=s.as_ref().is_none_or(|s| s.include_same_day)/>" "{n.include_same_day}</label>
                <label for=fid("services")>{n.services}</label>
                <p class="hint">{n.services_hint}</p>
                <input id=fid("services") name="services" type="text" value=codes/>
                <FieldError error field="services"/>
                <label class="check"><input type="checkbox" name="hourly" value="on" checked=s.as_ref().is_some_and(|s| s.hourly)/>" "{n.hourly}</label>
            </fieldset>
            <fieldset>
                <legend>{n.text}</legend>
                <details class="params">
                    <summary>{n.params}</summary>
                    <p class="hint">{n.params_hint}</p>
                    <ul>{params_list.into_iter().map(|p| view! { <li><code>{p}</code></li> }).collect_view()}</ul>
                </details>
                <label for=fid("sms")>{n.sms_text}</label>
                <textarea id=fid("sms") name="sms_text" rows="3" maxlength="2000">{s.as_ref().map(|s| s.sms_text.clone()).unwrap_or_default()}</textarea>
                <FieldError error field="sms_text"/>
                <label for=fid("subject")>{n.email_subject}</label>
                <input id=fid("subject") name="email_subject" type="text" maxlength="2000" value=s.as_ref().map(|s| s.email_subject.clone()).unwrap_or_default()/>
                <FieldError error field="email_subject"/>
                <label for=fid("body")>{n.email_body}</label>
                <textarea id=fid("body") name="email_body" rows="6" maxlength="2000">{s.as_ref().map(|s| s.email_body.clone()).unwrap_or_default()}</textarea>
                <FieldError error field="email_body"/>
            </fieldset>
            <FormError error/>
            <button type="submit" class="primary">{n.save}</button>
        </ActionForm>
    }
}

#[component]
pub fn LogPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.notifications().log_title/>
        <RequireStaff allowed=log_reader view=move |_| view! { <LogBody/> }/>
    }
}

#[component]
fn LogBody() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let n = t.notifications();
    let query = use_query_map();
    let q = move |k: &str| query.read().get(k).unwrap_or_default();
    let args = Memo::new(move |_| (q("card"), q("schedule"), q("day"), q("page").parse::<i64>().unwrap_or(1)));
    let log = Resource::new(
        move || args.get(),
        |(card, schedule, day, page)| notify_log(Some(card), Some(schedule), Some(day), Some(page)),
    );
    view! {
        <h1>{n.log_title}</h1>
        <p class="lead">{n.log_hint}</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let (card, schedule, day, page) = args.get();
                match log.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(v) => {
                        let offset = clinic_offset();
                        let next = format!("/staff/notifications/log?card={card}&schedule={schedule}&day={day}&page={}", page + 1);
                        view! {
                            <form method="get" action="/staff/notifications/log" class="filters">
                                <label for="log-card">{n.filter_patient}</label>
                                <input id="log-card" name="card" type="text" inputmode="numeric" value=card.clone()/>
                                <label for="log-schedule">{n.filter_schedule}</label>
                                <select id="log-schedule" name="schedule">
                                    <option value="">{n.filter_all}</option>
                                    {v.schedules.iter().map(|(id, name)| view! {
                                        <option value=id.to_string() selected=id.to_string() == schedule>{name.clone()}</option>
                                    }).collect_view()}
                                </select>
                                <label for="log-day">{n.filter_day}</label>
                                <input id="log-day" name="day" type="date" value=day.clone()/>
                                <button type="submit">{n.filter}</button>
                            </form>
                            {if v.rows.is_empty() {
                                view! { <p class="empty">{n.log_empty}</p> }.into_any()
                            } else {
                                view! {
                                    <div>
                                        <table class="journal" data-testid="notify-log">
                                            <thead><tr>
                                                <th scope="col">{n.col_when}</th>
                                                <th scope="col">{n.col_patient}</th>
                                                <th scope="col">{n.col_schedule}</th>
                                                <th scope="col">{n.col_channel}</th>
                                                <th scope="col">{n.col_status}</th>
                                            </tr></thead>
                                            <tbody>
                                                {v.rows.into_iter().map(|r| {
                                                    let channel = match r.sms {
                                                        Some(true) => format!("{} {}", n.channel_sms, r.recipient.clone().unwrap_or_default()),
                                                        Some(false) => format!("{} {}", n.channel_email, r.recipient.clone().unwrap_or_default()),
                                                        None => String::new(),
                                                    };
                                                    let mut status = n.status_name(r.status).to_string();
                                                    if let Some(reason) = r.reason {
                                                        status = format!("{status}: {}", n.reason_name(reason));
                                                    }
                                                    if let Some(at) = r.delivered_at {
                                                        status = format!("{status}, {} {}", n.delivered, format_datetime(at, offset, lang));
                                                    } else if let Some(e) = &r.error {
                                                        status = format!("{status}: {e}");
                                                    }
                                                    view! {
                                                        <tr>
                                                            <td><time>{format_datetime(r.due_at, offset, lang)}</time></td>
                                                            <td><a href=format!("/staff/notifications/log?card={}", r.card_id)>{r.patient}</a></td>
                                                            <td>{r.schedule_name}</td>
                                                            <td>{channel}</td>
                                                            <td>{status}</td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                    {v.more.then(|| view! { <p><a href=next>{n.older}</a></p> })}
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The patient's section in «Учётная запись»: what was sent to the active profile.
#[component]
pub fn SentToMeSection() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let n = t.notifications();
    let mine = Resource::new(|| (), |_| notify_mine());
    view! {
        <section class="panel" id="sent" aria-labelledby="sent-h">
            <h2 id="sent-h">{n.mine_title}</h2>
            <p class="hint">{n.mine_hint}" "{n.refuse_hint}</p>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match mine.await {
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="empty">{n.mine_empty}</p> }.into_any(),
                        Ok(list) => {
                            let offset = clinic_offset();
                            view! {
                                <ul class="sent-list" data-testid="sent-to-me">
                                    {list.into_iter().map(|m| view! {
                                        <li>
                                            <p class="meta"><time>{format_datetime(m.at, offset, lang)}</time>" · "{if m.sms { n.channel_sms } else { n.channel_email }}</p>
                                            {(!m.subject.is_empty()).then(|| view! { <p><strong>{m.subject.clone()}</strong></p> })}
                                            <p class="sent-body">{m.body}</p>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
