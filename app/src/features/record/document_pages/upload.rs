//! Uploading from a card: the upload section with the reasons a file cannot be sent shown
//! before the upload (the `UploadFields` island), and each upload's delivery with resend.

use super::*;

/// The upload form. Without JavaScript one "send" box covers every file; in the browser the
/// fields are an island (`UploadFields`): each chosen file is listed with its own box, ticked
/// where the rules allow sending, and the reasons follow the category, the diagnosis and the
/// file's size as they are typed.
#[component]
pub(super) fn UploadSection(d: CardDocuments) -> impl IntoView {
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
        typed: Typed::from_query(&query.get_untracked()),
    };
    let route_view = match d.route.clone() {
        RouteView::Own => ().into_any(),
        RouteView::WardProfile => view! { <p class="hint">{t.docs().lands_in_ward}</p> }.into_any(),
        RouteView::Guardian { name, .. } => view! { <p class="hint">{(t.docs().lands_with)(&name)}</p> }.into_any(),
        RouteView::Choose(list) => view! {
            <fieldset>
                <legend>{t.docs().choose_guardian}</legend>
                {list.into_iter().enumerate().map(|(i, (id, name))| view! {
                    <label class="check"><input type="radio" name="guardian" form=UPLOAD_FORM_ID value=id.to_string() required checked=i == 0/>{name}</label>
                }).collect_view()}
            </fieldset>
        }.into_any(),
        RouteView::Nobody(list) => view! {
            <div class="notice warning" role="status">
                <p>{t.docs().no_guardians}</p>
                <ul>{list.into_iter().map(|(name, r)| view! { <li>{name}": "{t.docs().guardian_refusal(r)}</li> }).collect_view()}</ul>
            </div>
        }.into_any(),
        RouteView::KeptFromGuardians => view! { <p class="notice warning" role="status">{t.docs().own_consent_kept}</p> }.into_any(),
    };
    let action = format!("/staff/cards/{}/documents/upload", d.card_id);
    let done = format!("/staff/cards/{}/documents", d.card_id);
    view! {
        <section class="panel" aria-labelledby="upload-heading">
            <h2 id="upload-heading">{t.docs().upload_title}</h2>
            {uploaded.then(|| view! { <p class="notice" role="status">{t.docs().uploaded}</p> })}
            {(!module_enabled).then(|| view! { <p class="notice warning">{t.docs().module_off}</p> })}
            {route_view}
            <UploadForm action done uploading=t.docs().uploading.to_string() error=error_text>
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
    /// What was typed before a refused upload.
    typed: Typed,
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
            category: t.docs().category.into(),
            categories: Category::ALL.into_iter().map(|c| category_label(t, c).into()).collect(),
            doc_title: t.docs().doc_title.into(),
            visit_date: t.docs().visit_date.into(),
            doctor: t.docs().doctor.into(),
            no_doctor: t.docs().no_doctor.into(),
            icd_code: t.docs().icd_code.into(),
            icd_text: t.docs().icd_text.into(),
            anonymous_visit: t.docs().anonymous_visit.into(),
            own_consent: t.docs().own_consent.into(),
            can_send_all: t.docs().can_send_all.into(),
            before_upload: t.docs().before_upload.into(),
            files: t.docs().files.into(),
            files_hint: t.docs().files_hint.into(),
            send_to_cabinet: t.docs().send_to_cabinet.into(),
            upload_and_send: t.docs().upload_and_send.into(),
            refusals: Refusal::ALL.into_iter().map(|r| t.docs().refusal(r).into()).collect(),
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
    let typed = form.typed.clone();
    let initial_category = Category::parse(&typed.get("category")).unwrap_or(Category::Analyses);
    let category = RwSignal::new(initial_category);
    let anonymous = RwSignal::new(typed.checked("anonymous"));
    let own_consent = RwSignal::new(typed.checked("own_consent"));
    let has_icd = RwSignal::new(!typed.get("icd_code").trim().is_empty());
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
        typed: _,
    } = form;
    let visit_date = Some(typed.get("visit_date")).filter(|d| !d.is_empty()).unwrap_or_else(|| today.clone());
    let doctor = typed.get("doctor");
    let x = texts.get_value();
    view! {
        <label for="category">{x.category}</label>
        <select id="category" name="category" required on:change=move |ev| {
            if let Some(c) = Category::parse(&event_target_value(&ev)) { category.set(c) }
        }>
            {Category::ALL.into_iter().zip(x.categories).map(|(c, label)| view! {
                <option value=c.as_str() selected=c == initial_category>{label}</option>
            }).collect_view()}
        </select>
        {field_error("category", category_error)}
        <label for="title">{x.doc_title}</label>
        <input id="title" name="title" type="text" required maxlength="200" value=typed.get("title")/>
        {field_error("title", title_error)}
        <label for="visit_date">{x.visit_date}</label>
        <input id="visit_date" name="visit_date" type="date" required value=visit_date max=today/>
        {field_error("visit_date", visit_date_error)}
        <label for="doctor">{x.doctor}</label>
        <select id="doctor" name="doctor">
            <option value="">{x.no_doctor}</option>
            {doctors.into_iter().map(|(id, name)| view! { <option value=id.to_string() selected=id.to_string() == doctor>{name}</option> }).collect_view()}
        </select>
        <label for="icd_code">{x.icd_code}</label>
        <input id="icd_code" name="icd_code" type="text" maxlength="16" value=typed.get("icd_code") on:input=move |ev| has_icd.set(!event_target_value(&ev).trim().is_empty())/>
        <label for="icd_text">{x.icd_text}</label>
        <input id="icd_text" name="icd_text" type="text" maxlength="300" value=typed.get("icd_text")/>
        <label class="check">
            <input type="checkbox" name="anonymous" value="on" checked=typed.checked("anonymous") on:change=move |ev| anonymous.set(event_target_checked(&ev))/>
            {x.anonymous_visit}
        </label>
        {own_consent_today.then(|| view! {
            <label class="check">
                <input type="checkbox" name="own_consent" value="on" data-testid="own-consent" checked=typed.checked("own_consent") on:change=move |ev| own_consent.set(event_target_checked(&ev))/>
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
pub(super) fn UploadItem(u: StaffUpload, card: i64, resend: ServerAction<DocumentResend>) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let offset = clinic_offset();
    let resend_error = last_error(resend.value());
    view! {
        <li class="upload" data-testid="upload">
            <h3>{u.title.clone()}</h3>
            <p>
                <span class=status_class(u.status) data-testid="upload-status">{t.docs().status(u.status)}</span>
                {u.category.map(|c| view! { " " <span class="badge">{category_label(t, c)}</span> })}
                {u.own_consent.then(|| view! { " " <span class="badge">{t.docs().own_consent_badge}</span> })}
            </p>
            <p class="meta">
                {format_date(u.visit_date, lang)}" · "{t.docs().uploaded_by}": "{u.uploaded_by.clone()}", "
                {format_datetime(u.created_at, offset, lang)}
            </p>
            {u.landed_with.clone().map(|n| view! { <p class="meta">{(t.docs().lands_with)(&n)}</p> })}
            <ul class="files">
                {u.files.into_iter().map(|f| {
                    let reasons = f.reasons.iter().map(|r| t.docs().reason(*r)).collect::<Vec<_>>().join(", ");
                    let can_resend = matches!(f.status, FileStatus::NotSent | FileStatus::CannotSend);
                    let why = reasons.clone();
                    view! {
                        <li data-testid="staff-file">
                            <span class="file-name">{f.name.clone()}</span>
                            <span class="meta">{format_size(f.size, lang)}</span>
                            <span class="badge" title=why.clone()>{file_status(t, f.status)}</span>
                            {(!reasons.is_empty()).then(|| view! { <span class="reason" data-testid="file-reason">{reasons.clone()}</span> })}
                            {f.converted.map(|c| view! { <span class="meta">{(t.docs().converted_to)(&c.extension().to_uppercase())}</span> })}
                            {f.resend_requested.then(|| view! { <span class="badge status-scheduled">{t.docs().resend_asked}</span> })}
                            <a href=format!("/files/{}", f.id)>{t.docs().download_original}</a>
                            {f.converted.map(|_| view! { <a href=format!("/files/{}?copy=1", f.id)>{t.docs().download}</a> })}
                            {can_resend.then(|| view! {
                                <ActionForm action=resend attr:class="inline-form">
                                    <input type="hidden" name="card" value=card.to_string()/>
                                    <input type="hidden" name="file" value=f.id.to_string()/>
                                    <button type="submit">{t.docs().resend}</button>
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
