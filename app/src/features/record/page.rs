//! "Медкарта": the active profile's records, newest first, with the filters in the URL (kind
//! links and a plain GET form), so a filtered view is bookmarkable and works without JavaScript;
//! and one record on its own address.

use crate::features::record::api::{get_record, get_record_list};
use crate::features::record::delivery::{FileStatus, Gate, RecordFiles};
use crate::features::record::document_api::{AskResend, GateAnswer};
use crate::features::record::document_rules::Category;
use crate::features::record::rules::{RecordDetail, RecordFilter, RecordKind, RecordList};
use crate::i18n::{use_lang, use_texts, Texts};
use crate::kernel::media::{format_size, Preview};
use crate::kernel::time_fmt::format_date;
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::title::Title;
use crate::platform::ui::upload::{upload_error_from_query, upload_error_text, Typed, UploadForm};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

pub fn kind_label(t: &Texts, k: RecordKind) -> &'static str {
    match k {
        RecordKind::Outpatient => t.record().record_outpatient,
        RecordKind::Inpatient => t.record().record_inpatient,
        RecordKind::Patient => t.record().record_by_patient,
        RecordKind::Telemedicine => t.record().record_telemedicine,
    }
}

pub fn category_label(t: &Texts, c: Category) -> &'static str {
    match c {
        Category::Analyses => t.record().category_analyses,
        Category::Examinations => t.record().category_examinations,
        Category::Conclusion => t.record().category_conclusion,
        Category::Other => t.record().category_other,
    }
}

/// "Распечатать": the page's print button. Printing needs the browser's script, so the button
/// is an island that shows itself once hydrated; the print stylesheet shapes the page either
/// way, so the browser's own print works without it.
#[component]
pub fn PrintButton() -> impl IntoView {
    let t = use_texts();
    view! { <PrintIsland label=t.docs().print.to_string()/> }
}

#[island]
pub fn PrintIsland(label: String) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    move || {
        let label = label.clone();
        hydrated.get().then(|| {
            view! {
                <button type="button" class="no-print" on:click=move |_| {
                    let _ = window().print();
                }>{label}</button>
            }
        })
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
        <p class="actions no-print">
            <a class="button" href="/record/export.pdf" download>{t.docs().export_pdf}</a>
        </p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(list) => view! { <RecordListView list filter=filter.get_untracked()/> }.into_any(),
                }
            })}
        </Suspense>
        // Below the list, as on a record's page: the button appears only once its island is
        // hydrated, and above the list it pushed the list down on a phone (Lighthouse counted the
        // moved record links as a second, later largest paint).
        <PrintButton/>
        <OwnUpload/>
    }
}

/// The patient adds their own document (PDF, JPG, PNG): it shows under "Entered by patient".
#[component]
fn OwnUpload() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let initial_error = upload_error_from_query(query.get_untracked().get("upload_error"));
    let uploaded = query.get_untracked().get("uploaded").is_some();
    let open = initial_error.is_some() || uploaded;
    let error_text = initial_error.as_ref().map(|e| upload_error_text(e, t));
    let error = Signal::stored(initial_error);
    let typed = Typed::from_query(&query.get_untracked());
    view! {
        <details class="panel no-print" open=open>
            <summary>{t.docs().own_upload_title}</summary>
            {uploaded.then(|| view! { <p class="notice" role="status">{t.docs().uploaded}</p> })}
            <UploadForm action="/record/upload".to_string() done="/record".to_string() uploading=t.docs().uploading.to_string() error=error_text>
                <p class="hint" id="own-files-hint">{t.docs().own_upload_hint}</p>
                <label for="own-title">{t.docs().doc_title}</label>
                <input id="own-title" name="title" type="text" required maxlength="200" value=typed.get("title")/>
                <FieldError error field="title"/>
                <label for="own-date">{t.docs().visit_date}</label>
                <input id="own-date" name="visit_date" type="date" required value=typed.get("visit_date")/>
                <FieldError error field="visit_date"/>
                <label for="own-files">{t.docs().files}</label>
                <input id="own-files" name="files" type="file" multiple required accept="application/pdf,image/jpeg,image/png" aria-describedby="own-files-hint"/>
                <button type="submit" class="primary">{t.docs().add_document}</button>
            </UploadForm>
        </details>
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
        <p class="lead" data-testid="record-of">{(t.record().record_of)(&list.patient_name)}</p>
        <nav aria-label=t.record().record_filters>
            <ul class="choices">
                {kind_link(None, t.record().record_all)}
                {RecordKind::ALL.into_iter().map(|k| kind_link(Some(k), kind_label(t, k))).collect_view()}
            </ul>
        </nav>
        <form method="get" action="/record" class="record-search" role="search">
            {filter.kind.map(|k| view! { <input type="hidden" name="kind" value=k.as_str()/> })}
            <div class="field">
                <label for="record-from">{t.record().date_from}</label>
                <input id="record-from" name="from" type="date" value=filter.from.map(|d| d.to_string()).unwrap_or_default()/>
            </div>
            <div class="field">
                <label for="record-to">{t.record().date_to}</label>
                <input id="record-to" name="to" type="date" value=filter.to.map(|d| d.to_string()).unwrap_or_default()/>
            </div>
            <div class="field">
                <label for="record-doctor">{t.step_doctor}</label>
                <select id="record-doctor" name="doctor">
                    <option value="">{t.record().any_doctor}</option>
                    {list.doctors.iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=filter.doctor == Some(*id)>{name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field grow">
                <label for="record-q">{t.record().record_search}</label>
                <input id="record-q" name="q" type="search" value=filter.q.clone()/>
            </div>
            <button type="submit">{t.find}</button>
        </form>
        {list.items.is_empty().then(|| view! { <p class="empty" role="status">{t.record().record_empty}</p> })}
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
                    {r.locked.then(|| view! { <span class="badge status-scheduled">{t.docs().gate_locked_badge}</span> })}
                    {r.for_ward.clone().map(|w| view! { <span class="meta" data-testid="for-ward">{format!("{}: {w}", t.docs().for_ward)}</span> })}
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
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let gate = ServerAction::<GateAnswer>::new();
    let resend = ServerAction::<AskResend>::new();
    let data =
        Resource::new(move || (id.get(), gate.version().get(), resend.version().get()), |(id, ..)| get_record(id));
    view! {
        <Title text=t.nav_record/>
        <p class="no-print"><a href="/record">{t.nav_record}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(r) => view! { <RecordView r gate resend/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RecordView(r: RecordDetail, gate: ServerAction<GateAnswer>, resend: ServerAction<AskResend>) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let gate_error = last_error(gate.value());
    let record_id = r.id.to_string();
    view! {
        <article class="record">
            <h1>{r.title.clone()}</h1>
            <dl class="facts">
                <dt>{t.patient_label}</dt><dd>{r.patient_name.clone()}</dd>
                {r.for_ward.clone().map(|w| view! { <dt>{t.docs().for_ward}</dt><dd data-testid="for-ward">{w}</dd> })}
                <dt>{t.record().record_date}</dt><dd>{format_date(r.date, lang)}</dd>
                <dt>{t.record().record_kind}</dt><dd>{kind_label(t, r.kind)}</dd>
                {r.doctor.clone().map(|d| view! { <dt>{t.step_doctor}</dt><dd>{d}</dd> })}
                {r.specialty.clone().map(|s| view! { <dt>{t.step_specialty}</dt><dd>{s}</dd> })}
                {r.category.map(|c| view! { <dt>{t.record().record_category}</dt><dd>{category_label(t, c)}</dd> })}
                {r.icd_code.clone().map(|c| view! {
                    <dt>{t.record().record_diagnosis}</dt>
                    <dd data-testid="diagnosis">{format!("{c} — {}", r.icd_text.clone().unwrap_or_default())}</dd>
                })}
            </dl>
            {match r.gate {
                Gate::Open => view! {
                    <div class="record-body">{r.body.clone()}</div>
                    {r.files.clone().map(|files| view! { <RecordFilesView files record=r.id resend/> })}
                    <PrintButton/>
                }.into_any(),
                Gate::AskBirthDate => view! {
                    <section class="panel" data-testid="gate">
                        <h2>{t.docs().gate_title}</h2>
                        <p>{t.docs().gate_text}</p>
                        <ActionForm action=gate attr:class="stack">
                            <input type="hidden" name="record" value=record_id.clone()/>
                            <label for="gate-birth-date">{t.docs().gate_birth_date}</label>
                            <input id="gate-birth-date" name="birth_date" type="date" required aria-describedby="birth_date-error"/>
                            <FieldError error=gate_error field="birth_date"/>
                            <FormError error=gate_error/>
                            <button type="submit" class="primary">{t.docs().gate_open}</button>
                        </ActionForm>
                    </section>
                }.into_any(),
                Gate::Blocked => view! {
                    <p class="notice warning" role="alert" data-testid="gate-blocked">{t.docs().gate_blocked}</p>
                }.into_any(),
            }}
        </article>
    }
}

/// The record's files: delivered ones open (a preview for images and PDF) and download; the
/// others say they did not arrive, and the clinic can be asked to send them again.
#[component]
fn RecordFilesView(files: RecordFiles, record: i64, resend: ServerAction<AskResend>) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let resend_error = last_error(resend.value());
    let from_clinic = files.from_clinic;
    view! {
        <section class="record-files" aria-labelledby="files-heading">
            <h2 id="files-heading">{t.docs().files}</h2>
            {from_clinic.then(|| view! { <p data-testid="delivery-status">{t.docs().status(files.status)}</p> })}
            <ul class="files">
                {files.files.into_iter().map(|f| {
                    let href = format!("/files/{}", f.id);
                    let inline = format!("/files/{}?inline=1", f.id);
                    match f.status {
                        FileStatus::Delivered => view! {
                            <li data-testid="record-file">
                                <span class="file-name">{f.name.clone()}</span>
                                <span class="meta">{format_size(f.size, lang)}</span>
                                {match f.preview() {
                                    Preview::Image => view! { <img class="preview" src=inline.clone() alt=f.name.clone()/> }.into_any(),
                                    Preview::Pdf => view! {
                                        <iframe class="preview no-print" src=inline.clone() title=f.name.clone()></iframe>
                                    }.into_any(),
                                    Preview::None => ().into_any(),
                                }}
                                <a href=inline.clone() target="_blank" rel="noopener">{t.docs().open_file}</a>
                                <a href=href download>{t.docs().download}</a>
                            </li>
                        }.into_any(),
                        FileStatus::Queued => view! {
                            <li data-testid="record-file"><span class="file-name">{f.name.clone()}</span> <span class="badge">{t.docs().st_queued_file}</span></li>
                        }.into_any(),
                        _ => view! {
                            <li data-testid="record-file">
                                <span class="file-name">{f.name.clone()}</span>
                                <span class="badge status-withdrawn">{t.docs().not_arrived}</span>
                                {if f.resend_requested {
                                    view! { <span class="meta">{t.docs().resend_asked}</span> }.into_any()
                                } else if from_clinic {
                                    view! {
                                        <ActionForm action=resend attr:class="inline-form no-print">
                                            <input type="hidden" name="record" value=record.to_string()/>
                                            <input type="hidden" name="file" value=f.id.to_string()/>
                                            <button type="submit">{t.docs().ask_resend}</button>
                                        </ActionForm>
                                    }.into_any()
                                } else {
                                    ().into_any()
                                }}
                            </li>
                        }.into_any(),
                    }
                }).collect_view()}
            </ul>
            <FormError error=resend_error/>
        </section>
    }
}
