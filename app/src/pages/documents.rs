//! The staff side of documents: find a card, upload and send documents from it (with the
//! reasons a file cannot be sent shown before the upload, by the same rules the server
//! applies), follow each upload's delivery, resend, lift a locked date-of-birth gate, write
//! protocols ("Отправить и напечатать"), and, for the head, enable the cabinet module.

use crate::api::documents::{
    document_card_search, get_card_documents, get_modules, DocumentResend, EnableCabinetModule, GateReset, ProtocolSave,
};
use crate::components::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::components::title::Title;
use crate::components::upload::{upload_error_from_query, upload_error_text, UploadForm, UPLOAD_FORM_ID};
use crate::domain::account::{Role, Roles};
use crate::domain::delivery::{CardDocuments, FileStatus, RouteView, StaffProtocol, StaffUpload, UploadStatus};
use crate::domain::documents::{refusals, CardFacts, Category, FileFacts, Refusal, UploadFacts};
use crate::domain::files::format_size;
use crate::domain::record::RecordKind;
use crate::domain::time_fmt::{format_date, format_datetime};
use crate::i18n::{clinic_offset, use_lang, use_texts, Texts};
use crate::pages::cards::CardSearchForm;
use crate::pages::record::{category_label, kind_label, PrintButton};
use crate::pages::staff::RequireStaff;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

fn status_class(s: UploadStatus) -> &'static str {
    match s {
        UploadStatus::Delivered => "badge status-published",
        UploadStatus::DeliveredSome { .. } | UploadStatus::Sending => "badge status-scheduled",
        UploadStatus::NotSent | UploadStatus::CannotSend => "badge status-withdrawn",
    }
}

fn file_status(t: &Texts, s: FileStatus) -> &'static str {
    match s {
        FileStatus::Queued => t.docs.st_queued_file,
        FileStatus::Delivered => t.docs.st_delivered_file,
        FileStatus::NotSent => t.docs.st_not_sent,
        FileStatus::CannotSend => t.docs.st_cannot_send,
    }
}

/// Find a card: a plain GET form, so results have an address and work without JavaScript.
#[component]
pub fn StaffDocumentsPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let birth = move || query.read().get("birth_date").unwrap_or_default();
    let results = Resource::new(move || (q(), birth()), |(q, b)| document_card_search(q, Some(b)));
    view! {
        <Title text=t.docs.nav_documents/>
        <RequireStaff allowed=Roles::can_read_protocols view=move |_| view! {
            <h1>{t.docs.nav_documents}</h1>
            <p class="lead">{t.docs.documents_intro}</p>
            <p class="hint">{t.docs.find_card_hint}</p>
            <CardSearchForm action="/staff/documents" q=q() birth=birth()/>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    let searched = !q().trim().is_empty() || !birth().is_empty();
                    match results.await {
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                        Ok(cards) if cards.is_empty() => {
                            searched.then(|| view! { <p class="empty">{t.no_cards_found}</p> }).into_any()
                        }
                        Ok(cards) => view! {
                            <ul class="admin-list cards">
                                {cards.into_iter().map(|c| view! {
                                    <li>
                                        <a href=format!("/staff/cards/{}/documents", c.id)>{c.full_name}</a>
                                        <span class="meta">{format_date(c.birth_date, lang)}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}

fn card_id_param() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0))
}

#[component]
pub fn StaffCardDocumentsPage() -> impl IntoView {
    let t = use_texts();
    let id = card_id_param();
    let resend = ServerAction::<DocumentResend>::new();
    let reset = ServerAction::<GateReset>::new();
    let protocol = ServerAction::<ProtocolSave>::new();
    let data = Resource::new(
        move || (id.get(), resend.version().get(), reset.version().get(), protocol.version().get()),
        |(id, ..)| get_card_documents(id),
    );
    view! {
        <Title text=t.docs.nav_documents/>
        <p><a href="/staff/documents">{t.docs.nav_documents}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(d) => view! { <CardDocumentsView d resend reset protocol/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CardDocumentsView(
    d: CardDocuments,
    resend: ServerAction<DocumentResend>,
    reset: ServerAction<GateReset>,
    protocol: ServerAction<ProtocolSave>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let reset_error = last_error(reset.value());
    let card = d.card_id.to_string();
    view! {
        <h1>{(t.docs.documents_of)(&d.full_name)}</h1>
        <p class="meta" data-testid="card-number">
            {(t.card_number)(d.card_id)}" · "{format_date(d.birth_date, lang)}
        </p>
        {d.gate_blocked.then(|| {
            let card = card.clone();
            view! {
                <section class="panel warning" role="status" data-testid="gate-blocked">
                    <p>{t.docs.gate_blocked_staff}</p>
                    <ActionForm action=reset attr:class="stack">
                        <input type="hidden" name="card" value=card/>
                        <label class="check"><input type="checkbox" name="phone_confirmed" value="on"/>{t.docs.phone_confirmed_now}</label>
                        <FormError error=reset_error/>
                        <button type="submit">{t.docs.gate_reset}</button>
                    </ActionForm>
                </section>
            }
        })}
        <UploadSection d=d.clone()/>
        <section class="panel" aria-labelledby="uploads-heading">
            <h2 id="uploads-heading">{t.docs.uploads}</h2>
            {d.uploads.is_empty().then(|| view! { <p class="empty">{t.docs.no_uploads}</p> })}
            <ul class="uploads" data-testid="uploads">
                {d.uploads.into_iter().map(|u| view! { <UploadItem u card=d.card_id resend/> }).collect_view()}
            </ul>
        </section>
        <ProtocolsSection card=d.card_id protocols=d.protocols today=d.today own_consent_today=d.own_consent_today protocol/>
    }
}

/// The upload form. Without JavaScript one "send" box covers every file; in the browser the
/// fields are an island (`UploadFields`): each chosen file is listed with its own box, ticked
/// where the rules allow sending, and the reasons follow the category, the diagnosis and the
/// file's size as they are typed.
#[component]
fn UploadSection(d: CardDocuments) -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let initial_error = upload_error_from_query(query.get_untracked().get("upload_error"));
    let uploaded = query.get_untracked().get("uploaded").is_some();
    let error_text = initial_error.as_ref().map(|e| upload_error_text(e, t));
    let field_message = |field: &str| initial_error.as_ref().and_then(|e| e.field_message(field, t));
    let module_enabled = d.module_enabled;
    let rules = UploadRules {
        facts: d.target_facts.clone(),
        module_enabled,
        // The minor's own-consent care goes only to the ward's own profile, never to a guardian.
        own_consent_kept: !matches!(d.route, RouteView::Own | RouteView::WardProfile),
        nobody: matches!(d.route, RouteView::Nobody(_)),
    };
    let form = UploadFormView {
        today: d.today.to_string(),
        doctors: d.doctors.clone(),
        own_consent_today: d.own_consent_today,
        category_error: field_message("category"),
        title_error: field_message("title"),
        visit_date_error: field_message("visit_date"),
        own_consent_error: field_message("own_consent"),
    };
    let route_view = match d.route.clone() {
        RouteView::Own => ().into_any(),
        RouteView::WardProfile => view! { <p class="hint">{t.docs.lands_in_ward}</p> }.into_any(),
        RouteView::Guardian { name, .. } => view! { <p class="hint">{(t.docs.lands_with)(&name)}</p> }.into_any(),
        RouteView::Choose(list) => view! {
            <fieldset>
                <legend>{t.docs.choose_guardian}</legend>
                {list.into_iter().enumerate().map(|(i, (id, name))| view! {
                    <label class="check"><input type="radio" name="guardian" form=UPLOAD_FORM_ID value=id.to_string() required checked=i == 0/>{name}</label>
                }).collect_view()}
            </fieldset>
        }.into_any(),
        RouteView::Nobody(list) => view! {
            <div class="notice warning" role="status">
                <p>{t.docs.no_guardians}</p>
                <ul>{list.into_iter().map(|(name, r)| view! { <li>{name}": "{t.docs.guardian_refusal(r)}</li> }).collect_view()}</ul>
            </div>
        }.into_any(),
        RouteView::KeptFromGuardians => view! { <p class="notice warning" role="status">{t.docs.own_consent_kept}</p> }.into_any(),
    };
    let action = format!("/staff/cards/{}/documents/upload", d.card_id);
    let done = format!("/staff/cards/{}/documents", d.card_id);
    view! {
        <section class="panel" aria-labelledby="upload-heading">
            <h2 id="upload-heading">{t.docs.upload_title}</h2>
            {uploaded.then(|| view! { <p class="notice" role="status">{t.docs.uploaded}</p> })}
            {(!module_enabled).then(|| view! { <p class="notice warning">{t.docs.module_off}</p> })}
            {route_view}
            <UploadForm action done uploading=t.docs.uploading.to_string() error=error_text>
                <UploadFields rules form texts=UploadTexts::new(t)/>
            </UploadForm>
        </section>
    }
}

/// What the upload's rules read besides the form: the facts of the card the files land in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadRules {
    facts: CardFacts,
    module_enabled: bool,
    /// Care the minor consented to alone cannot go where these files land.
    own_consent_kept: bool,
    /// A ward's files with no guardian able to receive them.
    nobody: bool,
}

/// The form's choices and the last plain submission's field errors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadFormView {
    today: String,
    doctors: Vec<(i64, String)>,
    /// The patient is 15 to 17 today: the minor's own consent can be marked.
    own_consent_today: bool,
    category_error: Option<String>,
    title_error: Option<String>,
    visit_date_error: Option<String>,
    own_consent_error: Option<String>,
}

/// The words of the upload fields (an island gets its texts as props).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadTexts {
    category: String,
    /// In the order of `Category::ALL`.
    categories: Vec<String>,
    doc_title: String,
    visit_date: String,
    doctor: String,
    no_doctor: String,
    icd_code: String,
    icd_text: String,
    anonymous_visit: String,
    own_consent: String,
    can_send_all: String,
    before_upload: String,
    files: String,
    files_hint: String,
    send_to_cabinet: String,
    upload_and_send: String,
    /// In the order of `Refusal::ALL`.
    refusals: Vec<String>,
}

impl UploadTexts {
    fn new(t: &Texts) -> Self {
        UploadTexts {
            category: t.docs.category.into(),
            categories: Category::ALL.into_iter().map(|c| category_label(t, c).into()).collect(),
            doc_title: t.docs.doc_title.into(),
            visit_date: t.docs.visit_date.into(),
            doctor: t.docs.doctor.into(),
            no_doctor: t.docs.no_doctor.into(),
            icd_code: t.docs.icd_code.into(),
            icd_text: t.docs.icd_text.into(),
            anonymous_visit: t.docs.anonymous_visit.into(),
            own_consent: t.docs.own_consent.into(),
            can_send_all: t.docs.can_send_all.into(),
            before_upload: t.docs.before_upload.into(),
            files: t.docs.files.into(),
            files_hint: t.docs.files_hint.into(),
            send_to_cabinet: t.docs.send_to_cabinet.into(),
            upload_and_send: t.docs.upload_and_send.into(),
            refusals: Refusal::ALL.into_iter().map(|r| t.docs.refusal(r).into()).collect(),
        }
    }

    fn refusal(&self, r: Refusal) -> String {
        let i = Refusal::ALL.iter().position(|x| *x == r).unwrap_or(0);
        self.refusals.get(i).cloned().unwrap_or_default()
    }
}

fn field_error(id: &'static str, message: Option<String>) -> impl IntoView {
    message.map(|m| view! { <p class="field-error" id=format!("{id}-error")>{m}</p> })
}

/// The upload's fields, with the reasons a file cannot be sent worked out as they are chosen.
#[island]
pub fn UploadFields(rules: UploadRules, form: UploadFormView, texts: UploadTexts) -> impl IntoView {
    let UploadRules { facts, module_enabled, own_consent_kept, nobody } = rules;
    let texts = StoredValue::new(texts);
    let category = RwSignal::new(Category::Analyses);
    let anonymous = RwSignal::new(false);
    let own_consent = RwSignal::new(false);
    let has_icd = RwSignal::new(false);
    let chosen = RwSignal::new(Vec::<(String, u64)>::new());
    let upload = move || UploadFacts {
        category: category.get(),
        anonymous_visit: anonymous.get(),
        has_icd_diagnosis: has_icd.get(),
        module_enabled,
        before_module: !module_enabled,
    };
    let reasons_for = move |size: u64| {
        let mut r = refusals(&FileFacts::of(&facts, &upload(), size, false));
        if own_consent.get() && own_consent_kept {
            r.push(Refusal::OwnConsentCare);
        } else if nobody {
            r.push(Refusal::NoAbleGuardian);
        }
        r
    };
    let general = {
        let reasons_for = reasons_for.clone();
        move || reasons_for(0)
    };
    let on_files = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
            let mut list = Vec::new();
            if let Some(files) = input.and_then(|i| i.files()) {
                for i in 0..files.length() {
                    if let Some(f) = files.get(i) {
                        list.push((f.name(), f.size() as u64));
                    }
                }
            }
            chosen.set(list);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let UploadFormView {
        today,
        doctors,
        own_consent_today,
        category_error,
        title_error,
        visit_date_error,
        own_consent_error,
    } = form;
    let x = texts.get_value();
    view! {
        <label for="category">{x.category}</label>
        <select id="category" name="category" required on:change=move |ev| {
            if let Some(c) = Category::parse(&event_target_value(&ev)) { category.set(c) }
        }>
            {Category::ALL.into_iter().zip(x.categories).map(|(c, label)| view! {
                <option value=c.as_str() selected=c == Category::Analyses>{label}</option>
            }).collect_view()}
        </select>
        {field_error("category", category_error)}
        <label for="title">{x.doc_title}</label>
        <input id="title" name="title" type="text" required maxlength="200"/>
        {field_error("title", title_error)}
        <label for="visit_date">{x.visit_date}</label>
        <input id="visit_date" name="visit_date" type="date" required value=today.clone() max=today/>
        {field_error("visit_date", visit_date_error)}
        <label for="doctor">{x.doctor}</label>
        <select id="doctor" name="doctor">
            <option value="">{x.no_doctor}</option>
            {doctors.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
        </select>
        <label for="icd_code">{x.icd_code}</label>
        <input id="icd_code" name="icd_code" type="text" maxlength="16" on:input=move |ev| has_icd.set(!event_target_value(&ev).trim().is_empty())/>
        <label for="icd_text">{x.icd_text}</label>
        <input id="icd_text" name="icd_text" type="text" maxlength="300"/>
        <label class="check">
            <input type="checkbox" name="anonymous" value="on" on:change=move |ev| anonymous.set(event_target_checked(&ev))/>
            {x.anonymous_visit}
        </label>
        {own_consent_today.then(|| view! {
            <label class="check">
                <input type="checkbox" name="own_consent" value="on" data-testid="own-consent" on:change=move |ev| own_consent.set(event_target_checked(&ev))/>
                {x.own_consent}
            </label>
        })}
        {field_error("own_consent", own_consent_error)}
        <div class="eligibility" data-testid="eligibility" aria-live="polite">
            {move || {
                let r = general();
                texts.with_value(|x| if r.is_empty() {
                    Either::Left(view! { <p class="hint">{x.can_send_all.clone()}</p> })
                } else {
                    Either::Right(view! {
                        <p class="hint">{x.before_upload.clone()}</p>
                        <ul class="reasons">{r.into_iter().map(|r| view! { <li>{x.refusal(r)}</li> }).collect_view()}</ul>
                    })
                })
            }}
        </div>
        <label for="files">{x.files}</label>
        <input id="files" name="files" type="file" multiple required aria-describedby="files-hint" on:change=on_files/>
        <p class="hint" id="files-hint">{x.files_hint}</p>
        {move || {
            let list = chosen.get();
            let send = texts.with_value(|x| x.send_to_cabinet.clone());
            if list.is_empty() {
                Either::Left(view! {
                    <label class="check"><input type="checkbox" name="send_all" value="on" checked=true/>{send}</label>
                })
            } else {
                let reasons_for = reasons_for.clone();
                Either::Right(view! {
                    <input type="hidden" name="per_file" value="1"/>
                    <ul class="chosen-files" data-testid="chosen-files">
                        {list.into_iter().enumerate().map(|(i, (name, size))| {
                            let why = reasons_for(size);
                            let can = why.is_empty();
                            let why = texts.with_value(|x| why.into_iter().map(|r| x.refusal(r)).collect::<Vec<_>>().join(", "));
                            view! {
                                <li>
                                    <label class="check">
                                        <input type="checkbox" name=format!("send_{i}") value="on" checked=can disabled=!can/>
                                        {format!("{send} — {name}")}
                                    </label>
                                    {(!can).then(|| view! { <span class="meta">{why}</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }
        }}
        <button type="submit" class="primary">{x.upload_and_send}</button>
    }
}

#[component]
fn UploadItem(u: StaffUpload, card: i64, resend: ServerAction<DocumentResend>) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let offset = clinic_offset();
    let resend_error = last_error(resend.value());
    view! {
        <li class="upload" data-testid="upload">
            <h3>{u.title.clone()}</h3>
            <p>
                <span class=status_class(u.status) data-testid="upload-status">{t.docs.status(u.status)}</span>
                {u.category.map(|c| view! { " " <span class="badge">{category_label(t, c)}</span> })}
                {u.own_consent.then(|| view! { " " <span class="badge">{t.docs.own_consent_badge}</span> })}
            </p>
            <p class="meta">
                {format_date(u.visit_date, lang)}" · "{t.docs.uploaded_by}": "{u.uploaded_by.clone()}", "
                {format_datetime(u.created_at, offset, lang)}
            </p>
            {u.landed_with.clone().map(|n| view! { <p class="meta">{(t.docs.lands_with)(&n)}</p> })}
            <ul class="files">
                {u.files.into_iter().map(|f| {
                    let reasons = f.reasons.iter().map(|r| t.docs.reason(*r)).collect::<Vec<_>>().join(", ");
                    let can_resend = matches!(f.status, FileStatus::NotSent | FileStatus::CannotSend);
                    let why = reasons.clone();
                    view! {
                        <li data-testid="staff-file">
                            <span class="file-name">{f.name.clone()}</span>
                            <span class="meta">{format_size(f.size, lang)}</span>
                            <span class="badge" title=why.clone()>{file_status(t, f.status)}</span>
                            {(!reasons.is_empty()).then(|| view! { <span class="reason" data-testid="file-reason">{reasons.clone()}</span> })}
                            {f.converted.map(|c| view! { <span class="meta">{(t.docs.converted_to)(&c.extension().to_uppercase())}</span> })}
                            {f.resend_requested.then(|| view! { <span class="badge status-scheduled">{t.docs.resend_asked}</span> })}
                            <a href=format!("/files/{}", f.id)>{t.docs.download_original}</a>
                            {f.converted.map(|_| view! { <a href=format!("/files/{}?copy=1", f.id)>{t.docs.download}</a> })}
                            {can_resend.then(|| view! {
                                <ActionForm action=resend attr:class="inline-form">
                                    <input type="hidden" name="card" value=card.to_string()/>
                                    <input type="hidden" name="file" value=f.id.to_string()/>
                                    <button type="submit">{t.docs.resend}</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <FormError error=resend_error/>
        </li>
    }
}

/// The kinds a clinician writes (the patient's own entries come from the patient).
const PROTOCOL_KINDS: [RecordKind; 3] = [RecordKind::Outpatient, RecordKind::Inpatient, RecordKind::Telemedicine];

#[component]
fn ProtocolForm(
    card: i64,
    existing: Option<StaffProtocol>,
    today: time::Date,
    /// The patient is 15 to 17 today (or the protocol is marked already): the minor's own
    /// consent can be marked.
    own_consent_today: bool,
    protocol: ServerAction<ProtocolSave>,
) -> impl IntoView {
    let t = use_texts();
    let error = last_error(protocol.value());
    let p = existing.clone();
    let kind = p.as_ref().map(|p| p.kind).unwrap_or(RecordKind::Outpatient);
    view! {
        <ActionForm action=protocol attr:class="stack">
            <input type="hidden" name="card" value=card.to_string()/>
            {p.as_ref().map(|p| view! { <input type="hidden" name="id" value=p.id.to_string()/> })}
            <label for="p-kind">{t.docs.protocol_kind}</label>
            <select id="p-kind" name="kind">
                {PROTOCOL_KINDS.into_iter().map(|k| view! { <option value=k.as_str() selected=k == kind>{kind_label(t, k)}</option> }).collect_view()}
            </select>
            <FieldError error field="kind"/>
            <label for="p-date">{t.docs.visit_date}</label>
            <input id="p-date" name="visit_date" type="date" required
                value=p.as_ref().map(|p| p.visit_date).unwrap_or(today).to_string()/>
            <FieldError error field="visit_date"/>
            <label for="p-title">{t.docs.doc_title}</label>
            <input id="p-title" name="title" type="text" required maxlength="200" value=p.as_ref().map(|p| p.title.clone())/>
            <FieldError error field="title"/>
            <label for="p-icd">{t.docs.icd_code}</label>
            <input id="p-icd" name="icd_code" type="text" maxlength="16" value=p.as_ref().and_then(|p| p.icd_code.clone())/>
            <label for="p-icd-text">{t.docs.icd_text}</label>
            <input id="p-icd-text" name="icd_text" type="text" maxlength="300" value=p.as_ref().and_then(|p| p.icd_text.clone())/>
            <label for="p-body">{t.docs.protocol_body}</label>
            <textarea id="p-body" name="body" rows="8" required>{p.as_ref().map(|p| p.body.clone())}</textarea>
            <FieldError error field="body"/>
            {(own_consent_today || p.as_ref().is_some_and(|p| p.own_consent)).then(|| view! {
                <label class="check">
                    <input type="checkbox" name="own_consent" value="on" checked=p.as_ref().is_some_and(|p| p.own_consent)/>
                    {t.docs.own_consent}
                </label>
            })}
            <FieldError error field="own_consent"/>
            <FormError error/>
            <div class="actions">
                <button type="submit">{t.docs.save_protocol}</button>
                <button type="submit" class="primary" name="send" value="1">{t.docs.send_and_print}</button>
            </div>
        </ActionForm>
    }
}

#[component]
fn ProtocolsSection(
    card: i64,
    protocols: Vec<StaffProtocol>,
    today: time::Date,
    own_consent_today: bool,
    protocol: ServerAction<ProtocolSave>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    view! {
        <section class="panel" aria-labelledby="protocols-heading">
            <h2 id="protocols-heading">{t.docs.protocols}</h2>
            <ul class="admin-list" data-testid="protocols">
                {protocols.into_iter().map(|p| view! {
                    <li>
                        <a href=format!("/staff/cards/{card}/records/{}", p.id)>{p.title.clone()}</a>
                        <span class="meta">{format_date(p.visit_date, lang)}" · "{kind_label(t, p.kind)}</span>
                        {p.sent_at.map(|_| view! { <span class="badge status-published">{t.docs.protocol_sent}</span> })}
                        {p.own_consent.then(|| view! { <span class="badge">{t.docs.own_consent_badge}</span> })}
                    </li>
                }).collect_view()}
            </ul>
            <details>
                <summary>{t.docs.new_protocol}</summary>
                <ProtocolForm card existing=None today own_consent_today protocol/>
            </details>
        </section>
    }
}

/// One protocol: the print view ("Отправить и напечатать" lands here) and, inside the edit
/// window and while unsent, its edit form.
#[component]
pub fn StaffProtocolPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let params = use_params_map();
    let card = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let record = Memo::new(move |_| params.read().get("record").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let protocol = ServerAction::<ProtocolSave>::new();
    let data = Resource::new(move || (card.get(), protocol.version().get()), |(id, _)| get_card_documents(id));
    view! {
        <Title text=t.docs.protocols/>
        <p class="no-print"><a href=move || format!("/staff/cards/{}/documents", card.get())>{t.docs.nav_documents}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let d = match data.await {
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(d) => d,
                };
                let Some(p) = d.protocols.iter().find(|p| p.id == record.get_untracked()).cloned() else {
                    return view! { <ErrorPanel error=crate::error::AppError::NotFound/> }.into_any();
                };
                view! {
                    <article class="record">
                        <h1>{p.title.clone()}</h1>
                        <dl class="facts">
                            <dt>{t.patient_label}</dt><dd>{d.full_name.clone()}</dd>
                            <dt>{t.record_date}</dt><dd>{format_date(p.visit_date, lang)}</dd>
                            <dt>{t.record_kind}</dt><dd>{kind_label(t, p.kind)}</dd>
                            {p.icd_code.clone().map(|c| view! {
                                <dt>{t.record_diagnosis}</dt><dd>{format!("{c} — {}", p.icd_text.clone().unwrap_or_default())}</dd>
                            })}
                        </dl>
                        <div class="record-body">{p.body.clone()}</div>
                        {p.sent_at.map(|_| view! { <p class="badge status-published">{t.docs.protocol_sent}</p> })}
                        {p.own_consent.then(|| view! { <p class="badge no-print">{t.docs.own_consent_badge}</p> })}
                    </article>
                    <PrintButton/>
                    {if p.editable {
                        view! {
                            <section class="panel no-print">
                                <h2>{t.docs.edit_protocol}</h2>
                                <ProtocolForm card=d.card_id existing=Some(p.clone()) today=d.today
                                    own_consent_today=d.own_consent_today protocol/>
                            </section>
                        }.into_any()
                    } else if p.sent_at.is_none() {
                        view! { <p class="notice warning no-print">{(t.docs.protocol_locked)(d.edit_hours)}</p> }.into_any()
                    } else {
                        ().into_any()
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn StaffModulesPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let enable = ServerAction::<EnableCabinetModule>::new();
    let error = last_error(enable.value());
    let data = Resource::new(move || enable.version().get(), |_| get_modules());
    view! {
        <Title text=t.docs.modules_title/>
        <RequireStaff allowed=|r: &Roles| r.has(Role::Head) view=move |_| view! {
            <h1>{t.docs.modules_title}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                        Ok(enabled) => view! {
                            <section class="panel" data-testid="cabinet-module">
                                <h2>{t.docs.cabinet_module}</h2>
                                {match enabled {
                                    Some(at) => view! {
                                        <p>{t.docs.module_enabled_on}": "{format_datetime(at, clinic_offset(), lang)}</p>
                                    }.into_any(),
                                    None => view! {
                                        <ActionForm action=enable>
                                            <FormError error/>
                                            <button type="submit" class="primary">{t.docs.enable_module}</button>
                                        </ActionForm>
                                    }.into_any(),
                                }}
                            </section>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}
