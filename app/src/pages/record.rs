//! "Медкарта": the active profile's records, newest first, with the filters in the URL (kind
//! links and a plain GET form), so a filtered view is bookmarkable and works without JavaScript;
//! and one record on its own address.

use crate::api::record::{get_record, get_record_list};
use crate::components::errors::{ErrorPanel, Loading};
use crate::domain::documents::Category;
use crate::domain::record::{RecordFilter, RecordKind, RecordList};
use crate::domain::time_fmt::format_date;
use crate::i18n::{use_lang, use_texts, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

pub fn kind_label(t: &Texts, k: RecordKind) -> &'static str {
    match k {
        RecordKind::Outpatient => t.record_outpatient,
        RecordKind::Inpatient => t.record_inpatient,
        RecordKind::Patient => t.record_by_patient,
        RecordKind::Telemedicine => t.record_telemedicine,
    }
}

pub fn category_label(t: &Texts, c: Category) -> &'static str {
    match c {
        Category::Analyses => t.category_analyses,
        Category::Examinations => t.category_examinations,
        Category::Conclusion => t.category_conclusion,
        Category::Other => t.category_other,
    }
}

#[component]
pub fn RecordPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        RecordFilter::from_query(&get("kind"), &get("from"), &get("to"), &get("doctor"), &get("q"), &get("page"))
    });
    let data = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).unwrap_or_default();
            (get("kind"), get("from"), get("to"), get("doctor"), get("q"), get("page"))
        },
        |(k, f, to, d, q, p)| get_record_list(k, f, to, d, q, p),
    );
    view! {
        <Title text=t.nav_record/>
        <h1>{t.nav_record}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(list) => view! { <RecordListView list filter=filter.get_untracked()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RecordListView(list: RecordList, filter: RecordFilter) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let kind_link = |k: Option<RecordKind>, label: &'static str| {
        let current = filter.kind == k;
        view! { <li><a href=filter.href(k, 1) aria-current=current.then_some("true")>{label}</a></li> }
    };
    let prev = (list.page > 1).then(|| filter.href(filter.kind, list.page - 1));
    let next = (list.page < list.pages).then(|| filter.href(filter.kind, list.page + 1));
    view! {
        <p class="lead" data-testid="record-of">{(t.record_of)(&list.patient_name)}</p>
        <nav aria-label=t.record_filters>
            <ul class="choices">
                {kind_link(None, t.record_all)}
                {RecordKind::ALL.into_iter().map(|k| kind_link(Some(k), kind_label(t, k))).collect_view()}
            </ul>
        </nav>
        <form method="get" action="/record" class="record-search" role="search">
            {filter.kind.map(|k| view! { <input type="hidden" name="kind" value=k.as_str()/> })}
            <div class="field">
                <label for="record-from">{t.date_from}</label>
                <input id="record-from" name="from" type="date" value=filter.from.map(|d| d.to_string()).unwrap_or_default()/>
            </div>
            <div class="field">
                <label for="record-to">{t.date_to}</label>
                <input id="record-to" name="to" type="date" value=filter.to.map(|d| d.to_string()).unwrap_or_default()/>
            </div>
            <div class="field">
                <label for="record-doctor">{t.step_doctor}</label>
                <select id="record-doctor" name="doctor">
                    <option value="">{t.any_doctor}</option>
                    {list.doctors.iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=filter.doctor == Some(*id)>{name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field grow">
                <label for="record-q">{t.record_search}</label>
                <input id="record-q" name="q" type="search" value=filter.q.clone()/>
            </div>
            <button type="submit">{t.find}</button>
        </form>
        {list.items.is_empty().then(|| view! { <p class="empty" role="status">{t.record_empty}</p> })}
        <ul class="record-list" data-testid="records">
            {list.items.into_iter().map(|r| view! {
                <li>
                    <a href=format!("/record/{}", r.id)>{r.title.clone()}</a>
                    <span class="meta">{format_date(r.date, lang)}" · "{kind_label(t, r.kind)}</span>
                    {r.doctor.clone().map(|d| view! {
                        <span class="meta">{d}{r.specialty.clone().map(|s| format!(", {s}"))}</span>
                    })}
                    {r.icd_code.clone().map(|c| view! { <span class="badge">{c}</span> })}
                    {r.category.map(|c| view! { <span class="badge">{category_label(t, c)}</span> })}
                </li>
            }).collect_view()}
        </ul>
        {(list.pages > 1).then(|| view! {
            <nav class="pager" aria-label=t.pagination>
                {prev.map(|h| view! { <a href=h>{t.newer}</a> })}
                <span>{(t.page_of)(list.page, list.pages)}</span>
                {next.map(|h| view! { <a href=h>{t.older}</a> })}
            </nav>
        })}
    }
}

#[component]
pub fn RecordItemPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let data = Resource::new(move || id.get(), get_record);
    view! {
        <Title text=t.nav_record/>
        <p><a href="/record">{t.nav_record}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(r) => view! {
                        <article class="record">
                            <h1>{r.title.clone()}</h1>
                            <dl class="facts">
                                <dt>{t.patient_label}</dt><dd>{r.patient_name.clone()}</dd>
                                <dt>{t.record_date}</dt><dd>{format_date(r.date, lang)}</dd>
                                <dt>{t.record_kind}</dt><dd>{kind_label(t, r.kind)}</dd>
                                {r.doctor.clone().map(|d| view! { <dt>{t.step_doctor}</dt><dd>{d}</dd> })}
                                {r.specialty.clone().map(|s| view! { <dt>{t.step_specialty}</dt><dd>{s}</dd> })}
                                {r.category.map(|c| view! { <dt>{t.record_category}</dt><dd>{category_label(t, c)}</dd> })}
                                {r.icd_code.clone().map(|c| view! {
                                    <dt>{t.record_diagnosis}</dt>
                                    <dd data-testid="diagnosis">{format!("{c} — {}", r.icd_text.clone().unwrap_or_default())}</dd>
                                })}
                            </dl>
                            <div class="record-body">{r.body.clone()}</div>
                        </article>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
